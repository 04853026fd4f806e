// What the annotator's decisions do to the document: accept, reject, accept all above the
// threshold, assign a category, delete, cycle through proposals. Each is one command (undoable).
import type { Instance } from '../../../shared/api/types';
import { removeInstances, setStatus, updateInstances } from '../state/commands';
import { orderedInstances } from '../state/document';
import type { ImageDocument } from '../state/document';
import type { SessionState } from '../state/session';
import { currentDocument } from '../state/store';
import type { EditorStore } from '../state/store';

/** Whether an instance is drawn and reachable by Tab: rejected ones only on request, proposals only above the threshold. */
export function isVisible(instance: Instance, session: Pick<SessionState, 'scoreThreshold' | 'showRejected'>): boolean {
  if (instance.status === 'rejected') return session.showRejected;
  if (instance.status === 'proposed') return (instance.score ?? 1) >= session.scoreThreshold;
  return true;
}

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
  const pending = orderedInstances(document).filter((instance) => instance.status === 'proposed' && isVisible(instance, session));
  pending.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  return pending[0] ?? null;
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

export function acceptAllAboveThreshold(store: EditorStore): number {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return 0;
  const ids = orderedInstances(document)
    .filter((instance) => instance.status === 'proposed' && (instance.score ?? 1) >= state.session.scoreThreshold)
    .map((instance) => instance.id);
  state.actions.execute(setStatus(document, ids, 'accepted', `Accept ${ids.length} above threshold`));
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

export function deleteInstance(store: EditorStore, instanceId: string) {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return;
  state.actions.execute(removeInstances(document, [instanceId], 'Delete instance'));
  state.actions.setSession({ selection: null });
}

/** Tab: select the next visible instance in order (Shift+Tab: previous), wrapping around. */
export function cycleSelection(store: EditorStore, direction: 1 | -1) {
  const state = store.getState();
  const document = currentDocument(state);
  if (!document) return;
  const visible = orderedInstances(document).filter((instance) => isVisible(instance, state.session));
  if (visible.length === 0) return;
  const pendingFirst = visible.filter((instance) => instance.status === 'proposed');
  const pool = pendingFirst.length > 0 ? pendingFirst : visible;
  const currentIndex = pool.findIndex((instance) => instance.id === state.session.selection?.instanceId);
  const next = pool[(currentIndex + direction + pool.length) % pool.length] ?? pool[0];
  state.actions.setSession({ selection: { instanceId: next.id, vertex: null } });
}
