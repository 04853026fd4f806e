// The shortcut help: every action with a key, from the registry, then the gestures the tools'
// state machines own (their keys mean different things mid-gesture, so they are not actions).
import type { ToolName } from '../../state/session';
import { keysText } from './action';
import { ACTIONS } from './registry';

export interface HelpRow {
  keys: string;
  label: string;
  /** Set for gestures that only one tool understands. */
  tool?: ToolName;
}

/** Keys and pointer gestures handled inside the tools (and the canvas), for the help only. */
export const GESTURES: readonly HelpRow[] = [
  { keys: 'Alt+click, dbl-click edge', label: 'insert a vertex', tool: 'select' },
  { keys: 'Delete', label: 'delete the selected vertex (or instance)', tool: 'select' },
  { keys: 'Enter, click the first point', label: 'close the polygon', tool: 'draw' },
  { keys: 'Shift+first click', label: 'add the ring to the selection (a hole inside it)', tool: 'draw' },
  { keys: 'Backspace', label: 'remove the last point', tool: 'draw' },
  { keys: 'Space+drag, middle drag, wheel', label: 'pan, zoom' },
];

export function shortcutHelp(): HelpRow[] {
  const actions = ACTIONS.filter((action) => action.keys.length > 0).map((action) => ({ keys: keysText(action), label: action.label }));
  return [...actions, ...GESTURES];
}
