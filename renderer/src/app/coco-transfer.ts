// COCO in and out of the UI: the export dialog's download fetches the host's JSON of the accepted
// instances (with the dialog's choices) and saves it as a file; import sends a chosen file to the
// host (which validates all of it first) and refreshes what changed.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';
import type { ImageNavigation } from './image-navigation';
import { IMAGE_PAGE_SIZE } from './image-navigation';

/** The download's choices: as the export dialog's (done images only, unassigned instances, score). */
export type CocoDownloadOptions = Omit<Parameters<MaskPilotClient['exportCoco']>[0], 'onlyAccepted'>;

export interface CocoTransfer {
  /** Downloads the COCO JSON; resolves with what the notice said, or null when it failed (the notice says why). */
  exportCoco(options?: CocoDownloadOptions): Promise<string | null>;
  importCoco(file: File): Promise<void>;
}

export interface CocoTransferDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'exportCoco' | 'importCoco' | 'listCategories'>;
  autosave: Pick<Autosave, 'flushAll' | 'reload'>;
  navigation: Pick<ImageNavigation, 'loadPage' | 'forgetPages'>;
}

export function createCocoTransfer({ store, client, autosave, navigation }: CocoTransferDeps): CocoTransfer {
  const { actions } = store.getState();
  return {
    async exportCoco(options = {}) {
      await autosave.flushAll();
      try {
        const result = await client.exportCoco({ ...options, onlyAccepted: true });
        const blob = new Blob([result.json], { type: 'application/json' });
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = `${store.getState().catalog.projectName || 'maskpilot'}.coco.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        const text = `Downloaded ${link.download}: ${result.annotationCount} annotations on ${result.imageCount} images`;
        actions.notify('info', text);
        return text;
      } catch (error) {
        actions.notify('error', `Export failed: ${errorMessage(error)}`);
        return null;
      }
    },

    async importCoco(file) {
      await autosave.flushAll();
      try {
        const json = await file.text();
        const result = await client.importCoco({ json });
        const skipped = result.skippedImages.length > 0 ? `; skipped ${result.skippedImages.length} images not in the folder` : '';
        actions.notify('info', `Imported ${result.annotationCount} annotations on ${result.imageCount} images${skipped}`);
        navigation.forgetPages();
        await navigation.loadPage(Math.floor(Math.max(0, store.getState().session.currentIndex) / IMAGE_PAGE_SIZE));
        actions.setCategories(await client.listCategories({}));
        const current = store.getState().session.currentImageId;
        if (current) await autosave.reload(current);
      } catch (error) {
        actions.notify('error', `Import failed: ${errorMessage(error)}`);
      }
    },
  };
}
