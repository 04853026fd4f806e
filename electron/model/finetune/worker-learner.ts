// The Learner the app and the headless host use: fine-tuning and evaluation in a training worker
// thread of their own, separate from the proposal worker, reached over the generic channel
// (learner-protocol.ts). Progress messages reach onProgress; an aborted signal cancels the call
// inside the worker (a cancelled fine-tune resolves with cancelled: true and writes nothing; a
// cancelled evaluation rejects with CANCELLED). A worker that dies fails its calls with a clear
// error, and the next call starts a fresh one.
import { Worker } from 'node:worker_threads';
import { createChannelClient } from '../../../shared/api/channel';
import type { ChannelClient } from '../../../shared/api/channel';
import { ApiError } from '../../../shared/api/errors';
import type { EvaluationReport, FineTuneReport, FineTuneRequest, Learner, LearnerProgress, LearningImage } from '../../services/learner';
import type { BackendName } from '../backend';
import { workerPort } from '../worker-port';
import type { LearnerWorkerService } from './learner-protocol';

/** Learner plus what tests need to observe and break the worker. */
export interface WorkerLearner extends Learner {
  /** Workers started so far (1 + restarts). */
  readonly workerStarts: number;
  /** Kills the current worker as a crash would. */
  simulateCrash(): Promise<void>;
}

/** One running training worker and the channel to it. */
interface RunningWorker {
  thread: Worker;
  channel: ChannelClient;
  api: LearnerWorkerService;
}

export async function startWorkerLearner(options: { backend?: BackendName } = {}): Promise<WorkerLearner> {
  let worker: RunningWorker | null = null;
  let ready: Promise<unknown> = Promise.resolve();
  let starts = 0;
  let disposed = false;
  let fineTunable: readonly string[] = [];

  const start = (): RunningWorker => {
    starts++;
    const thread = new Worker(new URL('./learner-worker-entry.mjs', import.meta.url));
    const port = workerPort(thread);
    // A worker that dies fails its calls in flight at once; the next call starts a fresh one.
    const channel = createChannelClient(port, {
      closedError: (_method, reason) => new ApiError('INTERNAL', `the training worker stopped (${reason}); the next fine-tune or evaluation starts a fresh one`),
    });
    const current: RunningWorker = { thread, channel, api: channel.proxy<LearnerWorkerService>() };
    worker = current;
    port.onClose?.(() => {
      if (worker === current) worker = null;
    });
    // The worker answers init with the models it can fine-tune (the registry's, over there).
    ready = current.api.init({ backend: options.backend }).then((names) => (fineTunable = names));
    ready.catch(() => undefined);
    return current;
  };

  const running = async (): Promise<RunningWorker> => {
    if (disposed) throw new ApiError('MODEL_UNAVAILABLE', 'the learner is disposed');
    const current = worker ?? start();
    await ready;
    return current;
  };

  start();
  await ready;

  return {
    get architectures() {
      return fineTunable;
    },
    get workerStarts() {
      return starts;
    },
    async fineTune(request: FineTuneRequest, onProgress: (progress: LearnerProgress) => void, signal: AbortSignal): Promise<FineTuneReport> {
      // An aborted signal cancels it in the worker: it resolves with cancelled: true and writes nothing.
      return (await running()).api.fineTune({ request }, { signal, onProgress });
    },
    async evaluate(modelDir: string, images: LearningImage[], signal: AbortSignal): Promise<EvaluationReport> {
      const current = await running();
      if (signal.aborted) throw new ApiError('CANCELLED', 'the evaluation was cancelled');
      return current.api.evaluate({ modelDir, images }, { signal });
    },
    async simulateCrash() {
      const current = worker?.thread;
      if (!current) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      await current.terminate();
      await exited;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      const current = worker;
      worker = null;
      current?.channel.close(() => new ApiError('CANCELLED', 'the learner was disposed'));
      await current?.thread.terminate();
    },
  };
}
