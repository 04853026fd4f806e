// Derived views of the state used by several components and the keyboard.
import type { Category } from '../../../shared/api/types';
import { resimplify } from '../editing/instance-edits';
import { errorMessage } from './error-message';
import { currentDocument } from '../state/store';
import type { EditorStore } from '../state/store';
import type { Selection } from '../state/session';

/** Categories in id order: the order of the 1-9 keys. */
export function sortedCategories(categories: Record<number, Category>): Category[] {
  return Object.values(categories).sort((a, b) => a.id - b.id);
}

/** Re-traces the selected instance's polygons from its mask with the session's tolerance. */
export function resimplifySelected(store: EditorStore): boolean {
  const state = store.getState();
  const document = currentDocument(state);
  const id = state.session.selection?.instanceId;
  if (!document || !id) return false;
  try {
    state.actions.execute(resimplify(document, id, state.session.simplifyTolerance));
    state.actions.setSession({ selection: { instanceId: id, vertex: null } });
    return true;
  } catch (error) {
    state.actions.notify('error', `Re-simplify failed: ${errorMessage(error)}`);
    return false;
  }
}

/** After undo/redo the selected instance (or vertex) may no longer exist: the selection that still does. */
export function validSelection(store: EditorStore): Selection | null {
  const state = store.getState();
  const selection = state.session.selection;
  const id = state.session.currentImageId;
  const instance = selection && id ? state.document.images[id]?.instances[selection.instanceId] : undefined;
  if (!selection || !instance) return null;
  const ring = selection.vertex ? instance.polygons[selection.vertex.ring] : undefined;
  const vertexOk = selection.vertex && ring && selection.vertex.index * 2 < ring.length;
  return { instanceId: selection.instanceId, vertex: vertexOk ? selection.vertex : null };
}
