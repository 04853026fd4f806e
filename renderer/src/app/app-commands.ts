// Menu commands from the desktop shell (Edit > Undo, View > Zoom In, Model > Fine-tune now, ...):
// each runs the same action as its key or button. In the browser there is no shell and no
// command source; nothing subscribes and the keys and buttons work as before.
import type { Unsubscribe } from '../../../shared/api/contract';
import type { AppCommand } from '../../../shared/api/bridge';
import { zoomAround } from '../state/session';
import type { EditorStore } from '../state/store';
import { validSelection } from './selectors';

/** Zoom per menu step (View > Zoom In / Zoom Out), around the centre of the canvas. */
export const MENU_ZOOM_STEP = 1.25;

/** What a command needs from the rest of the app (the controller provides all of it). */
export interface CommandTarget {
  store: EditorStore;
  fitToView(): void;
  startFineTune(): void;
}

/** A source of commands: the Electron bridge client has one; the browser client does not. */
export interface CommandSource {
  onCommand?(listener: (command: AppCommand) => void): Unsubscribe;
}

/**
 * Runs one command. Undo and redo act on a focused text field when one has focus (macOS routes
 * Cmd+Z through the menu, so the field would otherwise never see it), else on the document.
 */
export function runAppCommand(target: CommandTarget, command: AppCommand): void {
  const { store } = target;
  const { actions } = store.getState();
  const zoom = (factor: number) => {
    const state = store.getState();
    const { width, height } = state.ephemeral.viewport;
    actions.setSession({ camera: zoomAround(state.session.camera, factor, width / 2, height / 2) });
  };
  switch (command) {
    case 'undo':
    case 'redo':
      if (editTextField(command)) return;
      if (command === 'undo') actions.undo();
      else actions.redo();
      actions.setSession({ selection: validSelection(store) });
      return;
    case 'zoomIn':
      return zoom(MENU_ZOOM_STEP);
    case 'zoomOut':
      return zoom(1 / MENU_ZOOM_STEP);
    case 'zoomFit':
      return target.fitToView();
    case 'showModelVersions':
      actions.setSession({ modelPanelOpen: true });
      return;
    case 'startFineTune':
      actions.setSession({ modelPanelOpen: true });
      target.startFineTune();
      return;
    default: {
      // A command from a newer shell: ignored, as the bridge's contract says.
      const unknown: never = command;
      void unknown;
    }
  }
}

/** Follows the shell's commands when there is a shell; a no-op unsubscribe otherwise. */
export function listenToAppCommands(source: CommandSource, target: CommandTarget): Unsubscribe {
  if (typeof source.onCommand !== 'function') return () => {};
  return source.onCommand((command) => runAppCommand(target, command));
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
