// The model side of the learning loop behind the service's Learner seam (electron/services/learner.ts):
//   createWorkerLearner   the app and the headless host: a training worker thread of its own
//   createInProcessLearner the CLI, benches and tests: the same work on the caller's thread
// Both fine-tune the base version's model (its registry entry's fineTune) on corrections and measure
// weights on annotated images (finetune/evaluate.ts), reusing one trunk between calls.
import { ApiError } from '../../shared/api/errors';
import type { ModelArchitectureName } from '../../shared/api/types';
import type { EvaluationReport, FineTuneReport, FineTuneRequest, Learner, LearnerProgress, LearningImage } from '../services/learner';
import type { BackendName } from './backend';
import { evaluateModelDir } from './finetune/evaluate';
import { MODELS, modelOfDir } from './registry';
import { startWorkerLearner } from './finetune/worker-learner';
import { loadTrunk, type Trunk } from './trunk';
import { selectBackend } from './backend';

/** The models whose versions can be fine-tuned: the registry's models with a fineTune. */
export const FINE_TUNABLE: readonly ModelArchitectureName[] = MODELS.filter((model) => model.fineTune).map((model) => model.id);

export async function createWorkerLearner(options?: { backend?: BackendName }): Promise<Learner> {
  return startWorkerLearner(options);
}

export function createInProcessLearner(options: { backend?: BackendName } = {}): Learner {
  let trunk: Promise<Trunk> | null = null;
  let disposed = false;
  // One call at a time: fine-tunes and evaluations share the trunk and the tfjs heap.
  let queue: Promise<unknown> = Promise.resolve();
  const sharedTrunk = (): Promise<Trunk> => {
    trunk ??= selectBackend(options.backend).then(() => loadTrunk());
    trunk.catch(() => {
      trunk = null;
    });
    return trunk;
  };
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    if (disposed) return Promise.reject(new ApiError('MODEL_UNAVAILABLE', 'the learner is disposed'));
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    architectures: FINE_TUNABLE,
    fineTune(request: FineTuneRequest, onProgress: (progress: LearnerProgress) => void, signal: AbortSignal): Promise<FineTuneReport> {
      return serial(async () => {
        const model = await modelOfDir(request.baseModelDir).catch((error: Error) => {
          throw new ApiError('MODEL_UNAVAILABLE', `cannot fine-tune from ${request.baseModelDir}: ${error.message}`);
        });
        if (!model.fineTune) throw new ApiError('INVALID_ARGUMENT', `${model.label} versions cannot be fine-tuned (activate a ${FINE_TUNABLE.join(' or ')} version and fine-tune that)`);
        return model.fineTune(request, { trunk: sharedTrunk, backend: options.backend, onProgress, signal });
      });
    },
    evaluate(modelDir: string, images: LearningImage[], signal: AbortSignal): Promise<EvaluationReport> {
      return serial(() => evaluateModelDir(modelDir, images, { trunk: sharedTrunk, backend: options.backend, signal }));
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      if (trunk) (await trunk.catch(() => null))?.dispose();
    },
  };
}
