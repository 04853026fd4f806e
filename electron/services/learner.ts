// The seam between the project service and whatever fine-tunes and evaluates model weights (a
// training worker thread in the app and the headless host; in-process or a fake in tests). The
// service decides what to learn from and where versions live; the learner only turns corrected
// images plus base weights into new weights, and measures weights on annotated images. Paths cross
// the seam, pixels never do: the learner decodes images itself.
import type { ImageAnnotations, LossPoint, ModelArchitectureName } from '../../shared/api/types';

/** An annotated image as the learner sees it. */
export interface LearningImage {
  /** Absolute path of the image file. */
  path: string;
  /** Size after EXIF orientation, pixels (the annotations' coordinate frame). */
  width: number;
  height: number;
  /**
   * The saved annotations. Positives: instances with status 'accepted' or 'edited' (any source).
   * Hard negatives: status 'rejected' model proposals. 'proposed' instances are undecided and ignored.
   */
  annotations: ImageAnnotations;
  /**
   * The annotator marked the image done: every object in it is annotated, so random background
   * windows may be drawn as negatives. Otherwise only the rejected proposals are negatives.
   */
  complete: boolean;
}

export interface FineTuneRequest {
  /** Weights to start from (a folder with heads.json + heads.bin). */
  baseModelDir: string;
  /** Folder to write the new weights to (created; heads.json + heads.bin + MODEL_CARD.md). */
  outputDir: string;
  /** Written into the new heads.json; proposals made with the weights record it. */
  modelVersion: string;
  images: LearningImage[];
  /** Optimisation steps (batch 32); default chosen by the learner from the data size. */
  steps?: number;
  seed?: number;
  /** Folder for cached trunk features (kept between fine-tunes of the same project). */
  cacheDir?: string;
}

export type LearnerProgress =
  | { phase: 'features'; done: number; total: number }
  | { phase: 'training'; step: number; totalSteps: number; loss: LossPoint; samplesPerSecond: number; etaSeconds: number };

export interface FineTuneReport {
  steps: number;
  seconds: number;
  positives: number;
  negatives: number;
  triplets: number;
  loss: LossPoint[];
  cancelled: boolean;
}

export interface EvaluationReport {
  images: number;
  instances: number;
  ar10: number;
  ar100: number;
}

export interface Learner {
  /** The architectures whose versions it can fine-tune; absent means all. The service refuses others up front. */
  readonly architectures?: readonly ModelArchitectureName[];
  /** Fine-tunes; rejects with a clear message when there is nothing to learn from (no positives). */
  fineTune(request: FineTuneRequest, onProgress: (progress: LearnerProgress) => void, signal: AbortSignal): Promise<FineTuneReport>;
  /** AR@10/100 of the weights in modelDir on the images' accepted/edited instances (ground truth). */
  evaluate(modelDir: string, images: LearningImage[], signal: AbortSignal): Promise<EvaluationReport>;
  dispose(): Promise<void>;
}
