// What the model worker serves over the generic channel (shared/api/channel.ts), to the model
// provider on the caller's thread. Plain structured-clone data only; errors travel in the API's wire
// form and are rebuilt as ApiError on the caller's side.
import type { CocoRle, Instance, SegmentPrompt } from '../../shared/api/types';
import type { InstanceDescription } from '../../shared/categories/suggester';
import type { ProviderImage } from '../services/model-provider';
import type { BackendName } from './backend';

export interface WorkerInit {
  /** The weights to use; the bundled ones are the fallback. */
  modelDir: string;
  bundledModelDir: string;
  backend?: BackendName;
  /** Inference settings the model takes (e.g. DeepMask's maxCandidates); see ModelCreateOptions. */
  settings?: Readonly<Record<string, number | boolean>>;
}

/** What the worker reports after loading (the result of init and of load). */
export interface WorkerLoadReport {
  ready: boolean;
  backend: string;
  backendNotes: string[];
  modelVersion: string | null;
  /** The directory whose weights are loaded, or null when none could be. */
  modelDir: string | null;
  /** Why the chosen weights were not used, or why nothing is loaded. */
  message?: string;
}

/** The model worker's methods. Calls are served one at a time, in arrival order. */
export interface ModelWorkerService {
  /** Loads the chosen weights, falling back to the bundled ones; never rejects (the report says what failed). */
  init(options: WorkerInit): Promise<WorkerLoadReport>;
  /** Switches to the weights in modelDir; the old ones stay when the new cannot be loaded. */
  load(params: { modelDir: string }): Promise<WorkerLoadReport>;
  propose(params: { image: ProviderImage; maxProposals: number }): Promise<Instance[]>;
  segmentAt(params: { image: ProviderImage; prompt: SegmentPrompt }): Promise<Instance | null>;
  /** Null when the loaded model cannot describe instances. */
  describe(params: { image: ProviderImage; masks: CocoRle[] }): Promise<InstanceDescription[] | null>;
}
