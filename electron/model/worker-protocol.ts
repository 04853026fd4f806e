// Messages between the model provider (caller's thread) and the model worker. Plain structured-clone
// data only; errors travel in the API's wire form and are rebuilt as ApiError on the caller's side.
import type { Instance, SegmentPrompt } from '../../shared/api/types';
import type { SerializedApiError } from '../../shared/api/errors';
import type { ProviderImage } from '../services/model-provider';
import type { BackendName } from './backend';
import type { DeepMaskSettings } from './deepmask/model';

export interface WorkerInit {
  /** The weights to use; the bundled ones are the fallback. */
  modelDir: string;
  bundledModelDir: string;
  backend?: BackendName;
  /** Inference settings the model takes (e.g. DeepMask's maxCandidates); see ModelCreateOptions. */
  settings?: Readonly<Record<string, number | boolean>>;
}

/** What the worker reports after loading (the reply to 'init' and to 'load'). */
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

export type WorkerRequest =
  | { id: number; method: 'init'; init: WorkerInit }
  /** Switches to the weights in modelDir; the old ones stay when the new cannot be loaded. */
  | { id: number; method: 'load'; modelDir: string }
  | { id: number; method: 'propose'; image: ProviderImage; maxProposals: number }
  | { id: number; method: 'segmentAt'; image: ProviderImage; prompt: SegmentPrompt };

export type WorkerReply =
  | { id: number; ok: true; result: WorkerLoadReport | Instance[] | Instance | null; latencyMs: number }
  | { id: number; ok: false; error: SerializedApiError };
