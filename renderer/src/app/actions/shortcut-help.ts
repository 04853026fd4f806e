// The shortcut help: every action with a key, from the registry, then the gestures the tools'
// state machines own (their keys mean different things mid-gesture, so they are not actions).
import type { ToolName } from '../../state/session';
import { SEGMENT_ACCEPT_SCORE } from '../../tools/segment/prompt';
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
  { keys: 'click', label: 'segment the object there; further clicks refine it', tool: 'segment' },
  { keys: 'right click, Alt+click', label: 'mark background (refines the result)', tool: 'segment' },
  { keys: 'drag', label: 'box prompt: segment the object in the box (clicks then refine it)', tool: 'segment' },
  { keys: 'Shift+click, ] / [', label: 'next / previous scale of a single click', tool: 'segment' },
  { keys: 'Backspace, Ctrl+Z', label: 'take back the last click (asks the model again)', tool: 'segment' },
  { keys: 'Enter', label: `add the result (as proposed when its score is below ${SEGMENT_ACCEPT_SCORE.toFixed(2)}); another image or tool adds it too`, tool: 'segment' },
  { keys: 'Esc', label: 'cancel the whole interaction: nothing is added', tool: 'segment' },
  { keys: 'Space+drag, middle drag, wheel', label: 'pan, zoom' },
];

/**
 * Which instance the decision keys act on, said once above the keys (annotation-actions.ts holds
 * the rule; the canvas labels the target and the instance list marks its row).
 */
export const KEY_TARGET_RULE: HelpRow = {
  keys: 'A, R, 1-9, C',
  label:
    'act on the key target: the selected instance, else the first proposal in Tab order (labelled on the canvas, ▸ in the list). ' +
    'A and a category keep it selected, so "A then 4" lands on it; R rejects it and the next proposal becomes the target; ' +
    'only Tab, Shift+Tab, a click or Esc move the selection.',
};

export function shortcutHelp(): HelpRow[] {
  const actions = ACTIONS.filter((action) => action.keys.length > 0).map((action) => ({ keys: keysText(action), label: action.label }));
  return [KEY_TARGET_RULE, ...actions, ...GESTURES];
}
