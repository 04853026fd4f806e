// The editor store: one vanilla zustand store composed of typed slices (document, history,
// session, ephemeral, catalog, sync, learning). Components read it through narrow selectors; every document
// change goes through `execute` (a command) or undo/redo, never through setState directly.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { Category, ImageId, ImageRecord, JobProgress, ModelStatus } from '../../../shared/api/types';
import { applyCommand, imageOfCommand, isEmptyCommand } from './commands';
import type { Command } from './commands';
import type { DocumentState, ImageDocument } from './document';
import { initialEphemeral } from './ephemeral';
import { initialLearning } from './learning';
import type { LearningSlice } from './learning';
import type { EphemeralState } from './ephemeral';
import { bailToMark, emptyHistory, pushCommand, setMark, squashToMark, takeRedo, takeUndo } from './history';
import type { ImageHistory } from './history';
import { initialSession } from './session';
import type { SessionState } from './session';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

/** Server-side listing of the project (paged in lazily); not part of any image's document. */
export interface CatalogState {
  projectName: string;
  imageTotal: number;
  /** Image records by list position, filled page by page as the list scrolls. */
  recordsByIndex: Record<number, ImageRecord>;
  indexById: Record<ImageId, number>;
  modelStatus: ModelStatus | null;
  /** Latency (ms) of the last propose / segmentAt call made from this window. */
  lastLatencyMs: number | null;
  job: JobProgress | null;
  /**
   * Transport state ('open' in Electron); anything else means calls cannot reach the node side now.
   * 'refused': the host is up but refuses this page's token (restarted with a new one): final.
   */
  connection: 'connecting' | 'open' | 'reconnecting' | 'closed' | 'refused';
  /** When the connection was lost (ms since epoch); null while open. */
  connectionLostAt: number | null;
  /** Image a propose call is running for (one at a time), or null. */
  proposingImageId: ImageId | null;
}

export interface SyncState {
  /** Revision on disk that each loaded image document was last synced with (baseRevision of the next save). */
  revisions: Record<ImageId, number>;
  /** The document object last known to equal what is on disk; an image is dirty while its document differs (by identity). */
  syncedDocuments: Record<ImageId, ImageDocument>;
  saveStates: Record<ImageId, SaveState>;
  /** Last problem worth telling the user about (save failed, conflict reloaded, model error...). */
  notice: { kind: 'info' | 'error'; text: string; at: number } | null;
}

export interface EditorActions {
  /** Applies a command to the document and records it for undo. No-op for null. */
  execute(command: Command | null): void;
  undo(imageId?: ImageId): boolean;
  redo(imageId?: ImageId): boolean;
  mark(id: string, imageId?: ImageId): void;
  bailToMark(id: string, imageId?: ImageId): void;
  squashToMark(id: string, label: string, imageId?: ImageId): void;
  /** Replaces an image's document with what is on disk (drops its history: its commands no longer apply). */
  loadImageDocument(document: ImageDocument, revision: number): void;
  /** Forgets a loaded image (document, history, sync state), to bound memory; only call for saved images. */
  unloadImage(imageId: ImageId): void;
  setCategories(categories: readonly Category[]): void;
  setSession(patch: Partial<SessionState>): void;
  setEphemeral(patch: Partial<EphemeralState>): void;
  setCatalog(patch: Partial<CatalogState>): void;
  setLearning(patch: Partial<LearningSlice>): void;
  putImageRecords(offset: number, records: readonly ImageRecord[]): void;
  updateImageRecord(record: ImageRecord): void;
  setSaveState(imageId: ImageId, state: SaveState, revision?: number): void;
  /** Records that `document` is now on disk at `revision`. */
  markSynced(document: ImageDocument, revision: number): void;
  notify(kind: 'info' | 'error', text: string): void;
}

export interface EditorState {
  document: DocumentState;
  history: Record<ImageId, ImageHistory>;
  session: SessionState;
  ephemeral: EphemeralState;
  catalog: CatalogState;
  sync: SyncState;
  learning: LearningSlice;
  actions: EditorActions;
}

export type EditorStore = StoreApi<EditorState>;

