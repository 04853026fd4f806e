// Commands: every document change is a list of record changes, each holding the record before and
// after. The inverse of a command swaps before/after and reverses the order, so undo is exact by
// construction and a batch (a model's proposals) is just one command with many changes.
import type { ImageId, Instance } from '../../../shared/api/types';
import type { DocumentState, ImageDocument } from './document';

/**
 * One instance record replaced, added (before null) or removed (after null).
 * `index` is the position in the image's order where the record sits after the change (for
 * additions) so that undoing a removal puts the instance back where it was.
 */
export interface InstanceChange {
  imageId: ImageId;
  instanceId: string;
  before: Instance | null;
  after: Instance | null;
  index?: number;
}

/** The image's done mark (ImageDocument.markedDone) before and after. */
export interface DoneMarkChange {
  imageId: ImageId;
  before: boolean;
  after: boolean;
}

export interface Command {
  /** Shown in menus and the status bar: "Accept instance", "Move vertex", ... */
  label: string;
  changes: InstanceChange[];
  /** Present when the command marks the image done (or takes the mark back). */
  doneMark?: DoneMarkChange;
}

export function invertCommand(command: Command): Command {
  const inverted: Command = {
    label: command.label,
    changes: [...command.changes].reverse().map((change) => ({ ...change, before: change.after, after: change.before })),
  };
  if (command.doneMark) inverted.doneMark = { ...command.doneMark, before: command.doneMark.after, after: command.doneMark.before };
  return inverted;
}

/** Whether a command changes anything (instances or the done mark). */
export function isEmptyCommand(command: Command): boolean {
  return command.changes.length === 0 && command.doneMark === undefined;
}

/** The one image a command touches (every command touches exactly one); throws otherwise. */
export function imageOfCommand(command: Command): ImageId {
  const imageIds = new Set([...command.changes.map((change) => change.imageId), ...(command.doneMark ? [command.doneMark.imageId] : [])]);
  if (imageIds.size !== 1) throw new Error(`Command "${command.label}" must touch exactly one image`);
  return [...imageIds][0];
}

/** Applies a command to the document immutably; throws if a change's `before` does not match (a bug, never silent). */
export function applyCommand(state: DocumentState, command: Command): DocumentState {
  let images = state.images;
  for (const change of command.changes) {
    const document = images[change.imageId];
    if (!document) throw new Error(`Command "${command.label}" touches image ${change.imageId}, which is not loaded`);
    images = { ...images, [change.imageId]: applyChange(document, change, command.label) };
  }
  if (command.doneMark) {
    const { imageId, before, after } = command.doneMark;
    const document = images[imageId];
    if (!document) throw new Error(`Command "${command.label}" touches image ${imageId}, which is not loaded`);
    if (document.markedDone !== before) throw new Error(`Command "${command.label}" expected image ${imageId} ${before ? '' : 'not '}marked done`);
    images = { ...images, [imageId]: { ...document, markedDone: after } };
  }
  return images === state.images ? state : { ...state, images };
}

function applyChange(document: ImageDocument, change: InstanceChange, label: string): ImageDocument {
  const current = document.instances[change.instanceId] ?? null;
  if (current !== change.before && !sameRecord(current, change.before)) {
    throw new Error(`Command "${label}" expected instance ${change.instanceId} in another state`);
  }
  const instances = { ...document.instances };
  let order = document.order;
  if (change.after === null) {
    delete instances[change.instanceId];
    order = order.filter((id) => id !== change.instanceId);
  } else {
    instances[change.instanceId] = change.after;
    if (current === null) {
      order = [...order];
      const index = change.index === undefined ? order.length : Math.min(Math.max(change.index, 0), order.length);
      order.splice(index, 0, change.instanceId);
    }
  }
  return { ...document, instances, order };
}

function sameRecord(a: Instance | null, b: Instance | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && JSON.stringify(a) === JSON.stringify(b);
}

// ---- Command builders: small, pure, named after what the user did. ----

/** Replaces instances by id with updated copies; unchanged ones are skipped. Null if nothing changes. */
export function updateInstances(
  document: ImageDocument,
  ids: readonly string[],
  update: (instance: Instance) => Instance,
  label: string,
): Command | null {
  const changes: InstanceChange[] = [];
  for (const id of ids) {
    const before = document.instances[id];
    if (!before) continue;
    const after = update(before);
    if (after === before) continue;
    changes.push({ imageId: document.imageId, instanceId: id, before, after });
  }
  return changes.length === 0 ? null : { label, changes };
}

export function setStatus(document: ImageDocument, ids: readonly string[], status: Instance['status'], label: string): Command | null {
  return updateInstances(document, ids, (instance) => (instance.status === status ? instance : { ...instance, status }), label);
}

/** Adds new instances at the end of the order (one batch, e.g. a model's proposals). */
export function addInstances(document: ImageDocument, instances: readonly Instance[], label: string): Command | null {
  const changes: InstanceChange[] = [];
  let index = document.order.length;
  const seen = new Set<string>();
  for (const instance of instances) {
    if (document.instances[instance.id] || seen.has(instance.id)) {
      throw new Error(`Instance id ${instance.id} already exists in ${document.imageId}`);
    }
    seen.add(instance.id);
    changes.push({ imageId: document.imageId, instanceId: instance.id, before: null, after: instance, index: index++ });
  }
  return changes.length === 0 ? null : { label, changes };
}

/** Removes instances, remembering their positions so undo restores the order. */
export function removeInstances(document: ImageDocument, ids: readonly string[], label: string): Command | null {
  const changes: InstanceChange[] = [];
  // Remove from the back so each recorded index is valid when the inverse re-inserts front to back.
  const positions = ids
    .map((id) => ({ id, index: document.order.indexOf(id) }))
    .filter((entry) => entry.index >= 0)
    .sort((a, b) => b.index - a.index);
  for (const { id, index } of positions) {
    const before = document.instances[id];
    if (before) changes.push({ imageId: document.imageId, instanceId: id, before, after: null, index });
  }
  return changes.length === 0 ? null : { label, changes };
}

/** Marks the image done, or takes the mark back. Null if it already is as asked. */
export function setDoneMark(document: ImageDocument, markedDone: boolean, label: string): Command | null {
  return document.markedDone === markedDone ? null : { label, changes: [], doneMark: { imageId: document.imageId, before: document.markedDone, after: markedDone } };
}

/** Concatenates commands into one (a gesture squashed to its mark). */
export function mergeCommands(commands: readonly Command[], label: string): Command | null {
  const changes = commands.flatMap((command) => command.changes);
  const marks = commands.flatMap((command) => (command.doneMark ? [command.doneMark] : []));
  const merged: Command = { label, changes };
  // Several marks in a row: from the first one's before to the last one's after.
  if (marks.length > 0 && marks[0].before !== marks[marks.length - 1].after) merged.doneMark = { ...marks[0], after: marks[marks.length - 1].after };
  return isEmptyCommand(merged) ? null : merged;
}
