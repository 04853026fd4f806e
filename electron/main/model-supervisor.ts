// Keeps the proposal model available across crashes of its worker. The project service holds this
// object as its ModelProvider for the whole session; when the worker behind the current provider
// dies, the supervisor reports it (the window shows a dialog and the status bar updates), disposes
// the dead provider and creates a fresh one. Annotations live in the project service in main, not
// in the worker, so a crash loses at most the one proposal that was being computed.
// No electron import: unit-tested everywhere.
import { ApiError } from '../../shared/api/errors';
import type { Instance, ModelStatus } from '../../shared/api/types';
import type { ModelProvider, ProposeOptions, ProviderImage, SegmentAtOptions } from '../services/model-provider';

/** Creates a provider; `onCrash` must be called by it when its worker exits unexpectedly. */
export type ProviderFactory = (onCrash: (error: Error) => void) => Promise<ModelProvider>;

export interface CrashReport {
  message: string;
  /** Crashes within the current window of `crashWindowMs`, this one included. */
  recentCrashes: number;
  /** False when the supervisor gave up restarting (too many crashes in a row). */
  restarting: boolean;
}

export interface SupervisorOptions {
  create: ProviderFactory;
  onCrash(report: CrashReport): void;
  onStatus(status: ModelStatus): void;
  /** More crashes than this within crashWindowMs stop the restarts. Default 3. */
  maxCrashes?: number;
  /** Default 60 000 ms. */
  crashWindowMs?: number;
  now?: () => number;
}

export class ModelSupervisor implements ModelProvider {
  private current: Promise<ModelProvider> | null = null;
  private provider: ModelProvider | null = null;
  private generation = 0;
  private crashTimes: number[] = [];
  private lastProblem: string | null = null;
  private disposed = false;

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

  segmentAt(image: ProviderImage, point: { x: number; y: number }, options: SegmentAtOptions): Promise<Instance | null> {
    return this.call((provider) => provider.segmentAt(image, point, options));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
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
    const pending = this.options.create((error) => this.handleCrash(generation, error));
    this.current = pending;
    pending.then(
      (provider) => {
        if (generation !== this.generation) {
          void provider.dispose().catch(() => undefined);
          return;
        }
        this.provider = provider;
        this.lastProblem = null;
        this.options.onStatus(this.status());
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.lastProblem = `The model could not be loaded: ${messageOf(error)}`;
        this.options.onStatus(this.status());
      },
    );
    return pending;
  }

  private handleCrash(generation: number, error: Error): void {
    if (generation !== this.generation || this.disposed) return; // a stale provider's last words
    const now = (this.options.now ?? Date.now)();
    const windowMs = this.options.crashWindowMs ?? 60_000;
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < windowMs), now];
    const restarting = this.crashTimes.length <= (this.options.maxCrashes ?? 3);
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
