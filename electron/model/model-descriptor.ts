// What the registry (registry.ts) knows of each proposal model: written once, in the model's own
// folder (deepmask/, instancefcn/, guided/), and read by the worker, the CLI, the learner and the
// benches. Weights folders name their model in heads.json (meta.architecture); `detect` reads it.
import type { FineTuneReport, FineTuneRequest, LearnerProgress } from '../services/learner';
import type { BackendName } from './backend';
import type { ProposalModel } from './proposal-model';
import type { Trunk } from './trunk';

export interface ModelCreateOptions {
  /** The weights folder. */
  modelDir: string;
  backend?: BackendName;
  /** A trunk to share (models on the stride-16 trunk use it; others ignore it). */
  trunk?: Trunk;
  /** Inference settings; each model takes the ones it knows (e.g. DeepMask's maxCandidates, colourWeight). */
  settings?: Readonly<Record<string, number | boolean>>;
}

export interface ModelFineTuneOptions {
  trunk?: Trunk | (() => Promise<Trunk>);
  backend?: BackendName;
  onProgress?: (progress: LearnerProgress) => void;
  signal?: AbortSignal;
}

export interface ModelDescriptor {
  /** meta.architecture of its weights; what versions, the CLI's --model and host --model call it. */
  readonly id: string;
  /** For people: "DeepMask", "InstanceFCN", "Detector-guided". */
  readonly label: string;
  /** The tfjs graph and heads run on whatever backend.ts picks. */
  readonly runtime: 'tfjs';
  /** The folder of its bundled weights. */
  bundledDir(): string;
  /** Whether a weights manifest's meta holds this model. */
  detect(meta: Readonly<Record<string, unknown>>): boolean;
  create(options: ModelCreateOptions): ProposalModel;
  /** Present when the learning loop can fine-tune it. */
  fineTune?(request: FineTuneRequest, options: ModelFineTuneOptions): Promise<FineTuneReport>;
}
