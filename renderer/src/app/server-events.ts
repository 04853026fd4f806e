// Following the node side: the connection (after a reconnect events may have been missed, so the
// list, categories, model and open image are refreshed), list rows, categories, model status, job
// progress, and annotations saved by another window.
import type { MaskPilotClient, Unsubscribe } from '../../../shared/api/contract';
import type { ConnectionState } from '../client';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';
import type { ImageNavigation } from './image-navigation';
import { IMAGE_PAGE_SIZE } from './image-navigation';
import type { LearningController } from './learning';
import { proposeAllEndText } from './propose-all-summary';

/** What a transport may add to the contract's client: connection state (the WebSocket client has it). */
export interface ConnectionAware {
  connectionState?(): ConnectionState;
  onConnectionChange?(listener: (state: ConnectionState) => void): () => void;
}

export interface ServerEventsDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'on' | 'listCategories' | 'getModelStatus'> & ConnectionAware;
  navigation: Pick<ImageNavigation, 'loadPage' | 'forgetPages' | 'refreshCurrent'>;
  autosave: Pick<Autosave, 'flushAll' | 'reload'>;
  learning: Pick<LearningController, 'refresh'>;
}

/** What to do once the host refuses this page's token (it restarted and printed a new URL). */
export const REFUSED_TEXT =
  'The MaskPilot host restarted with a new address: this tab can no longer reach it. Open the new URL the host printed when it started (it ends in ?token=…).';

/** Jobs that ended stay in the status bar this long (ms). */
const ENDED_JOB_SHOWN_MS = 3000;

export function followServerEvents({ store, client, navigation, autosave, learning }: ServerEventsDeps): Unsubscribe[] {
  const { actions } = store.getState();

  async function resync() {
    try {
      navigation.forgetPages();
      const index = Math.max(0, store.getState().session.currentIndex);
      await navigation.loadPage(Math.floor(index / IMAGE_PAGE_SIZE));
      actions.setCategories(await client.listCategories({}));
      actions.setCatalog({ modelStatus: await client.getModelStatus({}) });
      await autosave.flushAll();
      await navigation.refreshCurrent();
      await learning.refresh();
      actions.notify('info', 'Reconnected.');
    } catch (error) {
      actions.notify('error', `Reconnected, but refreshing failed: ${errorMessage(error)}`);
    }
  }

  const unsubscribers: Unsubscribe[] = [];
  if (client.onConnectionChange) {
    unsubscribers.push(
      client.onConnectionChange((connection) => {
        const before = store.getState().catalog;
        const wasDown = before.connection !== 'open';
        actions.setCatalog({ connection, connectionLostAt: connection === 'open' ? null : (before.connectionLostAt ?? Date.now()) });
        if (connection === 'reconnecting' && !wasDown) actions.notify('error', 'Lost the connection to the MaskPilot host; trying again… (your edits are kept and saved once it is back)');
        if (connection === 'refused') actions.notify('error', REFUSED_TEXT);
        if (connection === 'open' && wasDown) void resync();
      }),
    );
  }
  unsubscribers.push(
    client.on('onDidChangeImage', ({ image }) => actions.updateImageRecord(image)),
    client.on('onDidChangeCategories', ({ categories }) => actions.setCategories(categories)),
    client.on('onDidChangeModel', (status) => actions.setCatalog({ modelStatus: status })),
    client.on('onDidProgress', (progress) => {
      actions.setCatalog({ job: progress });
      if (progress.state !== 'running') {
        const text =
          progress.kind === 'propose'
            ? proposeAllEndText(progress)
            : `${progress.kind}: ${progress.state} (${progress.done}/${progress.total})${progress.message ? ` — ${progress.message}` : ''}`;
        actions.notify(progress.state === 'failed' ? 'error' : 'info', text);
        setTimeout(() => {
          if (store.getState().catalog.job?.jobId === progress.jobId) actions.setCatalog({ job: null });
        }, ENDED_JOB_SHOWN_MS);
      }
    }),
    client.on('onDidChangeAnnotations', ({ imageId, revision }) => {
      const state = store.getState();
      const known = state.sync.revisions[imageId];
      const doc = state.document.images[imageId];
      // Another window saved this image: take its version unless we have unsaved edits (the
      // next save then conflicts and reloads, telling the user).
      if (doc && known !== undefined && revision > known && doc === state.sync.syncedDocuments[imageId]) {
        void autosave.reload(imageId);
      }
    }),
  );
  return unsubscribers;
}
