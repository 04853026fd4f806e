// Messages between the worker learner (caller's thread) and the training worker. Plain
// structured-clone data; errors travel in the API's wire form and are rebuilt as ApiError.
import type { SerializedApiError } from '../../../shared/api/errors';
import type { EvaluationReport, FineTuneReport, FineTuneRequest, LearnerProgress, LearningImage } from '../../services/learner';
import type { BackendName } from '../backend';

export type LearnerWorkerRequest =
  | { id: number; method: 'init'; backend?: BackendName }
  | { id: number; method: 'fineTune'; request: FineTuneRequest }
  | { id: number; method: 'evaluate'; modelDir: string; images: LearningImage[] }
  /** Cancels call `target` (queued or running); has no reply of its own. */
  | { id: number; method: 'abort'; target: number };

export type LearnerWorkerReply =
  | { id: number; kind: 'progress'; progress: LearnerProgress }
  | { id: number; kind: 'done'; result: FineTuneReport | EvaluationReport | readonly string[] | null }
  | { id: number; kind: 'error'; error: SerializedApiError };
