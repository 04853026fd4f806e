// Keeps the proposal model available across crashes of its worker. The project service holds this
// object as its ModelProvider for the whole session. Two kinds of providers are supervised:
// - ones that call `onCrash` when their worker dies: the supervisor reports it (the window shows a
//   dialog and the status bar updates), disposes the dead provider and creates a fresh one;
// - ones that restart their worker themselves and expose `workerStarts` (electron/model/provider.ts):
//   the supervisor watches the count and the status, and reports each restart the same way.
// Annotations live in the project service in main, not in the worker, so a crash loses at most the
// one proposal that was being computed.
// No electron import: unit-tested everywhere.
import { ApiError } from '../../shared/api/errors';
import type { CocoRle, Instance, ModelStatus, SegmentPrompt } from '../../shared/api/types';
import type { InstanceDescription } from '../../shared/categories/suggester';
import type { ModelProvider, ProposeOptions, ProviderImage } from '../services/model-provider';

/** Creates a provider; `onCrash` must be called by it when its worker exits unexpectedly. */
export type ProviderFactory = (onCrash: (error: Error) => void) => Promise<ModelProvider>;

export interface CrashReport {
  message: string;
  /** Crashes within the current window of `crashWindowMs`, this one included. */
  recentCrashes: number;
  /** False when the supervisor gave up restarting (too many crashes in a row). */
  restarting: boolean;
}

interface SupervisorOptions {
  create: ProviderFactory;
  onCrash(report: CrashReport): void;
  onStatus(status: ModelStatus): void;
  /** More crashes than this within crashWindowMs stop the restarts. Default 3. */
  maxCrashes?: number;
  /** Default 60 000 ms. */
  crashWindowMs?: number;
  /** How often the running provider's status and worker count are checked (ms); 0 turns it off. Default 1000. */
  watchIntervalMs?: number;
  now?: () => number;
}

/** The number of workers a self-restarting provider has started, or null for other providers. */
function workerStartsOf(provider: ModelProvider): number | null {
  const starts = (provider as { workerStarts?: unknown }).workerStarts;
  return typeof starts === 'number' ? starts : null;
}

export class ModelSupervisor implements ModelProvider {
  private current: Promise<ModelProvider> | null = null;
  private provider: ModelProvider | null = null;
  private generation = 0;
  private crashTimes: number[] = [];
  private lastProblem: string | null = null;
  private disposed = false;
  private watcher: NodeJS.Timeout | null = null;
  private seenStarts = 0;
  private seenStatus = '';
  /** The weights last switched to with load(); a provider started after a crash loads them too. */
  private loadedDir: string | null = null;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts the first provider; resolves when it is loaded (a failure leaves status 'none'). */
  start(): Promise<void> {
    return this.launch().then(
      () => undefined,
      () => undefined,
    );
  }

  status(): ModelStatus {
    if (this.provider) return this.provider.status();
    return {
      backend: 'none',
      backendNotes: [this.lastProblem ?? 'The model is starting.'],
      modelVersion: null,
      lastLatencyMs: null,
      ready: false,
    };
  }

  propose(image: ProviderImage, options: ProposeOptions): Promise<Instance[]> {
    return this.call((provider) => provider.propose(image, options));
  }

  segmentAt(image: ProviderImage, prompt: SegmentPrompt): Promise<Instance | null> {
    return this.call((provider) => provider.segmentAt(image, prompt));
  }

  describe(image: ProviderImage, masks: CocoRle[]): Promise<InstanceDescription[] | null> {
    return this.call(async (provider) => (provider.describe ? provider.describe(image, masks) : null));
  }

  /** Switches weights (a model version); remembered, so a restarted worker comes back on them. */
  async load(modelDir: string): Promise<ModelStatus> {
    const status = await this.call((provider) => {
      if (!provider.load) throw new ApiError('MODEL_UNAVAILABLE', 'This build of the model cannot switch to other weights.');
      return provider.load(modelDir);
    });
    this.loadedDir = modelDir;
    this.seenStatus = JSON.stringify(status);
    this.options.onStatus(status);
    return status;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    this.generation += 1;
    const provider = this.provider;
    this.provider = null;
    this.current = null;
    await provider?.dispose();
  }

