// What the annotator's decisions do to the document: accept, reject, accept every proposal shown,
// assign a category, cycle through proposals. Each is one command (undoable).
import type { Instance } from '../../../shared/api/types';
import { setStatus, updateInstances } from '../state/commands';
import { orderedInstances } from '../state/document';
import type { ImageDocument } from '../state/document';
import type { SessionState } from '../state/session';
import { currentDocument } from '../state/store';
import type { EditorStore } from '../state/store';
import { rankedProposals, shownProposals, visibilityOf } from '../state/visibility';

/** The instance the decision keys act on: the selection, else the best visible proposal. */
function target(store: EditorStore): { document: ImageDocument; id: string } | null {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return null;
  const selected = state.session.selection?.instanceId;
  if (selected && document.instances[selected]) return { document, id: selected };
  const next = bestPendingProposal(document, state.session);
  return next ? { document, id: next.id } : null;
}

function bestPendingProposal(document: ImageDocument, session: SessionState): Instance | null {
  return rankedProposals(document, session)[0] ?? null;
}

/** After a decision, move the selection to the next pending proposal so A/R can be pressed in a row. */
function selectNextPending(store: EditorStore) {
  const state = store.getState();
  const document = currentDocument(state);
  const next = document ? bestPendingProposal(document, state.session) : null;
  state.actions.setSession({ selection: next ? { instanceId: next.id, vertex: null } : null });
}

export function decide(store: EditorStore, status: 'accepted' | 'rejected'): boolean {
  const found = target(store);
  if (!found) return false;
  store.getState().actions.execute(setStatus(found.document, [found.id], status, status === 'accepted' ? 'Accept' : 'Reject'));
  selectNextPending(store);
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

/** Assigns a category to the target; a proposal given a category counts as accepted. */
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

/** Tab: select the next visible instance in order (Shift+Tab: previous), wrapping around. */
export function cycleSelection(store: EditorStore, direction: 1 | -1) {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return;
  const visible = orderedInstances(document).filter(visibilityOf(document, state.session));
  if (visible.length === 0) return;
  const pendingFirst = visible.filter((instance) => instance.status === 'proposed');
  const pool = pendingFirst.length > 0 ? pendingFirst : visible;
  const currentIndex = pool.findIndex((instance) => instance.id === state.session.selection?.instanceId);
  // From outside the pool (nothing selected, or a row that is not shown) Tab starts at the first, Shift+Tab at the last.
  const next = currentIndex < 0 ? pool[direction > 0 ? 0 : pool.length - 1] : pool[(currentIndex + direction + pool.length) % pool.length];
  state.actions.setSession({ selection: { instanceId: next.id, vertex: null } });
}
