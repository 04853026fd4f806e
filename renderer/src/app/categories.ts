// The project's categories: created, renamed and recoloured through the host (which owns their
// ids); deleting one unassigns its instances on disk, so the open image is reloaded afterwards.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { Category } from '../../../shared/api/types';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';

export interface Categories {
  /** Creates (no id) or updates a category; null when the host refused (the user is told). */
  saveCategory(category: { id?: number; name: string; color?: string }): Promise<Category | null>;
  deleteCategory(id: number): Promise<void>;
}

export interface CategoriesDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'saveCategory' | 'deleteCategory' | 'listCategories'>;
  autosave: Pick<Autosave, 'flushAll' | 'reload'>;
}

export function createCategories({ store, client, autosave }: CategoriesDeps): Categories {
  const { actions } = store.getState();
  return {
    async saveCategory(category) {
      try {
        const saved = await client.saveCategory(category);
        const categories = { ...store.getState().document.categories, [saved.id]: saved };
        actions.setCategories(Object.values(categories));
        return saved;
      } catch (error) {
        actions.notify('error', `Could not save category: ${errorMessage(error)}`);
        return null;
      }
    },

    async deleteCategory(id) {
      await autosave.flushAll();
      try {
        const { unassignedInstances } = await client.deleteCategory({ id });
        actions.setCategories(await client.listCategories({}));
        // The host rewrote the affected images; take its version of the open one.
        const current = store.getState().session.currentImageId;
        if (current) await autosave.reload(current);
        actions.notify('info', `Category deleted; ${unassignedInstances} instance${unassignedInstances === 1 ? '' : 's'} unassigned`);
      } catch (error) {
        actions.notify('error', `Could not delete category: ${errorMessage(error)}`);
      }
    },
  };
}
