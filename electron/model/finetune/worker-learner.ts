// The Learner the app and the headless host use: fine-tuning and evaluation in a training worker
// thread of their own, separate from the proposal worker. Progress messages reach onProgress; an
// aborted signal cancels the call inside the worker (a cancelled fine-tune resolves with
// cancelled: true and writes nothing; a cancelled evaluation rejects with CANCELLED). A worker that
// dies fails its calls with a clear error, and the next call starts a fresh one.
import { Worker } from 'node:worker_threads';
import { ApiError, deserializeError } from '../../../shared/api/errors';
import type { EvaluationReport, FineTuneReport, FineTuneRequest, Learner, LearnerProgress, LearningImage } from '../../services/learner';
import type { BackendName } from '../backend';
import type { LearnerWorkerReply, LearnerWorkerRequest } from './learner-protocol';

/** Learner plus what tests need to observe and break the worker. */
export interface WorkerLearner extends Learner {
  /** Workers started so far (1 + restarts). */
  readonly workerStarts: number;
  /** Kills the current worker as a crash would. */
  simulateCrash(): Promise<void>;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: ApiError) => void;
  onProgress?: (progress: LearnerProgress) => void;
}

type RequestBody = LearnerWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function startWorkerLearner(options: { backend?: BackendName } = {}): Promise<WorkerLearner> {
  let worker: Worker | null = null;
  let ready: Promise<unknown> = Promise.resolve();
  let starts = 0;
  let nextId = 1;
  let disposed = false;
  const pending = new Map<number, Pending>();

  const post = (target: Worker, body: RequestBody, entry: Pending): number => {
    const id = nextId++;
    pending.set(id, entry);
    target.postMessage({ ...body, id } as LearnerWorkerRequest);
    return id;
  };

  const start = (): Worker => {
    starts++;
    const current = new Worker(new URL('./learner-worker-entry.mjs', import.meta.url));
    worker = current;
    current.on('message', (message: LearnerWorkerReply) => {
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.kind === 'progress') {
        entry.onProgress?.(message.progress);
        return;
      }
      pending.delete(message.id);
      if (message.kind === 'done') entry.resolve(message.result);
      else entry.reject(deserializeError(message.error));
    });
    let dead = false;
    const onDeath = (reason: string): void => {
      if (dead) return;
      dead = true;
      if (worker === current) worker = null;
      for (const entry of pending.values()) entry.reject(new ApiError('INTERNAL', `the training worker stopped (${reason}); the next fine-tune or evaluation starts a fresh one`));
      pending.clear();
    };
    current.on('error', (error) => onDeath(error.message));
    current.on('exit', (code) => onDeath(`exit code ${code}`));
    // The worker answers init with the models it can fine-tune (the registry's, over there).
    ready = new Promise((resolve, reject) => post(current, { method: 'init', backend: options.backend }, { resolve: (result) => resolve((fineTunable = result as string[])), reject }));
    ready.catch(() => undefined);
    return current;
  };

  let fineTunable: readonly string[] = [];
  const call = async <T>(body: RequestBody, signal: AbortSignal | undefined, onProgress?: (progress: LearnerProgress) => void): Promise<T> => {
    if (disposed) throw new ApiError('MODEL_UNAVAILABLE', 'the learner is disposed');
    const current = worker ?? start();
    await ready;
    if (signal?.aborted && body.method === 'evaluate') throw new ApiError('CANCELLED', 'the evaluation was cancelled');
    return new Promise<T>((resolve, reject) => {
      let id = 0;
      const abort = (): void => {
        if (worker === current) current.postMessage({ id: nextId++, method: 'abort', target: id } as LearnerWorkerRequest);
      };
      const cleanup = (): void => signal?.removeEventListener('abort', abort);
      id = post(current, body, {
        resolve: (result) => {
          cleanup();
          resolve(result as T);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        onProgress,
      });
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
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
    fineTune(request: FineTuneRequest, onProgress: (progress: LearnerProgress) => void, signal: AbortSignal): Promise<FineTuneReport> {
      return call<FineTuneReport>({ method: 'fineTune', request }, signal, onProgress);
    },
    evaluate(modelDir: string, images: LearningImage[], signal: AbortSignal): Promise<EvaluationReport> {
      return call<EvaluationReport>({ method: 'evaluate', modelDir, images }, signal);
    },
    async simulateCrash() {
      const current = worker;
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
      for (const entry of pending.values()) entry.reject(new ApiError('CANCELLED', 'the learner was disposed'));
      pending.clear();
      await current?.terminate();
    },
  };
}
