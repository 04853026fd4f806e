// Menu commands from the desktop shell (Edit > Undo, View > Zoom In, Model > Fine-tune now, ...):
// each is an action of the registry (its id is the command), run exactly as its key or button runs
// it. In the browser there is no shell and no command source; nothing subscribes.
import type { Unsubscribe } from '../../../shared/api/contract';
import type { AppCommand } from '../../../shared/api/bridge';
import type { ActionContext } from './actions/action';
import { ACTIONS, performAction } from './actions/registry';

/** A source of commands: the Electron bridge client has one; the browser client does not. */
export interface CommandSource {
  onCommand?(listener: (command: AppCommand) => void): Unsubscribe;
}

/**
 * Runs one command. Undo and redo act on a focused text field when one has focus (macOS routes
 * Cmd+Z through the menu, so the field would otherwise never see it), else on the document. A
 * command from a newer shell that no action answers is ignored, as the bridge's contract says.
 */
export function runAppCommand(context: ActionContext, command: AppCommand): void {
  if ((command === 'undo' || command === 'redo') && editTextField(command)) return;
  const action = ACTIONS.find((candidate) => candidate.id === command);
  if (action) performAction(action, context);
}

/** Follows the shell's commands when there is a shell; a no-op unsubscribe otherwise. */
export function listenToAppCommands(source: CommandSource, context: ActionContext): Unsubscribe {
  if (typeof source.onCommand !== 'function') return () => {};
  return source.onCommand((command) => runAppCommand(context, command));
}

function editTextField(command: 'undo' | 'redo'): boolean {
  if (typeof document === 'undefined') return false;
  const element = document.activeElement as HTMLElement | null;
  const editable = !!element && (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.isContentEditable);
  if (!editable) return false;
  // execCommand is deprecated but still the only way to drive a field's own undo stack.
  document.execCommand(command);
  return true;
}
