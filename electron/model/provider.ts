// The ModelProvider the app and the headless host use: DeepMask in a worker thread, so proposing never
// blocks the caller's event loop. The worker runs TypeScript through tsx (worker-entry.mjs registers it).
// If the chosen weights are missing or corrupt the worker falls back to the bundled ones and the status
// says so; with no usable weights at all the status explains why and calls fail with MODEL_UNAVAILABLE.
// A worker that dies is reported in the status, its pending calls fail, and a fresh one is started
// (with the weights loaded last: load() switches weights once the calls sent before it are done, and
// keeps the current ones when the new cannot be loaded).
import { Worker } from 'node:worker_threads';
import type { CocoRle, Instance, ModelStatus, SegmentPrompt } from '../../shared/api/types';
import type { InstanceDescription } from '../../shared/categories/suggester';
import { createChannelClient } from '../../shared/api/channel';
import type { ChannelClient } from '../../shared/api/channel';
import { ApiError } from '../../shared/api/errors';
import type { ModelProvider, ProposeOptions, ProviderImage } from '../services/model-provider';
import type { BackendName } from './backend';
import { defaultModelDir, type DeepMaskSettings } from './deepmask/model';
import { modelById } from './registry';
import { workerPort } from './worker-port';
import type { ModelWorkerService, WorkerInit } from './worker-protocol';

interface ModelProviderOptions {
  /** Weights to use (heads.json + heads.bin); default and fallback: the bundled resources/models/deepmask. */
  modelDir?: string;
  /** Without modelDir: the bundled weights of this network (default deepmask); DeepMask stays the fallback. */
  /** A registry model id: start on its bundled weights. */
  model?: string;
  backend?: BackendName;
  settings?: Readonly<Record<string, number | boolean>>;
  /** The fallback weights (default: the bundled resources/models/deepmask; tests point it elsewhere). */
  bundledModelDir?: string;
}

/** ModelProvider plus what tests and the host need to observe the worker. */
export interface WorkerModelProvider extends ModelProvider {
  /** Number of workers started so far (1 + restarts). */
  readonly workerStarts: number;
  /** Kills the current worker as a crash would (for tests of the restart path). */
  simulateCrash(): Promise<void>;
}

const MAX_CONSECUTIVE_RESTARTS = 3;

/** One running worker and the channel to it. */
interface RunningWorker {
  thread: Worker;
  channel: ChannelClient;
  api: ModelWorkerService;
}

export async function createModelProvider(options: ModelProviderOptions = {}): Promise<WorkerModelProvider> {
  const bundledModelDir = options.bundledModelDir ?? defaultModelDir();
  // Mutable: after a successful load() a restarted worker starts from the weights loaded last.
  let init: WorkerInit = { modelDir: options.modelDir ?? (options.model ? modelById(options.model).bundledDir() : bundledModelDir), bundledModelDir, backend: options.backend, settings: options.settings };
  let status: ModelStatus = { backend: 'none', backendNotes: [], modelVersion: null, lastLatencyMs: null, ready: false, message: 'loading the model' };
  let worker: RunningWorker | null = null;
  let workerReady: Promise<void> = Promise.resolve();
  let starts = 0;
  let disposed = false;
  let crashNote: string | undefined;
  /** Deaths since the last successful init: a worker that cannot even start is not restarted forever. */
  let consecutiveDeaths = 0;

  const start = (): void => {
    starts++;
    const thread = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    const port = workerPort(thread);
    // The worker's death fails its calls in flight at once (the channel hears of it through the port).
    const channel = createChannelClient(port, {
      closedError: (_method, reason) => new ApiError('INTERNAL', `the model worker stopped (${reason}); it is being restarted`),
    });
    const current: RunningWorker = { thread, channel, api: channel.proxy<ModelWorkerService>() };
    worker = current;
    port.onClose?.((reason) => {
      if (worker !== current) return;
      worker = null;
      if (disposed) return;
      consecutiveDeaths++;
      if (consecutiveDeaths > MAX_CONSECUTIVE_RESTARTS) {
        status = { ...status, ready: false, message: `the model worker keeps stopping (last: ${reason}); not restarted again` };
        return;
      }
      crashNote = `the model worker stopped (${reason}) and was restarted`;
      status = { ...status, ready: false, message: crashNote };
      start();
    });
    workerReady = current.api.init(init).then((report) => {
      consecutiveDeaths = 0;
      const messages = [report.message, crashNote].filter((text): text is string => Boolean(text));
      status = {
        backend: report.backend,
        backendNotes: report.backendNotes,
        modelVersion: report.modelVersion,
        lastLatencyMs: status.lastLatencyMs,
        ready: report.ready,
        ...(messages.length > 0 ? { message: messages.join('; ') } : {}),
      };
    });
    // A failed init is reflected in the status by the death handler; callers see it on their next call.
    workerReady.catch(() => undefined);
  };

  const call = async <T>(run: (api: ModelWorkerService) => Promise<T>): Promise<T> => {
    if (disposed) throw new ApiError('MODEL_UNAVAILABLE', 'the model provider is disposed');
    await workerReady;
    if (!worker) throw new ApiError('MODEL_UNAVAILABLE', status.message ?? 'the model worker is not running');
    if (!status.ready) throw new ApiError('MODEL_UNAVAILABLE', status.message ?? 'the model is not loaded');
    const started = performance.now();
    const result = await run(worker.api);
    status = { ...status, lastLatencyMs: performance.now() - started };
    return result;
  };

  /** The loads run one after another, each after the calls sent before it (the worker serves in order). */
  let loading: Promise<unknown> = Promise.resolve();
  const load = async (modelDir: string): Promise<ModelStatus> => {
    if (disposed) throw new ApiError('MODEL_UNAVAILABLE', 'the model provider is disposed');
    if (typeof modelDir !== 'string' || modelDir.length === 0) throw new ApiError('INVALID_ARGUMENT', 'load: modelDir must be a non-empty path');
    await workerReady;
    const current = worker;
    if (!current) throw new ApiError('MODEL_UNAVAILABLE', status.message ?? 'the model worker is not running');
    const report = await current.api.load({ modelDir });
    init = { ...init, modelDir };
    crashNote = undefined;
    status = { backend: report.backend, backendNotes: report.backendNotes, modelVersion: report.modelVersion, lastLatencyMs: status.lastLatencyMs, ready: true };
    return { ...status, backendNotes: [...status.backendNotes] };
  };

  start();
  await workerReady.catch(() => undefined);

  return {
    get workerStarts() {
      return starts;
    },
    status() {
      return { ...status, backendNotes: [...status.backendNotes] };
    },
    async propose(image: ProviderImage, proposeOptions: ProposeOptions): Promise<Instance[]> {
      return call((api) => api.propose({ image, maxProposals: proposeOptions.maxProposals }));
    },
    async segmentAt(image: ProviderImage, prompt: SegmentPrompt): Promise<Instance | null> {
      return call((api) => api.segmentAt({ image, prompt }));
    },
    async describe(image: ProviderImage, masks: CocoRle[]): Promise<InstanceDescription[] | null> {
      return call((api) => api.describe({ image, masks }));
    },
    load(modelDir: string): Promise<ModelStatus> {
      const next = loading.then(
        () => load(modelDir),
        () => load(modelDir),
      );
      loading = next.catch(() => undefined);
      return next;
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
      current?.channel.close(() => new ApiError('MODEL_UNAVAILABLE', 'the model provider was disposed'));
      await current?.thread.terminate();
    },
  };
}
