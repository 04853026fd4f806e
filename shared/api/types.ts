// Domain types shared by every layer. JSON-safe only: no classes, no Dates, no typed arrays.
// Coordinates are always in image pixels of the EXIF-oriented image (the image as a person sees it),
// origin at the top-left corner of the top-left pixel, x to the right, y down.
import type { ExportFormat } from '../formats/exported-files';
import type { ImportFormat } from '../formats/import-files';

/** A COCO compressed RLE: `size` is [height, width]; `counts` is the COCO ASCII string (column-major, first run counts zeros). */
export interface CocoRle {
  size: [number, number];
  counts: string;
}

/**
 * One polygon ring as a flat list [x0, y0, x1, y1, ...] in image pixels (COCO's layout).
 * An instance's polygons are its outer rings and holes; which ring is a hole is decided by the
 * mask (`rle`), which stays the source of truth: polygons are its editable, simplified view.
 */
export type FlatPolygon = number[];

/** Project-relative POSIX path of an image, e.g. "street/img_001.jpg". Unique within a project; doubles as its id. */
export type ImageId = string;

export type ImageStatus = 'unvisited' | 'inProgress' | 'done';

/** A per-image problem found while opening or decoding, shown to the user beside the image. */
export interface ImageProblem {
  code: 'EMPTY_FILE' | 'NOT_AN_IMAGE' | 'TRUNCATED' | 'TOO_LARGE' | 'UNREADABLE' | 'BROKEN_LINK' | 'DECODE_FAILED';
  message: string;
}

export interface ImageRecord {
  id: ImageId;
  /** Bytes on disk. */
  fileSize: number;
  /** Width and height in pixels after EXIF orientation; undefined until read (sizes are read lazily). */
  width?: number;
  height?: number;
  status: ImageStatus;
  /** Instances that are not rejected. */
  instanceCount: number;
  /** Proposals still waiting for a decision. */
  proposedCount: number;
  problem?: ImageProblem;
}

export type InstanceStatus = 'proposed' | 'accepted' | 'rejected' | 'edited';
export type InstanceSource = 'model' | 'manual' | 'click';

export interface Instance {
  /** Unique within its image; stable across saves. */
  id: string;
  /** Outer rings and holes, image pixels. */
  polygons: FlatPolygon[];
  /** The mask behind the polygons, at the image's full resolution. */
  rle: CocoRle;
  /** Objectness in [0, 1] from the model; null for manual instances. */
  score: number | null;
  status: InstanceStatus;
  source: InstanceSource;
  /** Category id, or null while unassigned. */
  categoryId: number | null;
  /** Version of the model that proposed it; null for manual instances. */
  modelVersion: string | null;
  /** COCO `iscrowd`: the mask covers a crowd of objects (evaluation ignores matches to it). Absent means false. */
  isCrowd?: boolean;
  /**
   * The mask as the model proposed it, kept once a model proposal is edited (set by the editor on the
   * first edit, never changed afterwards); the per-version statistics measure the edit's IoU with it.
   */
  proposalRle?: CocoRle;
  /**
   * The category the app suggests for it, learnt from the project's own labels and the detector's
   * classes (issue #19), and how sure it is (0..1); absent when there is no suggestion.
   */
  suggestedCategoryId?: number;
  suggestionConfidence?: number;
  /**
   * The prompt of the interactive segmentation that made it (source 'click'): the user's clicks in
   * order and the box. Kept so the learning loop can fine-tune the click model on the user's own
   * sessions (issue #19: each session's clicks and its final mask are one example).
   */
  prompt?: { clicks: SegmentClick[]; box?: SegmentBox };
}

/** A click of interactive segmentation, image pixels: positive adds what is under it, negative removes it. */
export interface SegmentClick {
  x: number;
  y: number;
  positive: boolean;
}

/** A box prompt in image pixels, x1 < x2, y1 < y2. */
export interface SegmentBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * What interactive segmentation is asked: the clicks so far (oldest first), an optional box, and the
 * mask the interaction has so far (each further click refines it). At least one click or a box.
 * scaleIndex picks the n-th best scale of a single click (models without click refinement).
 */
