// The API contract: the one source of truth for what crosses between the UI and the node side.
// It is implemented once (electron/services) and reached over Electron IPC, WebSocket (headless
// host) and in-process (CLI, tests). Every method is async, takes one plain object and returns
// JSON-safe data. Images never travel through it: clients build image URLs themselves.

import type {
  Category,
  ImageAnnotations,
  ImageId,
  ImageRecord,
  ImageStatus,
  Instance,
  JobProgress,
  FineTuneProgress,
  LearningSettings,
  LearningState,
  ModelStatus,
  ModelVersion,
  ProjectInfo,
  SegmentPrompt,
  VersionStats,
} from './types';

/** Method name -> its one parameter object and its result. */
export interface ApiMethods {
  getProject: { params: Record<string, never>; result: ProjectInfo };
  /** A page of the image list in a stable order (natural sort of paths). */
  listImages: { params: { offset: number; limit: number }; result: { total: number; images: ImageRecord[] } };
  /** One image's record, with its size read (and its problem found) if not yet known. */
  getImage: { params: { imageId: ImageId }; result: ImageRecord };
  getAnnotations: { params: { imageId: ImageId }; result: ImageAnnotations };
  /**
   * Replaces an image's instances and status. With `baseRevision`, refuses (CONFLICT) when the
   * saved revision differs, so two clients cannot silently overwrite each other.
   * Resolves only once the data is durably on disk.
   */
  saveAnnotations: {
    params: { imageId: ImageId; instances: Instance[]; status?: ImageStatus; baseRevision?: number };
    result: { revision: number };
  };
  listCategories: { params: Record<string, never>; result: Category[] };
  /** Creates (no id) or updates (id) a category. */
  saveCategory: { params: { id?: number; name: string; color?: string }; result: Category };
  /** Deletes a category; instances that used it become unassigned. */
  deleteCategory: { params: { id: number }; result: { unassignedInstances: number } };
  getModelStatus: { params: Record<string, never>; result: ModelStatus };
  /** Runs the proposal network on one image; returns proposals (status 'proposed'), not saved. */
  propose: { params: { imageId: ImageId; maxProposals?: number }; result: { instances: Instance[]; latencyMs: number } };
  /**
   * Interactive segmentation: the mask for positive/negative clicks, a box, or both, refining the
   * interaction's previous mask (image pixels); not saved. The instance's score is the model's
   * estimate of the mask's quality.
   */
  segmentAt: { params: { imageId: ImageId } & SegmentPrompt; result: { instance: Instance | null; latencyMs: number } };
  /** COCO export of the whole project; returns the JSON text. */
  exportCoco: { params: { onlyAccepted?: boolean }; result: { json: string; imageCount: number; annotationCount: number } };
  /** COCO import: validates everything first; saves nothing unless all of it is valid. */
  importCoco: { params: { json: string }; result: { imageCount: number; annotationCount: number; skippedImages: string[] } };
  /** Starts proposing every image without a decision yet; progress via onDidProgress. */
  proposeAll: { params: { maxProposals?: number }; result: { jobId: string } };
  cancelJob: { params: { jobId: string }; result: { cancelled: boolean } };
  /** The project's model versions (bundled networks first, then fine-tunes, oldest first) and the active one. */
  listModelVersions: { params: Record<string, never>; result: { versions: ModelVersion[]; activeId: string | null } };
  /** Makes a version the one that proposes (choosing a network, or rolling back); resolves once it is loaded. */
  activateModelVersion: { params: { id: string }; result: ModelStatus };
  /**
   * Starts fine-tuning the active version on this project's corrections, in the background; progress
   * via onDidFineTune (and onDidProgress, kind 'finetune'). CONFLICT if one is already running.
   */
  fineTune: { params: { steps?: number }; result: { jobId: string } };
  getLearningState: { params: Record<string, never>; result: LearningState };
  saveLearningSettings: { params: Partial<LearningSettings>; result: LearningSettings };
  /** Per model version: accepted as-is, edited (mean IoU of the edit), rejected, still proposed. */
  getVersionStats: { params: Record<string, never>; result: VersionStats[] };
}

export type ApiMethodName = keyof ApiMethods;
export type ApiParams<M extends ApiMethodName> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethodName> = ApiMethods[M]['result'];

/** The API as an object of async methods: what the service implements and what a client proxies. */
export type MaskPilotApi = { [M in ApiMethodName]: (params: ApiParams<M>) => Promise<ApiResult<M>> };

/** The allowlist of methods every transport accepts; the `satisfies` below keeps it complete. */
export const API_METHOD_NAMES = [
  'getProject',
  'listImages',
  'getImage',
  'getAnnotations',
  'saveAnnotations',
  'listCategories',
  'saveCategory',
  'deleteCategory',
  'getModelStatus',
  'propose',
  'segmentAt',
  'exportCoco',
  'importCoco',
  'proposeAll',
  'cancelJob',
  'listModelVersions',
  'activateModelVersion',
  'fineTune',
  'getLearningState',
  'saveLearningSettings',
  'getVersionStats',
] as const satisfies readonly ApiMethodName[];

type MissingMethod = Exclude<ApiMethodName, (typeof API_METHOD_NAMES)[number]>;
// Compile-time check: fails to compile if a method of ApiMethods is missing from the list.
const _everyMethodListed: MissingMethod extends never ? true : MissingMethod = true;
void _everyMethodListed;

export function isApiMethodName(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && (API_METHOD_NAMES as readonly string[]).includes(name);
}

/** Event name -> payload. Events flow from the node side to every connected client. */
export interface ApiEvents {
  onDidChangeAnnotations: { imageId: ImageId; revision: number };
  onDidChangeCategories: { categories: Category[] };
  onDidChangeImage: { image: ImageRecord };
  onDidProgress: JobProgress;
  onDidChangeModel: ModelStatus;
  onDidFineTune: FineTuneProgress;
  onDidChangeModelVersions: { versions: ModelVersion[]; activeId: string | null };
}

export type ApiEventName = keyof ApiEvents;

export const API_EVENT_NAMES = [
  'onDidChangeAnnotations',
  'onDidChangeCategories',
  'onDidChangeImage',
  'onDidProgress',
  'onDidChangeModel',
  'onDidFineTune',
  'onDidChangeModelVersions',
] as const satisfies readonly ApiEventName[];

type MissingEvent = Exclude<ApiEventName, (typeof API_EVENT_NAMES)[number]>;
const _everyEventListed: MissingEvent extends never ? true : MissingEvent = true;
void _everyEventListed;

export function isApiEventName(name: unknown): name is ApiEventName {
  return typeof name === 'string' && (API_EVENT_NAMES as readonly string[]).includes(name);
}

export type Unsubscribe = () => void;

/** What the renderer holds: the API plus event subscription and image URLs (transport-specific). */
export interface MaskPilotClient extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** URL of an image for display; `maxSide` asks for a downscaled copy (long side in pixels). */
  imageUrl(imageId: ImageId, options?: { maxSide?: number }): string;
}
