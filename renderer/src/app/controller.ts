// The glue between the typed client and the editor store: loading the project, paging the image
// list, opening images, asking the model, categories, COCO, long jobs, and server events.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { ConnectionState } from '../client';
import type { Category, ImageId, Instance } from '../../../shared/api/types';
import { createAutosave } from '../state/autosave';
import type { Autosave } from '../state/autosave';
import { createImageDocument, deriveStatus, newInstanceId, orderedInstances } from '../state/document';
import { fitCamera } from '../state/session';
import { createEditorStore } from '../state/store';
import { keepProposalLimit } from './view-preferences';
import type { EditorStore } from '../state/store';
import { createToolbox } from '../tools/toolbox';
import type { Toolbox } from '../tools/toolbox';
import { listenToAppCommands } from './app-commands';
import type { CommandSource } from './app-commands';
import { createLearningController } from './learning';
import type { LearningController } from './learning';
import { proposalBatch } from './proposal-batch';

export const IMAGE_PAGE_SIZE = 200;
/** Images kept in memory (with their undo history) after leaving them; older saved ones are dropped. */
export const RECENT_IMAGES_KEPT = 30;
const LAST_IMAGE_KEY = 'maskpilot.lastImage.';

/** What a transport may add to the contract's client: connection state (the WebSocket client has it), menu commands (the desktop shell). */
interface ConnectionAware extends CommandSource {
  connectionState?(): ConnectionState;
  onConnectionChange?(listener: (state: ConnectionState) => void): () => void;
}

export interface Controller {
  store: EditorStore;
  client: MaskPilotClient;
  autosave: Autosave;
  toolbox: Toolbox;
  /** Model versions, fine-tuning, learning settings and per-version statistics. */
  learning: LearningController;
  start(): Promise<void>;
  ensureImagePage(index: number): void;
  openImage(imageId: ImageId): Promise<void>;
  openByOffset(delta: 1 | -1): Promise<void>;
  fitToView(): void;
  proposeCurrent(): Promise<void>;
  saveCategory(category: { id?: number; name: string; color?: string }): Promise<Category | null>;
  deleteCategory(id: number): Promise<void>;
  exportCoco(): Promise<void>;
  importCoco(file: File): Promise<void>;
  proposeAll(): Promise<void>;
  cancelJob(): Promise<void>;
  dispose(): void;
}

