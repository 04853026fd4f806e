// openProject: the node-side implementation of the MaskPilot API over one photo folder. It wires
// the scan, the index, the sidecar store and the model seam together; every method validates its
// untrusted parameter object first (the WebSocket host passes client JSON straight through).
import { realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { API_METHOD_NAMES } from '../../../shared/api/contract';
import type { ApiEventName, ApiEvents, ApiMethodName, ApiResult, MaskPilotApi, Unsubscribe } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { ImageId } from '../../../shared/api/types';
import type { Learner } from '../learner';
import type { ModelProvider } from '../model-provider';
import { AnnotationStore, saveRequestOf } from './annotations';
import { Categories } from './categories';
import { CocoMethods } from './coco-methods';
import { DatasetExports } from './export-methods';
import { ApiEventHub } from './events';
import { scanFolder } from './folder-scan';
import { ImageIndex } from './image-index';
import { ImageRecords } from './image-records';
import { AnnotationImports } from './import-methods';
import { KeyedLock } from './keyed-lock';
import { Jobs } from './jobs';
import type { BundledModel } from './learning/bundled-models';
import { LearningLoop } from './learning/learning-loop';
import type { SavedImage } from './learning/training-set';
import { CategorySuggestions } from './learning/category-suggestions';
import { ModelMethods } from './model-methods';
import { SidecarStore } from './sidecar-store';
import { paramsOf, requiredInteger, requiredString } from './validate';
import type { Fields } from './validate';

/** The API over one opened folder, plus what a host needs: events, file paths, shutdown. */
export interface ProjectService extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** Absolute path of an image's file, guaranteed inside the folder (FORBIDDEN / NOT_FOUND otherwise). */
  resolveImageFile(imageId: ImageId): Promise<string>;
  /** Problems found while opening (a damaged project.json kept aside), for the host to show or log. */
  readonly openWarnings: readonly ApiError[];
  /** Stops jobs, waits for pending writes and saves the index cache. Methods fail afterwards. */
  close(): Promise<void>;
}

export interface OpenProjectOptions {
  model?: ModelProvider;
  /** Fine-tunes and evaluates weights; without one, fineTune refuses (MODEL_UNAVAILABLE). */
  learner?: Learner;
  /** The networks shipped with the app: model versions every project can use (listed first). */
  bundledModels?: readonly BundledModel[];
  /** The version made active when the project has none stored yet (default: the provider's current one). */
  defaultModelId?: string;
}

/** Largest page listImages returns at once. */
export const MAX_PAGE_SIZE = 1000;
/** The index cache is saved at most this often while probes keep adding to it (ms). */
const INDEX_FLUSH_DELAY_MS = 2000;

