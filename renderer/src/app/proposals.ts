// Asking the model for the open image's proposals (one undoable batch, see proposal-batch.ts), on
// request or when an unvisited image opens, and the propose-all job over the folder.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { ImageId } from '../../../shared/api/types';
import { newInstanceId } from '../state/document';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';
import { proposalBatch } from './proposal-batch';

export interface Proposals {
  proposeCurrent(): Promise<void>;
  /** Proposes an image just opened when the session proposes automatically and the model is ready. */
  proposeOnOpen(imageId: ImageId): Promise<void>;
  proposeAll(): Promise<void>;
  cancelJob(): Promise<void>;
}

export interface ProposalsDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'propose' | 'proposeAll' | 'cancelJob'>;
  reportLatency(latencyMs: number): void;
}

export function createProposals({ store, client, reportLatency }: ProposalsDeps): Proposals {
  const { actions } = store.getState();
  /** An unvisited image opened while another image was being proposed: proposed when that ends. */
  let openedWhileBusy: ImageId | null = null;
  const proposals: Proposals = {
    async proposeCurrent() {
      const imageId = store.getState().session.currentImageId;
      if (!imageId || store.getState().catalog.proposingImageId !== null) return;
      actions.setCatalog({ proposingImageId: imageId });
      actions.notify('info', 'Proposing…');
      try {
        const { instances, latencyMs } = await client.propose({ imageId });
        reportLatency(latencyMs);
        const doc = store.getState().document.images[imageId];
        if (!doc) return;
        const batch = proposalBatch(doc, instances, () => newInstanceId(store.getState().document.images[imageId], 'p'));
        if (batch.command) store.getState().actions.execute(batch.command);
        const kept = batch.skipped > 0 ? `; ${batch.skipped} left out as copies of instances you already decided on` : '';
        const replaced = batch.replaced > 0 ? ` (replacing ${batch.replaced} undecided)` : '';
        actions.notify('info', `${batch.added} proposals in ${Math.round(latencyMs)} ms${replaced}${kept}`);
      } catch (error) {
        actions.notify('error', `Propose failed: ${errorMessage(error)}`);
      } finally {
        actions.setCatalog({ proposingImageId: null });
        const waiting = openedWhileBusy;
        openedWhileBusy = null;
        // Still on it and still empty (nothing drawn or clicked meanwhile): propose it now.
        const doc = waiting ? store.getState().document.images[waiting] : undefined;
        if (waiting && waiting !== imageId && doc && doc.order.length === 0) void proposals.proposeOnOpen(waiting);
      }
    },

    async proposeOnOpen(imageId) {
      const state = store.getState();
      if (state.session.currentImageId !== imageId || !state.session.autoPropose || !state.catalog.modelStatus?.ready) return;
      if (state.catalog.proposingImageId !== null && state.catalog.proposingImageId !== imageId) {
        openedWhileBusy = imageId;
        return;
      }
      await proposals.proposeCurrent();
    },

    async proposeAll() {
      // The host decides which images to propose and says which it skipped and why when the job
      // ends (server-events.ts, propose-all-summary.ts); the browser's partial list cannot know.
      try {
        const { jobId } = await client.proposeAll({});
        actions.setCatalog({ job: { jobId, kind: 'propose', done: 0, total: 0, state: 'running' } });
      } catch (error) {
        actions.notify('error', `Could not start: ${errorMessage(error)}`);
      }
    },

    async cancelJob() {
      const job = store.getState().catalog.job;
      if (!job) return;
      try {
        await client.cancelJob({ jobId: job.jobId });
      } catch (error) {
        actions.notify('error', `Could not cancel: ${errorMessage(error)}`);
      }
    },
  };
  return proposals;
}