  private async call<T>(run: (provider: ModelProvider) => Promise<T>): Promise<T> {
    if (this.disposed) throw new ApiError('MODEL_UNAVAILABLE', 'The model has been shut down.');
    if (!this.current) throw new ApiError('MODEL_UNAVAILABLE', this.lastProblem ?? 'The model is not running.');
    const generation = this.generation;
    const provider = await this.current.catch((error: unknown) => {
      throw new ApiError('MODEL_UNAVAILABLE', `The model could not be loaded: ${messageOf(error)}`);
    });
    if (generation !== this.generation) throw crashedDuringRequest('the worker exited before the request was sent');
    try {
      return await run(provider);
    } catch (error) {
      if (generation !== this.generation) throw crashedDuringRequest(messageOf(error));
      throw error;
    }
  }

  private launch(): Promise<ModelProvider> {
    const generation = ++this.generation;
    const pending = this.options.create((error) => this.handleCrash(generation, error)).then(async (provider) => {
      // After a crash, come back on the version the user chose, not on the default weights. If
      // those no longer load, the provider keeps its defaults and its status says so.
      const dir = this.loadedDir;
      if (dir !== null && provider.load) {
        await provider.load(dir).catch((error: unknown) => {
          this.lastProblem = `The restarted model could not load ${dir}: ${messageOf(error)}`;
        });
      }
      return provider;
    });
    this.current = pending;
    pending.then(
      (provider) => {
        if (generation !== this.generation) {
          void provider.dispose().catch(() => undefined);
          return;
        }
        this.provider = provider;
        this.lastProblem = null;
        this.seenStarts = workerStartsOf(provider) ?? 0;
        this.seenStatus = JSON.stringify(provider.status());
        this.options.onStatus(this.status());
        this.startWatching();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.lastProblem = `The model could not be loaded: ${messageOf(error)}`;
        this.options.onStatus(this.status());
      },
    );
    return pending;
  }

  private startWatching(): void {
    const interval = this.options.watchIntervalMs ?? 1000;
    if (this.watcher || interval <= 0) return;
    this.watcher = setInterval(() => this.watch(), interval);
    this.watcher.unref();
  }

  /** Reports restarts a self-restarting provider did on its own, and any change of its status. */
  private watch(): void {
    const provider = this.provider;
    if (!provider || this.disposed) return;
    const status = provider.status();
    const starts = workerStartsOf(provider);
    if (starts !== null && starts > this.seenStarts) {
      const crashes = starts - this.seenStarts;
      this.seenStarts = starts;
      const recentCrashes = this.noteCrashes(crashes);
      const message = status.message ?? 'The model worker stopped and was restarted.';
      this.options.onCrash({ message: `The model worker crashed; ${message}`, recentCrashes, restarting: true });
    }
    const serialized = JSON.stringify(status);
    if (serialized !== this.seenStatus) {
      this.seenStatus = serialized;
      this.options.onStatus(status);
    }
  }

  /** Records `count` crashes now and returns how many fall within the crash window. */
  private noteCrashes(count: number): number {
    const now = (this.options.now ?? Date.now)();
    const windowMs = this.options.crashWindowMs ?? 60_000;
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < windowMs), ...Array<number>(count).fill(now)];
    return this.crashTimes.length;
  }

  private handleCrash(generation: number, error: Error): void {
    if (generation !== this.generation || this.disposed) return; // a stale provider's last words
    const windowMs = this.options.crashWindowMs ?? 60_000;
    const restarting = this.noteCrashes(1) <= (this.options.maxCrashes ?? 3);
    const dead = this.provider;
    this.provider = null;
    this.current = null;
    this.generation += 1; // calls in flight on the dead provider now report the crash
    void dead?.dispose().catch(() => undefined);
    this.lastProblem = restarting
      ? `The model worker crashed (${error.message}); restarting it.`
      : `The model worker crashed ${this.crashTimes.length} times within ${Math.round(windowMs / 1000)} s (${error.message}); it was not restarted.`;
    this.options.onCrash({ message: this.lastProblem, recentCrashes: this.crashTimes.length, restarting });
    this.options.onStatus(this.status());
    if (restarting) this.launch().catch(() => undefined);
  }
}

function crashedDuringRequest(cause: string): ApiError {
  return new ApiError('MODEL_UNAVAILABLE', 'The model worker crashed during this request and is being restarted; try again.', { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