export async function openProject(folder: string, options: OpenProjectOptions = {}): Promise<ProjectService> {
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new ApiError('NOT_FOUND', `Cannot open ${folder}: ${(error as Error).message}`, { folder });
  }
  const store = new SidecarStore(root);
  try {
    await store.prepare();
  } catch (error) {
    throw new ApiError('IO_ERROR', `Cannot create ${store.directory} (annotations are kept there): ${(error as Error).message}`, { folder });
  }
  const [{ project, warning }, scan, cache, sidecarFiles] = await Promise.all([
    store.readProject(),
    scanFolder(root),
    store.readIndexCache(),
    store.listAnnotationFiles(),
  ]);
  const openWarnings = warning ? [warning] : [];
  for (const problem of openWarnings) console.warn(`maskpilot: ${problem.message}`);

  const events = new ApiEventHub();
  const lock = new KeyedLock();
  const index = new ImageIndex(scan.images, cache);
  const sidecarNames = new Set(sidecarFiles);
  const records = new ImageRecords(root, store, index, events, sidecarNames, (imageId, error) => annotations.noteCorrupt(imageId, error));
  const imagesWithSidecars = () =>
    index.all().filter((entry) => sidecarNames.has(store.annotationFileName(entry.id))).map((entry) => entry.id);
  const categories: Categories = new Categories(project, store, events, lock, (categoryId: number): Promise<number> =>
    annotations.unassignCategory(categoryId, imagesWithSidecars()),
  );
  const annotations: AnnotationStore = new AnnotationStore(
    store,
    records,
    events,
    lock,
    () => categories.usableIds(),
    (previous, saved) => {
      learning.noteSaved(previous, saved);
      void records.resolveFile(saved.imageId).then(
        (path) => suggestions.learnFrom({ imageId: saved.imageId, path, width: saved.width, height: saved.height }, saved.instances),
        () => undefined,
      );
    },
  );
  const openedSuggestions = await CategorySuggestions.open(store.directory, options.model, categories.list());
  const suggestions = openedSuggestions.suggestions;
  if (openedSuggestions.warning) {
    console.warn(`maskpilot: ${openedSuggestions.warning.message}`);
    openWarnings.push(openedSuggestions.warning);
  }
  events.on('onDidChangeCategories', ({ categories: changed }) => suggestions.setCategories(changed));
  const jobs = new Jobs(events);
  const model = new ModelMethods(options.model, records, index, annotations, jobs, suggestions);
  const coco = new CocoMethods(records, index, annotations, categories);
  const imports = new AnnotationImports(records, index, annotations, categories);
  const datasets = new DatasetExports(root, records, index, annotations, categories);
  /** Every image's saved annotations in natural order; damaged sidecars are kept aside, reported, skipped. */
  const readSaved = async (only?: readonly ImageId[]): Promise<SavedImage[]> => {
    const saved: SavedImage[] = [];
    const wanted = only && new Set(only);
    for (const imageId of imagesWithSidecars()) {
      if (wanted && !wanted.has(imageId)) continue;
      try {
        const stored = await store.readAnnotations(imageId);
        if (stored) saved.push({ annotations: stored, path: await records.resolveFile(imageId) });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.code === 'CORRUPT_FILE' && error.details?.keptAs) annotations.noteCorrupt(imageId, error);
        else if (error.code !== 'NOT_FOUND' && error.code !== 'FORBIDDEN' && error.code !== 'CORRUPT_FILE') throw error;
      }
    }
    return saved;
  };
  const opened = await LearningLoop.open({
    sidecarDir: store.directory,
    bundled: options.bundledModels ?? [],
    provider: options.model,
    learner: options.learner,
    defaultModelId: options.defaultModelId,
    events,
    jobs,
    readSaved,
  });
  const learning: LearningLoop = opened.loop;
  for (const problem of opened.warnings) {
    console.warn(`maskpilot: ${problem.message}`);
    openWarnings.push(problem);
  }

  let closed = false;
  let flushTimer: NodeJS.Timeout | null = null;
  const flushIndex = async () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (index.isDirty) await store.writeIndexCache(index.toCache()).catch((error: unknown) => console.warn('maskpilot: index cache not saved:', error));
  };
  const scheduleFlush = () => {
    if (index.isDirty && !flushTimer && !closed) {
      flushTimer = setTimeout(() => void flushIndex(), INDEX_FLUSH_DELAY_MS);
      flushTimer.unref();
    }
  };
  /** Every method: refuse after close, then run, then schedule saving what the index learnt. */
  const guarded = async <T>(run: () => Promise<T> | T): Promise<T> => {
    if (closed) throw new ApiError('NOT_FOUND', 'The project has been closed.', {});
    try {
      return await run();
    } finally {
      scheduleFlush();
    }
  };

  /** Each method of the API table: its handler, given the parameter object with only the table's keys. */
  const handlers: ApiHandlers = {
    getProject: () => ({ name: basename(root), imageCount: index.total, categories: categories.list() }),
    listImages: async (fields) => {
      const offset = requiredInteger(fields, 'offset', 'offset', 0, Number.MAX_SAFE_INTEGER);
      const limit = requiredInteger(fields, 'limit', 'limit', 0, MAX_PAGE_SIZE);
      return { total: index.total, images: await records.page(offset, limit) };
    },
    getImage: (fields) => records.get(requiredString(fields, 'imageId', 'imageId')),
    getAnnotations: (fields) => annotations.get(requiredString(fields, 'imageId', 'imageId')),
    saveAnnotations: (fields) => annotations.save(saveRequestOf(fields)),
    listCategories: () => categories.list(),
    saveCategory: (fields) => categories.save(fields),
    deleteCategory: (fields) => categories.delete(fields),
    getModelStatus: () => model.status(),
    propose: (fields) => model.propose(fields),
    segmentAt: (fields) => model.segmentAt(fields),
    exportCoco: (fields) => coco.export(fields),
    exportDataset: (fields) => datasets.export(fields),
    importCoco: (fields) => imports.importCoco(fields),
    importAnnotations: (fields) => imports.importAnnotations(fields),
    proposeAll: (fields) => model.proposeAll(fields),
    cancelJob: (fields) => jobs.cancel(requiredString(fields, 'jobId', 'jobId', 100)),
    listModelVersions: () => learning.listModelVersions(),
    activateModelVersion: (fields) => learning.activateModelVersion(fields),
    fineTune: (fields) => learning.fineTune(fields),
    getLearningState: () => learning.getLearningState(),
    saveLearningSettings: (fields) => learning.saveLearningSettings(fields),
    getVersionStats: () => learning.getVersionStats(),
  };

  const service: ProjectService = {
    ...apiOf(handlers, guarded),
    openWarnings,
    on: (event, listener) => events.on(event, listener),
    resolveImageFile: (imageId) => guarded(() => records.resolveFile(imageId)),
    close: async () => {
      if (closed) return;
      closed = true;
      await jobs.stopAll();
      await learning.close();
      await lock.idle();
      await suggestions.flush();
      await flushIndex();
      events.clear();
    },
  };
  return service;
}

/** A handler per method of the API table; it gets the untrusted parameter object once its keys are checked. */
type ApiHandlers = { [M in ApiMethodName]: (fields: Fields) => Promise<ApiResult<M>> | ApiResult<M> };

/** The API from its handlers: every call refused after close, its keys checked against the table, then handled. */
function apiOf(handlers: ApiHandlers, guarded: <T>(run: () => Promise<T> | T) => Promise<T>): MaskPilotApi {
  const api: Record<string, (params: unknown) => Promise<unknown>> = {};
  for (const method of API_METHOD_NAMES) {
    api[method] = (params) => guarded(() => handlers[method](paramsOf(method, params)));
  }
  // The loop filled in every method of the table.
  return api as unknown as MaskPilotApi;
}