export function createController(client: MaskPilotClient & ConnectionAware, store: EditorStore = createEditorStore()): Controller {
  const { actions } = store.getState();
  const requestedPages = new Set<number>();
  const unsubscribers: (() => void)[] = [keepProposalLimit(store)];
  let openToken = 0;
  const recent: ImageId[] = [];

  /** Remembers that `imageId` was opened; forgets the least recently opened saved images beyond the limit. */
  function touchRecent(imageId: ImageId) {
    const at = recent.indexOf(imageId);
    if (at >= 0) recent.splice(at, 1);
    recent.push(imageId);
    const state = store.getState();
    for (let i = 0; recent.length > RECENT_IMAGES_KEPT && i < recent.length - 1; ) {
      const candidate = recent[i];
      const doc = state.document.images[candidate];
      const saved = doc === undefined || doc === state.sync.syncedDocuments[candidate];
      if (saved && candidate !== state.session.currentImageId) {
        recent.splice(i, 1);
        actions.unloadImage(candidate);
      } else i++;
    }
  }

  const reportLatency = (latencyMs: number) => actions.setCatalog({ lastLatencyMs: latencyMs });
  const toolbox = createToolbox({ store, api: client, reportLatency });
  const autosave = createAutosave(store, client, {
    onSaved: (imageId) => {
      refreshRecord(imageId);
      learning.scheduleStatsRefresh();
    },
  });
  const learning = createLearningController({ store, api: client, flushEdits: () => autosave.flushAll() });

  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

  /** Keeps the list row of an image in step with what was just saved, before the server's event arrives. */
  function refreshRecord(imageId: ImageId) {
    const state = store.getState();
    const index = state.catalog.indexById[imageId];
    const doc = state.document.images[imageId];
    if (index === undefined || !doc) return;
    const record = state.catalog.recordsByIndex[index];
    if (!record) return;
    const instances = orderedInstances(doc);
    actions.updateImageRecord({
      ...record,
      status: deriveStatus(doc),
      instanceCount: instances.filter((instance) => instance.status !== 'rejected').length,
      proposedCount: instances.filter((instance) => instance.status === 'proposed').length,
    });
  }

  async function loadPage(page: number) {
    if (requestedPages.has(page)) return;
    requestedPages.add(page);
    try {
      const { total, images } = await client.listImages({ offset: page * IMAGE_PAGE_SIZE, limit: IMAGE_PAGE_SIZE });
      actions.setCatalog({ imageTotal: total });
      actions.putImageRecords(page * IMAGE_PAGE_SIZE, images);
    } catch (error) {
      requestedPages.delete(page);
      actions.notify('error', `Could not list images: ${message(error)}`);
    }
  }

  /** Loads an image's annotations unless the local copy is as new (same revision) or has unsaved edits. */
  async function loadFromDisk(imageId: ImageId, token: number) {
    const saved = await client.getAnnotations({ imageId });
    const state = store.getState();
    const local = state.document.images[imageId];
    const unchangedOnDisk = local !== undefined && state.sync.revisions[imageId] === saved.revision;
    const hasUnsavedEdits = local !== undefined && local !== state.sync.syncedDocuments[imageId];
    if (unchangedOnDisk || hasUnsavedEdits) return;
    actions.loadImageDocument(createImageDocument(imageId, saved.width, saved.height, saved.status, saved.instances), saved.revision);
    if (token === openToken && local !== undefined) actions.setSession({ selection: null });
  }

  /** After a reconnect: events may have been missed, so refresh the list, categories, model and open image. */
  async function resync() {
    try {
      requestedPages.clear();
      const index = Math.max(0, store.getState().session.currentIndex);
      await loadPage(Math.floor(index / IMAGE_PAGE_SIZE));
      actions.setCategories(await client.listCategories({}));
      actions.setCatalog({ modelStatus: await client.getModelStatus({}) });
      await autosave.flushAll();
      const current = store.getState().session.currentImageId;
      if (current) await loadFromDisk(current, openToken);
      await learning.refresh();
      actions.notify('info', 'Reconnected.');
    } catch (error) {
      actions.notify('error', `Reconnected, but refreshing failed: ${message(error)}`);
    }
  }

  async function recordAt(index: number) {
    const page = Math.floor(index / IMAGE_PAGE_SIZE);
    if (!store.getState().catalog.recordsByIndex[index]) {
      requestedPages.delete(page);
      await loadPage(page);
    }
    return store.getState().catalog.recordsByIndex[index];
  }

  const controller: Controller = {
    store,
    client,
    autosave,
    toolbox,
    learning,

    async start() {
      const [project, categories, modelStatus] = await Promise.all([
        client.getProject({}),
        client.listCategories({}),
        client.getModelStatus({}).catch(() => null),
      ]);
      actions.setCatalog({ projectName: project.name, imageTotal: project.imageCount, modelStatus });
      actions.setCategories(categories);
      document.title = `${project.name} — MaskPilot`;
      await loadPage(0);
      subscribeToEvents();
      void learning.refresh();
      const remembered = readLastImage(project.name);
      const first = store.getState().catalog.recordsByIndex[0];
      const target = remembered ?? first?.id;
      if (target) await controller.openImage(target).catch(() => (first ? controller.openImage(first.id) : undefined));
    },

    ensureImagePage(index) {
      void loadPage(Math.floor(index / IMAGE_PAGE_SIZE));
    },

    async openImage(imageId) {
      const token = ++openToken;
      toolbox.active().deactivate();
      actions.setEphemeral({ dragPreview: null, drawingPoints: null, hoverInstanceId: null });
      let state = store.getState();
      actions.setSession({ currentImageId: imageId, selection: null, currentIndex: state.catalog.indexById[imageId] ?? -1 });
      writeLastImage(state.catalog.projectName, imageId);
      touchRecent(imageId);
      if (state.document.images[imageId]) {
        // Seen before in this session: show it at once (with its undo history) and check the disk
        // in the background; events normally keep it current, this covers missed ones.
        void loadFromDisk(imageId, token).catch(() => undefined);
      } else {
        try {
          await loadFromDisk(imageId, token);
        } catch (error) {
          if (token === openToken) actions.notify('error', `Could not open ${imageId}: ${message(error)}`);
          throw error;
        }
      }
      if (token !== openToken) return;
      controller.fitToView();
      state = store.getState();
      const doc = state.document.images[imageId];
      const index = state.catalog.indexById[imageId];
      if (index !== undefined) actions.setSession({ currentIndex: index });
      if (doc && doc.order.length === 0 && doc.loadedStatus === 'unvisited' && state.session.autoPropose && state.catalog.modelStatus?.ready) {
        await controller.proposeCurrent();
      }
    },

    async openByOffset(delta) {
      const state = store.getState();
      const index = state.session.currentIndex + delta;
      if (index < 0 || index >= state.catalog.imageTotal) return;
      const record = await recordAt(index);
      if (record) await controller.openImage(record.id);
    },

    fitToView() {
      const state = store.getState();
      const doc = state.session.currentImageId ? state.document.images[state.session.currentImageId] : undefined;
      if (!doc) return;
      const { width, height } = state.ephemeral.viewport;
      actions.setSession({ camera: fitCamera(doc.width, doc.height, width, height) });
    },

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
        actions.notify('error', `Propose failed: ${message(error)}`);
      } finally {
        actions.setCatalog({ proposingImageId: null });
      }
    },

    async saveCategory(category) {
      try {
        const saved = await client.saveCategory(category);
        const categories = { ...store.getState().document.categories, [saved.id]: saved };
        actions.setCategories(Object.values(categories));
        return saved;
      } catch (error) {
        actions.notify('error', `Could not save category: ${message(error)}`);
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
        actions.notify('error', `Could not delete category: ${message(error)}`);
      }
    },

    async exportCoco() {
      await autosave.flushAll();
      try {
        const result = await client.exportCoco({ onlyAccepted: true });
        const blob = new Blob([result.json], { type: 'application/json' });
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = `${store.getState().catalog.projectName || 'maskpilot'}.coco.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        actions.notify('info', `Exported ${result.annotationCount} annotations on ${result.imageCount} images`);
      } catch (error) {
        actions.notify('error', `Export failed: ${message(error)}`);
      }
    },

    async importCoco(file) {
      await autosave.flushAll();
      try {
        const json = await file.text();
        const result = await client.importCoco({ json });
        const skipped = result.skippedImages.length > 0 ? `; skipped ${result.skippedImages.length} images not in the folder` : '';
        actions.notify('info', `Imported ${result.annotationCount} annotations on ${result.imageCount} images${skipped}`);
        requestedPages.clear();
        await loadPage(Math.floor(Math.max(0, store.getState().session.currentIndex) / IMAGE_PAGE_SIZE));
        actions.setCategories(await client.listCategories({}));
        const current = store.getState().session.currentImageId;
        if (current) await autosave.reload(current);
      } catch (error) {
        actions.notify('error', `Import failed: ${message(error)}`);
      }
    },

    async proposeAll() {
      try {
        const { jobId } = await client.proposeAll({});
        actions.setCatalog({ job: { jobId, kind: 'propose', done: 0, total: 0, state: 'running' } });
      } catch (error) {
        actions.notify('error', `Could not start: ${message(error)}`);
      }
    },

    async cancelJob() {
      const job = store.getState().catalog.job;
      if (!job) return;
      try {
        await client.cancelJob({ jobId: job.jobId });
      } catch (error) {
        actions.notify('error', `Could not cancel: ${message(error)}`);
      }
    },

    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      autosave.dispose();
      learning.dispose();
    },
  };

  function subscribeToEvents() {
    if (client.onConnectionChange) {
      unsubscribers.push(
        client.onConnectionChange((connection) => {
          const wasDown = store.getState().catalog.connection !== 'open';
          actions.setCatalog({ connection });
          if (connection === 'reconnecting') actions.notify('error', 'Connection to MaskPilot lost; reconnecting… (edits are kept and saved once back)');
          if (connection === 'open' && wasDown) void resync();
        }),
      );
    }
    unsubscribers.push(
      ...learning.subscribe(),
      listenToAppCommands(client, { store, fitToView: () => controller.fitToView(), startFineTune: () => void learning.startFineTune() }),
      client.on('onDidChangeImage', ({ image }) => actions.updateImageRecord(image)),
      client.on('onDidChangeCategories', ({ categories }) => actions.setCategories(categories)),
      client.on('onDidChangeModel', (status) => actions.setCatalog({ modelStatus: status })),
      client.on('onDidProgress', (progress) => {
        actions.setCatalog({ job: progress });
        if (progress.state !== 'running') {
          const text = `${progress.kind}: ${progress.state} (${progress.done}/${progress.total})${progress.message ? ` — ${progress.message}` : ''}`;
          actions.notify(progress.state === 'failed' ? 'error' : 'info', text);
          setTimeout(() => {
            if (store.getState().catalog.job?.jobId === progress.jobId) actions.setCatalog({ job: null });
          }, 3000);
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
  }

  return controller;
}

function readLastImage(project: string): string | null {
  try {
    return localStorage.getItem(LAST_IMAGE_KEY + project);
  } catch {
    return null;
  }
}

function writeLastImage(project: string, imageId: string) {
  try {
    localStorage.setItem(LAST_IMAGE_KEY + project, imageId);
  } catch {
    // storage may be disabled; remembering the image is a convenience only
  }
}