export function createEditorStore(): EditorStore {
  return createStore<EditorState>()((set, get) => {
    const historyOf = (imageId: ImageId) => get().history[imageId] ?? emptyHistory;
    const current = (imageId?: ImageId) => imageId ?? get().session.currentImageId;
    const commit = (imageId: ImageId, history: ImageHistory, apply: Command | null) =>
      set((state) => ({
        document: apply ? applyCommand(state.document, apply) : state.document,
        history: { ...state.history, [imageId]: history },
      }));

    const actions: EditorActions = {
      execute(command) {
        if (!command || isEmptyCommand(command)) return;
        const imageId = imageOfCommand(command);
        set((state) => ({
          document: applyCommand(state.document, command),
          history: { ...state.history, [imageId]: pushCommand(state.history[imageId] ?? emptyHistory, command) },
        }));
      },
      undo(imageId) {
        const id = current(imageId);
        if (!id) return false;
        const step = takeUndo(historyOf(id));
        if (!step) return false;
        commit(id, step.history, step.apply);
        return true;
      },
      redo(imageId) {
        const id = current(imageId);
        if (!id) return false;
        const step = takeRedo(historyOf(id));
        if (!step) return false;
        commit(id, step.history, step.apply);
        return true;
      },
      mark(markId, imageId) {
        const id = current(imageId);
        if (id) set((state) => ({ history: { ...state.history, [id]: setMark(historyOf(id), markId) } }));
      },
      bailToMark(markId, imageId) {
        const id = current(imageId);
        if (!id) return;
        const step = bailToMark(historyOf(id), markId);
        commit(id, step.history, step.apply);
      },
      squashToMark(markId, label, imageId) {
        const id = current(imageId);
        if (id) set((state) => ({ history: { ...state.history, [id]: squashToMark(historyOf(id), markId, label) } }));
      },
      loadImageDocument(document, revision) {
        set((state) => ({
          document: { ...state.document, images: { ...state.document.images, [document.imageId]: document } },
          history: { ...state.history, [document.imageId]: emptyHistory },
          sync: {
            ...state.sync,
            revisions: { ...state.sync.revisions, [document.imageId]: revision },
            syncedDocuments: { ...state.sync.syncedDocuments, [document.imageId]: document },
            saveStates: { ...state.sync.saveStates, [document.imageId]: 'saved' },
          },
        }));
      },
      unloadImage(imageId) {
        set((state) => {
          const without = <T,>(record: Record<ImageId, T>) => {
            const copy = { ...record };
            delete copy[imageId];
            return copy;
          };
          return {
            document: { ...state.document, images: without(state.document.images) },
            history: without(state.history),
            sync: {
              ...state.sync,
              revisions: without(state.sync.revisions),
              syncedDocuments: without(state.sync.syncedDocuments),
              saveStates: without(state.sync.saveStates),
            },
          };
        });
      },
      setCategories(categories) {
        const byId: Record<number, Category> = {};
        for (const category of categories) byId[category.id] = category;
        set((state) => ({ document: { ...state.document, categories: byId } }));
      },
      setSession(patch) {
        set((state) => ({ session: { ...state.session, ...patch } }));
      },
      setEphemeral(patch) {
        set((state) => ({ ephemeral: { ...state.ephemeral, ...patch } }));
      },
      setCatalog(patch) {
        set((state) => ({ catalog: { ...state.catalog, ...patch } }));
      },
      setLearning(patch) {
        set((state) => ({ learning: { ...state.learning, ...patch } }));
      },
      putImageRecords(offset, records) {
        set((state) => {
          const recordsByIndex = { ...state.catalog.recordsByIndex };
          const indexById = { ...state.catalog.indexById };
          records.forEach((record, i) => {
            recordsByIndex[offset + i] = record;
            indexById[record.id] = offset + i;
          });
          return { catalog: { ...state.catalog, recordsByIndex, indexById } };
        });
      },
      updateImageRecord(record) {
        const index = get().catalog.indexById[record.id];
        if (index === undefined) return;
        set((state) => ({ catalog: { ...state.catalog, recordsByIndex: { ...state.catalog.recordsByIndex, [index]: record } } }));
      },
      setSaveState(imageId, saveState, revision) {
        set((state) => ({
          sync: {
            ...state.sync,
            saveStates: { ...state.sync.saveStates, [imageId]: saveState },
            revisions: revision === undefined ? state.sync.revisions : { ...state.sync.revisions, [imageId]: revision },
          },
        }));
      },
      markSynced(document, revision) {
        set((state) => ({
          sync: {
            ...state.sync,
            revisions: { ...state.sync.revisions, [document.imageId]: revision },
            syncedDocuments: { ...state.sync.syncedDocuments, [document.imageId]: document },
          },
        }));
      },
      notify(kind, text) {
        set((state) => ({ sync: { ...state.sync, notice: { kind, text, at: Date.now() } } }));
      },
    };

    return {
      document: { images: {}, categories: {} },
      history: {},
      session: initialSession,
      ephemeral: initialEphemeral,
      catalog: { projectName: '', imageTotal: 0, recordsByIndex: {}, indexById: {}, modelStatus: null, lastLatencyMs: null, job: null, proposingImageId: null, connection: 'open', connectionLostAt: null },
      sync: { revisions: {}, syncedDocuments: {}, saveStates: {}, notice: null },
      learning: initialLearning,
      actions,
    };
  });
}

/** The current image's document, or undefined before it is loaded. */
export function currentDocument(state: EditorState): ImageDocument | undefined {
  const id = state.session.currentImageId;
  return id ? state.document.images[id] : undefined;
}
