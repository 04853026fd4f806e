// Moving through the project's images: the image list paged in lazily, opening an image (at once
// from memory when seen before, else from disk), next / previous, the camera fit, the images kept in
// memory with their undo history, and the last image remembered per project.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { ImageId, ImageRecord } from '../../../shared/api/types';
import { createImageDocument, deriveStatus, orderedInstances } from '../state/document';
import { fitCamera } from '../state/session';
import type { EditorStore } from '../state/store';
import type { Toolbox } from '../tools/toolbox';
import { errorMessage } from './error-message';

export const IMAGE_PAGE_SIZE = 200;
/** Images kept in memory (with their undo history) after leaving them; older saved ones are dropped. */
export const RECENT_IMAGES_KEPT = 30;
const LAST_IMAGE_KEY = 'maskpilot.lastImage.';

export interface ImageNavigation {
  /** Fetches one page of the image list unless it was fetched (or is being fetched). */
  loadPage(page: number): Promise<void>;
  /** Forgets which pages were fetched, so the next loadPage asks again (after a reconnect or an import). */
  forgetPages(): void;
  ensureImagePage(index: number): void;
  openImage(imageId: ImageId): Promise<void>;
  openByOffset(delta: 1 | -1): Promise<void>;
  /** Opens the image last open in this project (else the first); used once at start. */
  openRemembered(projectName: string): Promise<void>;
  /** Reloads the open image from disk unless the local copy is as new or has unsaved edits. */
  refreshCurrent(): Promise<void>;
  fitToView(): void;
  /** Keeps the list row of an image in step with what was just saved, before the server's event arrives. */
  refreshRecord(imageId: ImageId): void;
}

export interface ImageNavigationDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'listImages' | 'getAnnotations'>;
  toolbox: Pick<Toolbox, 'active'>;
  /** Called after an image without instances that was never visited is opened (auto-propose). */
  onUnvisitedImageOpened(imageId: ImageId): Promise<void>;
}

export function createImageNavigation({ store, client, toolbox, onUnvisitedImageOpened }: ImageNavigationDeps): ImageNavigation {
  const { actions } = store.getState();
  const requestedPages = new Set<number>();
  const recent: ImageId[] = [];
  /** Bumped by every openImage: an older open still loading must not move the view. */
  let openToken = 0;

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

  async function loadPage(page: number) {
    if (requestedPages.has(page)) return;
    requestedPages.add(page);
    try {
      const { total, images } = await client.listImages({ offset: page * IMAGE_PAGE_SIZE, limit: IMAGE_PAGE_SIZE });
      actions.setCatalog({ imageTotal: total });
      actions.putImageRecords(page * IMAGE_PAGE_SIZE, images);
    } catch (error) {
      requestedPages.delete(page);
      actions.notify('error', `Could not list images: ${errorMessage(error)}`);
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

  async function recordAt(index: number): Promise<ImageRecord | undefined> {
    const page = Math.floor(index / IMAGE_PAGE_SIZE);
    if (!store.getState().catalog.recordsByIndex[index]) {
      requestedPages.delete(page);
      await loadPage(page);
    }
    return store.getState().catalog.recordsByIndex[index];
  }

  const navigation: ImageNavigation = {
    loadPage,
    forgetPages: () => requestedPages.clear(),
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
          if (token === openToken) actions.notify('error', `Could not open ${imageId}: ${errorMessage(error)}`);
          throw error;
        }
      }
      if (token !== openToken) return;
      navigation.fitToView();
      state = store.getState();
      const doc = state.document.images[imageId];
      const index = state.catalog.indexById[imageId];
      if (index !== undefined) actions.setSession({ currentIndex: index });
      if (doc && doc.order.length === 0 && doc.loadedStatus === 'unvisited') await onUnvisitedImageOpened(imageId);
    },

    async openByOffset(delta) {
      const state = store.getState();
      const index = state.session.currentIndex + delta;
      if (index < 0 || index >= state.catalog.imageTotal) return;
      const record = await recordAt(index);
      if (record) await navigation.openImage(record.id);
    },

    async openRemembered(projectName) {
      const remembered = readLastImage(projectName);
      const first = store.getState().catalog.recordsByIndex[0];
      const target = remembered ?? first?.id;
      if (target) await navigation.openImage(target).catch(() => (first ? navigation.openImage(first.id) : undefined));
    },

    async refreshCurrent() {
      const current = store.getState().session.currentImageId;
      if (current) await loadFromDisk(current, openToken);
    },

    fitToView() {
      const state = store.getState();
      const doc = state.session.currentImageId ? state.document.images[state.session.currentImageId] : undefined;
      if (!doc) return;
      const { width, height } = state.ephemeral.viewport;
      actions.setSession({ camera: fitCamera(doc.width, doc.height, width, height) });
    },

    refreshRecord(imageId) {
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
    },
  };
  return navigation;
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
