// What the training worker serves over the generic channel (shared/api/channel.ts), to the worker
// learner on the caller's thread. Plain structured-clone data; errors travel in the API's wire form
// and are rebuilt as ApiError; progress travels as the channel's progress messages; cancelling a
// call aborts the signal its handler got.
import type { EvaluationReport, FineTuneReport, FineTuneRequest, LearnerProgress, LearningImage } from '../../services/learner';
import type { BackendName } from '../backend';

/** The per-call extras of a training call: the same object on both sides of the channel. */
export interface TrainingCall {
  signal?: AbortSignal;
  onProgress?(progress: LearnerProgress): void;
}

/** The training worker's methods. Calls run one at a time, in arrival order; a cancel acts at once, queued or running. */
export interface LearnerWorkerService {
  /** (Re)creates the learner on `backend`; answers with the models it can fine-tune (the registry's, in the worker). */
  init(params: { backend?: BackendName }): Promise<readonly string[]>;
  fineTune(params: { request: FineTuneRequest }, call?: TrainingCall): Promise<FineTuneReport>;
  evaluate(params: { modelDir: string; images: LearningImage[] }, call?: TrainingCall): Promise<EvaluationReport>;
}
