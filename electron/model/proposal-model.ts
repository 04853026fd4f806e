// The model-neutral face of every proposal network (DeepMask, InstanceFCN, the detector-guided
// prompt-mask model): what the worker, the CLI, the learner's evaluation and the benches call.
// tfjs-models' segmenters have the same shape: load (backend, weights, warm-up), the model's calls,
// dispose.
import type { Instance, SegmentPrompt } from '../../shared/api/types';
import type { InstanceDescription } from '../../shared/categories/suggester';
import type { BinaryMask } from '../../shared/geometry';
import type { ProviderImage } from '../services/model-provider';
import type { BackendSelection } from './backend';
import type { DecodedImage } from './decode';

/** An image for the model: a file (decoded by the model) or pixels already decoded. */
export type ModelImage = ProviderImage | DecodedImage;

/** Milliseconds per stage of a model's last call (0 for stages it skipped, e.g. a cached trunk). */
export interface StageTimings {
  decode: number;
  trunk: number;
  score: number;
  mask: number;
  postprocess: number;
  total: number;
}

export const NO_TIMINGS: StageTimings = { decode: 0, trunk: 0, score: 0, mask: 0, postprocess: 0, total: 0 };

export interface ProposalModel {
  /** Set by load(). */
  readonly backend: BackendSelection | null;
  /** The version id its proposals record (null before load). */
  readonly modelVersion: string | null;
  readonly lastTimings: StageTimings;
  /** The resolved inference settings (numbers and switches), recorded by benches and model cards. */
  readonly settings: Readonly<Record<string, number | boolean>>;
  /** Picks the backend, loads the weights, runs one warm-up pass. */
  load(): Promise<void>;
  /** Class-agnostic proposals, best first, status 'proposed'. withPolygons false leaves `polygons` empty (evaluations read only `rle`). */
  propose(image: ModelImage, options: { maxProposals: number; withPolygons?: boolean }): Promise<Instance[]>;
  /** Interactive segmentation: the mask the prompt asks for, or null when there is none. */
  segmentAt(image: ModelImage, prompt: SegmentPrompt): Promise<Instance | null>;
  /** Descriptions of instances (masks at the original size) for category suggestions; models without a detector leave it out. */
  describe?(image: ModelImage, masks: readonly BinaryMask[]): Promise<InstanceDescription[]>;
  dispose(): void;
}
