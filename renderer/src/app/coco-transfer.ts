// COCO out of the UI through the browser: the export dialog's download fetches the host's JSON of
// the accepted instances (with the dialog's choices) and saves it as a file. Import, COCO's included,
// is annotation-import.ts.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';

/** The download's choices: as the export dialog's (done images only, unassigned instances, score). */
export type CocoDownloadOptions = Omit<Parameters<MaskPilotClient['exportCoco']>[0], 'onlyAccepted'>;

export interface CocoTransfer {
  /** Downloads the COCO JSON; resolves with what the notice said, or null when it failed (the notice says why). */
  exportCoco(options?: CocoDownloadOptions): Promise<string | null>;
}

export interface CocoTransferDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'exportCoco'>;
  autosave: Pick<Autosave, 'flushAll'>;
}

export function createCocoTransfer({ store, client, autosave }: CocoTransferDeps): CocoTransfer {
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
  };
}