export interface SegmentPrompt {
  clicks: SegmentClick[];
  box?: SegmentBox;
  previousMask?: CocoRle;
  scaleIndex?: number;
}

export interface Category {
  /** Positive integer, unique within a project (COCO category_id). */
  id: number;
  name: string;
  /** CSS colour, "#rrggbb". */
  color: string;
}

/** Everything saved for one image. `revision` increases by one on every accepted save. */
export interface ImageAnnotations {
  imageId: ImageId;
  width: number;
  height: number;
  status: ImageStatus;
  instances: Instance[];
  revision: number;
}

export interface ProjectInfo {
  /** Folder name shown to the user (not the absolute path, which the browser client must not need). */
  name: string;
  imageCount: number;
  categories: Category[];
}

export interface ModelStatus {
  /** The tfjs backend in use: 'tensorflow' | 'wasm' | 'cpu', or 'none' when no model is loaded. */
  backend: string;
  /** Why faster backends were not used, one line each. */
  backendNotes: string[];
  modelVersion: string | null;
  /** Milliseconds of the last propose or segmentAt call. */
  lastLatencyMs: number | null;
  ready: boolean;
  /** Why the model is not ready, or what went wrong and what it fell back to (e.g. bundled weights, a restarted worker); absent when all is well. */
  message?: string;
}

/** Progress of a long job (proposing a folder, exporting, fine-tuning). */
export interface JobProgress {
  jobId: string;
  kind: 'propose' | 'export' | 'import' | 'finetune';
  done: number;
  total: number;
  state: 'running' | 'finished' | 'cancelled' | 'failed';
  message?: string;
  /** On a proposeAll job's last event (finished or cancelled): what it did with each image. */
  proposeAll?: ProposeAllOutcome;
}

/**
 * Why proposeAll left an image alone (it never replaces anyone's work): 'decided' (done, or
 * something kept on it), 'proposed' (proposals waiting for review), 'opened' (opened before, nothing
 * saved), 'unreadable' (the image has a problem), 'damaged' (its annotation file is damaged),
 * 'changed' (someone saved it while the job was proposing it).
 */
export type ProposeAllSkipReason = 'decided' | 'proposed' | 'opened' | 'unreadable' | 'damaged' | 'changed';

/** What a proposeAll job did, in images; proposed + failed + the skipped + notReached = the project's images. */
export interface ProposeAllOutcome {
  proposed: number;
  /** The model failed on them (the job's message names the first). */
  failed: number;
  skipped: Record<ProposeAllSkipReason, number>;
  /** Not looked at because the job was cancelled first. */
  notReached: number;
}

/**
 * What exportDataset wrote. Counts are of what is in the files; `leftOut` counts instances the
 * export chose but did not write, by reason (unassigned ones when asked to leave them out, crowd
 * regions in YOLO, empty masks).
 */
export interface DatasetExportResult {
  format: ExportFormat;
  /** The export's folder, relative to the project folder (POSIX), e.g. "exports/yolo-seg-20261205-184512". */
  folder: string;
  /** Files written from the annotations (labels, annotations.json, masks, data.yaml), not counting image copies. */
  files: number;
  /** Images copied beside the labels (YOLO, LabelMe). */
  imagesCopied: number;
  images: number;
  annotations: number;
  categories: number;
  /** Of the annotations, instances without a category written under "object" (0 when they were left out). */
  unassignedAsObject: number;
  leftOut: { reason: string; count: number }[];
}

/**
 * What importAnnotations saved. Imported instances are accepted, source manual. An image that
 * already had instances keeps them and gets the imported ones beside them, as importCoco does; an
 * instance with the id of an imported one (the same record imported before) is replaced, so
 * importing the same files twice does not duplicate anything. An image not yet visited that gets
 * instances is marked done.
 */
