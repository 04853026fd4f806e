// The API's methods, each written once: its parameter schema and its result. Everything else is
// derived from this table: the contract's types (contract.ts), the method allowlist of every
// transport, the boundary check of parameters (IPC and the headless host), the allowed keys the
// project service checks, and the clients' proxies. Adding a method = one entry here plus its
// handler in the project service.
// Every method is async, takes one plain object and returns JSON-safe data. Images never travel
// through it: clients build image URLs themselves.
import { array, boolean, integer, method, object, optional, returns, string } from './schema';
import type { ParamsOf } from './schema';
import type { UnassignedPolicy } from '../coco/export';
import type { ExportFormat } from '../formats/exported-files';
import type { ImportFile, ImportFormat } from '../formats/import-files';
import type {
  AnnotationImportResult,
  Category,
  CocoRle,
  DatasetExportResult,
  ImageAnnotations,
  ImageId,
  ImageRecord,
  ImageStatus,
  Instance,
  LearningSettings,
  LearningState,
  ModelStatus,
  ModelVersion,
  ProjectInfo,
  SegmentBox,
  SegmentClick,
  SegmentPrompt,
  VersionStats,
} from './types';

/** The fields of a SegmentPrompt (types.ts), as segmentAt takes them beside the image id. */
const SEGMENT_PROMPT_FIELDS = {
  clicks: array<SegmentClick>(),
  box: optional(object<SegmentBox>()),
  previousMask: optional(object<CocoRle>()),
  scaleIndex: optional(integer()),
};
// Compile-time check that the fields above are exactly a SegmentPrompt (the models' type).
type PromptParams = ParamsOf<typeof SEGMENT_PROMPT_FIELDS>;
const _promptFieldsMatch: [PromptParams] extends [SegmentPrompt] ? ([SegmentPrompt] extends [PromptParams] ? true : false) : false = true;
void _promptFieldsMatch;

export const API_METHODS = {
  getProject: method({}, returns<ProjectInfo>()),
  /** A page of the image list in a stable order (natural sort of paths). */
  listImages: method({ offset: integer(), limit: integer() }, returns<{ total: number; images: ImageRecord[] }>()),
  /** One image's record, with its size read (and its problem found) if not yet known. */
  getImage: method({ imageId: string<ImageId>() }, returns<ImageRecord>()),
  getAnnotations: method({ imageId: string<ImageId>() }, returns<ImageAnnotations>()),
  /**
   * Replaces an image's instances and status. With `baseRevision`, refuses (CONFLICT) when the
   * saved revision differs, so two clients cannot silently overwrite each other.
   * Resolves only once the data is durably on disk.
   */
  saveAnnotations: method(
    { imageId: string<ImageId>(), instances: array<Instance>(), status: optional(string<ImageStatus>()), baseRevision: optional(integer()) },
    returns<{ revision: number }>(),
  ),
  listCategories: method({}, returns<Category[]>()),
  /** Creates (no id) or updates (id) a category. */
  saveCategory: method({ id: optional(integer()), name: string(), color: optional(string()) }, returns<Category>()),
  /** Deletes a category; instances that used it become unassigned. */
  deleteCategory: method({ id: integer() }, returns<{ unassignedInstances: number }>()),
  getModelStatus: method({}, returns<ModelStatus>()),
  /** Runs the proposal network on one image; returns proposals (status 'proposed'), not saved. */
  propose: method({ imageId: string<ImageId>(), maxProposals: optional(integer()) }, returns<{ instances: Instance[]; latencyMs: number }>()),
  /**
   * Interactive segmentation: the mask for positive/negative clicks, a box, or both, refining the
   * interaction's previous mask (image pixels); not saved. The instance's score is the model's
   * estimate of the mask's quality.
   */
  segmentAt: method({ imageId: string<ImageId>(), ...SEGMENT_PROMPT_FIELDS }, returns<{ instance: Instance | null; latencyMs: number }>()),
  /**
   * COCO export of the project; returns the JSON text (the app downloads it). Standard COCO:
   * `includeScore` adds the model's score to each annotation (not a COCO field). `onlyDone` and
   * `unassigned` as exportDataset's.
   */
  exportCoco: method(
    { onlyAccepted: optional(boolean()), includeScore: optional(boolean()), onlyDone: optional(boolean()), unassigned: optional(string<UnassignedPolicy>()) },
    returns<{ json: string; imageCount: number; annotationCount: number }>(),
  ),
  /**
   * Writes the accepted and edited instances as a dataset into the project folder, in a new folder
   * exports/<format>-<local time> put in place in one rename (never over an earlier export; the
   * folder scan skips it). `onlyDone`: images marked done only (default all). `unassigned`: instances
   * without a category as "object" (default) or 'omit' them. `includeScore`: COCO only, as exportCoco.
   */
  exportDataset: method(
    { format: string<ExportFormat>(), onlyDone: optional(boolean()), unassigned: optional(string<UnassignedPolicy>()), includeScore: optional(boolean()) },
    returns<DatasetExportResult>(),
  ),
  /** COCO import: validates everything first; saves nothing unless all of it is valid. */
  importCoco: method({ json: string() }, returns<{ imageCount: number; annotationCount: number; skippedImages: string[] }>()),
  /**
   * Imports annotations in a dataset format: `files` are the chosen files' paths (relative to what
   * was chosen, POSIX) and texts. COCO: one .json; YOLO segmentation: data.yaml and the labels' .txt
   * files; LabelMe: .json files (which files a format reads: shared/formats/import-files.ts).
   * Everything is validated first and nothing is saved unless all of it is valid; errors name the
   * file and the record or line. Images are matched to the folder's by file name (YOLO: by name
   * without extension); categories are merged by name. Then as importCoco: instances saved accepted,
   * existing work kept (AnnotationImportResult says how).
   */
  importAnnotations: method({ format: string<ImportFormat>(), files: array<ImportFile>() }, returns<AnnotationImportResult>()),
  /** Starts proposing every image without a decision yet; progress via onDidProgress. */
  proposeAll: method({ maxProposals: optional(integer()) }, returns<{ jobId: string }>()),
  cancelJob: method({ jobId: string() }, returns<{ cancelled: boolean }>()),
  /** The project's model versions (bundled networks first, then fine-tunes, oldest first) and the active one. */
  listModelVersions: method({}, returns<{ versions: ModelVersion[]; activeId: string | null }>()),
  /** Makes a version the one that proposes (choosing a network, or rolling back); resolves once it is loaded. */
  activateModelVersion: method({ id: string() }, returns<ModelStatus>()),
  /**
   * Starts fine-tuning the active version on this project's corrections, in the background; progress
   * via onDidFineTune (and onDidProgress, kind 'finetune'). CONFLICT if one is already running.
   */
  fineTune: method({ steps: optional(integer()) }, returns<{ jobId: string }>()),
  getLearningState: method({}, returns<LearningState>()),
  /** Changes the settings given, keeps the others. */
  saveLearningSettings: method(
    { autoFineTune: optional(boolean()), correctionsPerFineTune: optional(integer()) } satisfies { [K in keyof LearningSettings]-?: unknown },
    returns<LearningSettings>(),
  ),
  /** Per model version: accepted as-is, edited (mean IoU of the edit), rejected, still proposed. */
  getVersionStats: method({}, returns<VersionStats[]>()),
};
