// What the annotator's decisions do to the document: accept, reject, accept every proposal shown,
// assign a category, finish the image, cycle through proposals. Each is one command (undoable).
//
// The rule the keys follow (written in the shortcut help, shown on the canvas and in the list):
// A, R, 1-9 and C act on the key target, which is the selected instance, else the first proposal in
// Tab order. A and a category keep their instance selected (so "A then 4" lands on it); R rejects
// and clears the selection, so the target becomes the next proposal in Tab order; Tab / Shift+Tab
// move the selection. Nothing else moves it.
import type { Instance } from '../../../shared/api/types';
import { mergeCommands, setDoneMark, setStatus, updateInstances } from '../state/commands';
import { deriveStatus, orderedInstances } from '../state/document';
import type { ImageDocument } from '../state/document';
import type { SessionState } from '../state/session';
import { currentDocument } from '../state/store';
import type { EditorState, EditorStore } from '../state/store';
import { rankedProposals, shownProposals, visibilityOf } from '../state/visibility';

/** The instance the decision keys act on now: the selection, else the first proposal in Tab order. */
export function keyTarget(state: EditorState): { id: string; selected: boolean } | null {
  const document = currentDocument(state);
  if (!document) return null;
  const selected = state.session.selection?.instanceId;
  if (selected && document.instances[selected]) return { id: selected, selected: true };
  const first = tabOrder(document, state.session)[0];
  return first ? { id: first.id, selected: false } : null;
}

/**
 * What Tab walks: the proposals on show in display order (the diverse order of "Show top N"); once
 * none is left, the visible decided instances in the list's order.
 */
export function tabOrder(document: ImageDocument, session: SessionState): Instance[] {
  const shown = shownProposals(document, session);
  if (shown.length > 0) return shown;
  const visible = visibilityOf(document, session);
  return orderedInstances(document).filter((instance) => instance.status !== 'proposed' && visible(instance));
}

/** True (and the user told why) while a segment result is open on the current image: the keys wait for Enter or Esc. */
function segmentResultOpen(state: EditorState, document: ImageDocument): boolean {
  if (state.ephemeral.segment === null || state.ephemeral.segment.imageId !== document.imageId) return false;
  state.actions.notify('info', 'A segment result is open: Enter adds it (then the keys act on it), Esc cancels it.');
  return true;
}

/** The target as a document and id; null while a segment result is open. */
function target(store: EditorStore): { document: ImageDocument; id: string } | null {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document || segmentResultOpen(state, document)) return null;
  const found = keyTarget(state);
  return found ? { document, id: found.id } : null;
}

/**
 * A: accept the target and keep it selected; an instance without a category takes the one the app
 * suggests for it (issue #19: accepting with the suggested category is one key; a category key
 * right after overrides it). R: reject it and clear the selection (the next in Tab order becomes the target).
 */
export function decide(store: EditorStore, status: 'accepted' | 'rejected'): boolean {
  const found = target(store);
  if (!found) return false;
  const { actions, document: documents } = store.getState();
  const suggested = status === 'accepted' ? suggestedCategoryOf(found.document.instances[found.id], documents.categories) : null;
  if (suggested !== null) actions.execute(updateInstances(found.document, [found.id], (instance) => ({ ...instance, status: 'accepted', categoryId: suggested }), 'Accept as suggested'));
  else actions.execute(setStatus(found.document, [found.id], status, status === 'accepted' ? 'Accept' : 'Reject'));
  actions.setSession({ selection: status === 'accepted' ? { instanceId: found.id, vertex: null } : null });
  return true;
}

/** Accepts the proposals on show (above the threshold, within the proposal limit): what the user sees is what is accepted. */
export function acceptShownProposals(store: EditorStore): number {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return 0;
  const ids = shownProposals(document, state.session).map((instance) => instance.id);
  if (ids.length === 0) return 0;
  state.actions.execute(setStatus(document, ids, 'accepted', `Accept ${ids.length} shown proposals`));
  return ids.length;
}

/** Assigns a category to the target and keeps it selected; a proposal given a category counts as accepted. */
export function assignCategory(store: EditorStore, categoryId: number | null): boolean {
  const found = target(store);
  if (!found) return false;
  const command = updateInstances(
    found.document,
    [found.id],
    (instance) =>
      instance.categoryId === categoryId && instance.status !== 'proposed'
        ? instance
        : { ...instance, categoryId, status: instance.status === 'proposed' || instance.status === 'rejected' ? 'accepted' : instance.status },
    'Assign category',
  );
  store.getState().actions.execute(command);
  store.getState().actions.setSession({ selection: { instanceId: found.id, vertex: null } });
  return true;
}

/** Proposals of the open image still waiting for a decision (shown or not). */
export function undecidedCount(state: EditorState): number {
  const document = currentDocument(state);
  return document ? orderedInstances(document).filter((instance) => instance.status === 'proposed').length : 0;
}

/** Whether Finish image has something to do: proposals wait, or the image is not done yet (an empty one included). */
export function canFinishImage(state: EditorState): boolean {
  const document = currentDocument(state);
  return document !== undefined && (undecidedCount(state) > 0 || deriveStatus(document) !== 'done');
}

/**
 * Finish image: every proposal still undecided (shown or hidden) is rejected and the image marked
 * done, in one command, so the image is saved as done and one undo brings it all back. On an image
 * with nothing on it (no objects, or none the model found) it only marks it done. Returns whether
 * it did anything.
 */
export function finishImage(store: EditorStore): boolean {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document || segmentResultOpen(state, document) || !canFinishImage(state)) return false;
  const ids = rankedProposals(document, { scoreThreshold: -Infinity }).map((instance) => instance.id);
  const label = ids.length > 0 ? `Finish image (reject ${ids.length} undecided)` : 'Finish image (nothing on it)';
  state.actions.execute(mergeCommands([setStatus(document, ids, 'rejected', label), setDoneMark(document, true, label)].filter((command) => command !== null), label));
  const selected = state.session.selection?.instanceId;
  if (selected && ids.includes(selected)) state.actions.setSession({ selection: null });
  state.actions.notify(
    'info',
    ids.length > 0
      ? `Image done: ${ids.length} undecided proposal${ids.length === 1 ? '' : 's'} rejected (Ctrl+Z brings them back).`
      : orderedInstances(document).length === 0
        ? 'Image done with nothing on it (Ctrl+Z takes it back).'
        : 'Image done (Ctrl+Z takes it back).',
  );
  return true;
}

/** Tab: select the instance after the key target in Tab order (Shift+Tab: before it), wrapping around. */
export function cycleSelection(store: EditorStore, direction: 1 | -1) {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return;
  const pool = tabOrder(document, state.session);
  if (pool.length === 0) return;
  // Tab moves on from the key target (with nothing selected, the first in Tab order). From outside
  // the pool (an instance just accepted) Tab starts at the first, Shift+Tab at the last.
  const from = keyTarget(state)?.id;
  const currentIndex = pool.findIndex((instance) => instance.id === from);
  const next = currentIndex < 0 ? pool[direction > 0 ? 0 : pool.length - 1] : pool[(currentIndex + direction + pool.length) % pool.length];
  state.actions.setSession({ selection: { instanceId: next.id, vertex: null } });
}

/** The category A would give an instance: its suggestion, when it has no category and the suggested one exists. */
export function suggestedCategoryOf(instance: Instance | undefined, categories: Readonly<Record<number, unknown>>): number | null {
  if (!instance || instance.categoryId !== null || instance.suggestedCategoryId === undefined) return null;
  return categories[instance.suggestedCategoryId] !== undefined ? instance.suggestedCategoryId : null;
}
