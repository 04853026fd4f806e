// Keyboard shortcuts. The active tool sees a plain key first (Escape, Enter, Delete, Backspace mean
// different things mid-gesture); otherwise the first action of the registry whose chord matches runs.
// Keys typed into inputs are left alone.
import type { ActionContext, KeyPress } from './actions/action';
import { chordMatches } from './actions/action';
import { ACTIONS, performAction } from './actions/registry';
import { isTyping } from './typing';

/** Handles one keydown; true when it was taken (its default action is then prevented). */
export function dispatchKey(context: ActionContext, press: KeyPress): boolean {
  const ctrl = press.ctrlKey || !!press.metaKey;
  if (!ctrl && !press.altKey && context.toolbox.keyDown({ key: press.key, shiftKey: press.shiftKey, ctrlKey: false, altKey: false })) return true;
  for (const action of ACTIONS) {
    const chord = action.keys.find((candidate) => chordMatches(candidate, press));
    if (!chord) continue;
    performAction(action, context, chord);
    return true;
  }
  return false;
}

export function handleKeyDown(context: ActionContext, event: KeyboardEvent): void {
  if (isTyping(event)) return;
  if (dispatchKey(context, event)) event.preventDefault();
}
