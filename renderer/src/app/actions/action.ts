// What an action is (excalidraw's action manager is the model): defined once with its keys, label,
// enabled rule and handler; the keyboard handler, the toolbar, the desktop menu's commands and the
// shortcut help all read the one registry (registry.ts).
import type { AppCommand } from '../../../../shared/api/bridge';
import type { KeyChord } from '../../../../shared/actions/menu-actions';
import type { EditorState, EditorStore } from '../../state/store';
import type { Editor } from '../../tools/editor';
import type { Toolbox } from '../../tools/toolbox';

export type { KeyChord };

/** What actions act on; the controller provides all of it. */
export interface ActionContext {
  store: EditorStore;
  toolbox: Pick<Toolbox, 'setTool' | 'undoInGesture' | 'keyDown'>;
  editor: Pick<Editor, 'deleteInstance'>;
  fitToView(): void;
  openByOffset(delta: 1 | -1): Promise<void>;
  proposeCurrent(): Promise<void>;
  proposeAll(): Promise<void>;
  startFineTune(): void;
}

export type ActionGroup = 'decide' | 'navigate' | 'tools' | 'edit' | 'view' | 'model' | 'project';

export interface Action {
  /** Menu commands use their AppCommand as id, so the shell's command finds its action. */
  id: AppCommand | string;
  /** What it does, as tooltips, menus and the shortcut help say it. */
  label: string;
  /** Button text where the toolbar shows a shorter one than the label. */
  buttonText?: string;
  group: ActionGroup;
  /** Every chord that runs it (empty: toolbar or menu only). */
  keys: readonly KeyChord[];
  /** How the help writes the keys when a list would be long ("1-9, 0"). */
  keysText?: string;
  /** False greys out its button and makes its key do nothing; absent means always enabled. */
  enabled?(state: EditorState): boolean;
  /** `chord` is the one pressed when a key ran it (the category keys read which digit). */
  perform(context: ActionContext, chord?: KeyChord): void;
}

/** The key as a KeyboardEvent reports it, with its modifiers (Cmd counts as Ctrl). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey?: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function chordMatches(chord: KeyChord, press: KeyPress): boolean {
  const mod = press.ctrlKey || !!press.metaKey;
  if (mod !== !!chord.mod || press.altKey !== !!chord.alt) return false;
  if (chord.shift !== undefined && press.shiftKey !== chord.shift) return false;
  return chord.key.length === 1 ? press.key.toLowerCase() === chord.key.toLowerCase() : press.key === chord.key;
}

const KEY_NAMES: Record<string, string> = { ArrowRight: '→', ArrowLeft: '←', ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc' };

/** A chord as the help and tooltips write it: "Ctrl+Shift+Z", "Shift+Tab", "→". */
export function formatChord(chord: KeyChord): string {
  const key = KEY_NAMES[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  return [chord.mod ? 'Ctrl' : null, chord.alt ? 'Alt' : null, chord.shift ? 'Shift' : null, key].filter((part) => part !== null).join('+');
}

/** An action's keys as the help writes them. */
export function keysText(action: Action): string {
  return action.keysText ?? action.keys.map(formatChord).join(', ');
}

/** A button's tooltip: the label and, when it has one, its first key. */
export function tooltip(action: Action): string {
  return action.keys.length > 0 ? `${action.label} (${formatChord(action.keys[0])})` : action.label;
}
