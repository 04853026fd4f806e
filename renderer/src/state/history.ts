// Undo/redo stacks, one per image (undo acts on the image you are looking at, never on a hidden one).
// Marks: a gesture that spans several commands (a click-to-segment series refined with shift-clicks)
// sets a mark first; Escape bails back to it (undoing everything after it, leaving no redo), and
// finishing squashes everything after it into one undo step. Pure functions over plain data.
import { invertCommand, mergeCommands } from './commands';
import type { Command } from './commands';

export interface ImageHistory {
  undo: Command[];
  redo: Command[];
  /** Named positions in `undo` (its length when the mark was set); most recent last. */
  marks: { id: string; depth: number }[];
}

export const emptyHistory: ImageHistory = { undo: [], redo: [], marks: [] };

export function pushCommand(history: ImageHistory, command: Command): ImageHistory {
  return { undo: [...history.undo, command], redo: [], marks: history.marks };
}

/** The command to apply for an undo (already inverted) and the new history; null if nothing to undo. */
export function takeUndo(history: ImageHistory): { apply: Command; history: ImageHistory } | null {
  const command = history.undo[history.undo.length - 1];
  if (!command) return null;
  const undo = history.undo.slice(0, -1);
  return {
    apply: invertCommand(command),
    history: { undo, redo: [...history.redo, command], marks: history.marks.filter((mark) => mark.depth <= undo.length) },
  };
}

export function takeRedo(history: ImageHistory): { apply: Command; history: ImageHistory } | null {
  const command = history.redo[history.redo.length - 1];
  if (!command) return null;
  return { apply: command, history: { undo: [...history.undo, command], redo: history.redo.slice(0, -1), marks: history.marks } };
}

export function setMark(history: ImageHistory, id: string): ImageHistory {
  return { ...history, marks: [...history.marks.filter((mark) => mark.id !== id), { id, depth: history.undo.length }] };
}

/** Everything after the mark, as one inverted command to apply, and the history without it (and without the mark). */
export function bailToMark(history: ImageHistory, id: string): { apply: Command | null; history: ImageHistory } {
  const mark = history.marks.find((candidate) => candidate.id === id);
  if (!mark) return { apply: null, history };
  const after = history.undo.slice(mark.depth);
  const merged = mergeCommands(after, 'Cancel');
  return {
    apply: merged ? invertCommand(merged) : null,
    history: { undo: history.undo.slice(0, mark.depth), redo: [], marks: history.marks.filter((m) => m.depth < mark.depth) },
  };
}

/** Squashes everything after the mark into one command labelled `label`, and removes the mark. */
export function squashToMark(history: ImageHistory, id: string, label: string): ImageHistory {
  const mark = history.marks.find((candidate) => candidate.id === id);
  if (!mark) return history;
  const merged = mergeCommands(history.undo.slice(mark.depth), label);
  const undo = merged ? [...history.undo.slice(0, mark.depth), merged] : history.undo.slice(0, mark.depth);
  return { undo, redo: history.redo, marks: history.marks.filter((m) => m.id !== id) };
}
