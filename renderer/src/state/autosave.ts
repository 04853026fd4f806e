// Autosave: every image whose document differs from the one last synced is saved through
// saveAnnotations after a short quiet period, with baseRevision so another window's save is never
// silently overwritten. On CONFLICT the image is reloaded from disk (and the user told); on other
// errors the change stays dirty and is retried with backoff, so nothing typed is lost.
import type { MaskPilotApi } from '../../../shared/api/contract';
import type { ImageId } from '../../../shared/api/types';
import { createImageDocument, deriveStatus, orderedInstances } from './document';
import type { EditorStore } from './store';
import { describeError } from '../client/describe-error';

export interface Autosave {
  /** Saves every dirty image now and resolves when all are on disk (or failed). */
  flushAll(): Promise<void>;
  /** Reloads one image from disk, replacing the editor's copy. */
  reload(imageId: ImageId): Promise<void>;
  dispose(): void;
}

type SaveApi = Pick<MaskPilotApi, 'saveAnnotations' | 'getAnnotations'>;

export function createAutosave(store: EditorStore, api: SaveApi, options: { delayMs?: number; maxRetryMs?: number; onSaved?: (imageId: ImageId) => void } = {}): Autosave {
  const delayMs = options.delayMs ?? 400;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  const timers = new Map<ImageId, ReturnType<typeof setTimeout>>();
  const inFlight = new Map<ImageId, Promise<void>>();
  const failures = new Map<ImageId, number>();
  const { actions } = store.getState();

  const isDirty = (imageId: ImageId) => {
    const { document, sync } = store.getState();
    const doc = document.images[imageId];
    return doc !== undefined && doc !== sync.syncedDocuments[imageId];
  };

  function schedule(imageId: ImageId, wait = delayMs) {
    const existing = timers.get(imageId);
    if (existing) clearTimeout(existing);
    if (store.getState().sync.saveStates[imageId] !== 'error') actions.setSaveState(imageId, 'dirty');
    timers.set(
      imageId,
      setTimeout(() => {
        timers.delete(imageId);
        void flush(imageId);
      }, wait),
    );
  }

  async function flush(imageId: ImageId): Promise<void> {
    const running = inFlight.get(imageId);
    if (running) {
      await running;
      if (isDirty(imageId) && !inFlight.has(imageId)) return flush(imageId);
      return;
    }
    if (!isDirty(imageId)) return;
    const promise = save(imageId).finally(() => inFlight.delete(imageId));
    inFlight.set(imageId, promise);
    await promise;
    if (isDirty(imageId) && !timers.has(imageId) && (failures.get(imageId) ?? 0) === 0) schedule(imageId);
  }

  async function save(imageId: ImageId): Promise<void> {
    const state = store.getState();
    const doc = state.document.images[imageId];
    if (!doc) return;
    actions.setSaveState(imageId, 'saving');
    try {
      const { revision } = await api.saveAnnotations({
        imageId,
        instances: orderedInstances(doc),
        status: deriveStatus(doc),
        baseRevision: state.sync.revisions[imageId],
      });
      failures.delete(imageId);
      actions.markSynced(doc, revision);
      actions.setSaveState(imageId, isDirty(imageId) ? 'dirty' : 'saved');
      options.onSaved?.(imageId);
    } catch (error) {
      if (errorCode(error) === 'CONFLICT') {
        failures.delete(imageId);
        await reload(imageId);
        actions.notify('info', `${imageId} was changed elsewhere; reloaded the saved version.`);
        return;
      }
      const attempts = (failures.get(imageId) ?? 0) + 1;
      failures.set(imageId, attempts);
      actions.setSaveState(imageId, 'error');
      actions.notify('error', `Could not save ${imageId}: ${describeError(error)} (retrying)`);
      schedule(imageId, Math.min(maxRetryMs, 1000 * 2 ** attempts));
    }
  }

  async function reload(imageId: ImageId): Promise<void> {
    const saved = await api.getAnnotations({ imageId });
    store
      .getState()
      .actions.loadImageDocument(createImageDocument(imageId, saved.width, saved.height, saved.status, saved.instances), saved.revision);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.document.images === previous.document.images) return;
    for (const imageId of Object.keys(state.document.images)) {
      if (state.document.images[imageId] !== previous.document.images[imageId] && isDirty(imageId)) schedule(imageId);
    }
  });

  return {
    async flushAll() {
      const ids = new Set([...timers.keys(), ...Object.keys(store.getState().document.images).filter(isDirty)]);
      for (const id of ids) {
        const timer = timers.get(id);
        if (timer) clearTimeout(timer);
        timers.delete(id);
      }
      await Promise.all([...ids].map((id) => flush(id)));
    },
    reload,
    dispose() {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