export interface AnnotationImportResult {
  format: ImportFormat;
  /** Images of the folder the files matched (COCO and LabelMe by file name, YOLO by name without extension); each was saved. */
  imageCount: number;
  /** Instances imported. */
  annotationCount: number;
  /** Categories created for names the project did not have, in order; the others were merged by name (ignoring case). */
  createdCategories: string[];
  /**
   * Images the files name that are not in the folder (or that cannot be read): nothing was imported
   * for them. COCO and LabelMe: the image path the file gives; YOLO: the label file.
   */
  skippedImages: string[];
  /** Of the matched images, how many already had instances (kept, the imported ones added). */
  imagesWithExistingInstances: number;
  /** Instances of an earlier import of the same records (same id) that this import replaced. */
  replacedInstances: number;
  /** What was left out, one line each: LabelMe shapes without area, chosen text files not read. */
  warnings: string[];
}

/** A proposal model's id in the model registry (electron/model/registry.ts), e.g. 'guided', 'deepmask', 'instancefcn'. */
export type ModelArchitectureName = string;

/** AR of a model version on the project's held-out annotated images (COCO's evaluator, IoU .5:.95). */
export interface VersionEvaluation {
  heldOutImages: number;
  heldOutInstances: number;
  ar10: number;
  ar100: number;
  /** The version it was compared with on the same images (the one active when it was made), and its AR. */
  baselineId: string | null;
  baselineAr10: number | null;
  baselineAr100: number | null;
}

/** One point of a fine-tune's loss curve (means over a progress interval). */
export interface LossPoint {
  step: number;
  maskLoss: number;
  scoreLoss: number;
}

/**
 * A model version the project can use. The bundled networks are versions too (kind 'bundled'), so
 * choosing DeepMask or InstanceFCN and rolling back a fine-tune are the same action.
 * `id` is also what proposals record in Instance.modelVersion.
 */
export interface ModelVersion {
  id: string;
  architecture: ModelArchitectureName;
  /** The model's name for the user: "Detector-guided", "DeepMask", "InstanceFCN". */
  architectureLabel: string;
  kind: 'bundled' | 'finetuned';
  /** For the user: "DeepMask (bundled)", "Fine-tune 3 of DeepMask". */
  label: string;
  /** The version it was fine-tuned from; null for bundled ones. */
  parentId: string | null;
  /** ISO time of creation; null for bundled ones. */
  createdAt: string | null;
  /** Held-out check made when it was created; null when never evaluated (bundled, or no held-out data). */
  evaluation: VersionEvaluation | null;
  /** What its fine-tune used; null for bundled ones. */
  training: {
    positives: number;
    negatives: number;
    /** Triplets drawn during the run (steps x batch size). */
    triplets: number;
    steps: number;
    seconds: number;
    loss: LossPoint[];
  } | null;
  /** Why it was or was not made active when it was created, e.g. "AR@100 .31 vs .28: adopted". */
  decision: string | null;
}

/** How one version's proposals fared with the annotator (from the saved annotations). */
export interface VersionStats {
  versionId: string;
  /** Proposals still waiting for a decision. */
  proposed: number;
  acceptedAsIs: number;
  edited: number;
  /** Mean IoU between an edited proposal's final mask and its proposalRle; null when none was edited. */
  meanEditIou: number | null;
  rejected: number;
}

export interface LearningSettings {
  /** Fine-tune automatically after every `correctionsPerFineTune` new corrections. */
  autoFineTune: boolean;
  correctionsPerFineTune: number;
}

/** Progress of a fine-tune, for the progress bar and the live loss plot. */
export interface FineTuneProgress {
  jobId: string;
  phase: 'collecting' | 'features' | 'training' | 'evaluating' | 'finished' | 'cancelled' | 'failed';
  step: number;
  totalSteps: number;
  /** Loss curve so far (the whole run, not only the last point). */
  loss: LossPoint[];
  samplesPerSecond: number | null;
  etaSeconds: number | null;
  /** The version made (once finished), and what happened to it. */
  versionId?: string;
  message?: string;
}

export interface LearningState {
  settings: LearningSettings;
  /** Accepts, edits, drawings and rejections saved since the last fine-tune started. */
  correctionsSinceFineTune: number;
  /** The fine-tune in progress, if any. */
  running: FineTuneProgress | null;
  activeVersionId: string | null;
  /** The models (ModelVersion.architecture) whose versions this session can fine-tune; empty without a learner. */
  fineTunable: ModelArchitectureName[];
}
