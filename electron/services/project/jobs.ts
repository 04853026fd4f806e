// Long jobs (proposing a whole folder): each runs in the background, reports progress through
// onDidProgress and checks for cancellation between steps (one image is never cut in half).
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors';
import type { JobProgress, ProposeAllOutcome } from '../../../shared/api/types';
import type { ApiEventHub } from './events';

export interface JobControl {
  readonly id: string;
  readonly cancelled: boolean;
  /** Aborted when the job is cancelled, for work that takes a signal (a fine-tune). */
  readonly signal: AbortSignal;
  /** Reports progress (`done` of `total` steps) while running. */
  progress(done: number, total: number, message?: string): void;
}

interface JobState {
  control: JobControl & { cancelled: boolean };
  abort: AbortController;
  last: JobProgress;
  finished: Promise<void>;
}

/** Finished jobs remembered so cancelJob on them answers `cancelled: false` instead of NOT_FOUND. */
const REMEMBERED_JOBS = 100;

export class Jobs {
  private readonly jobs = new Map<string, JobState>();

  constructor(private readonly events: ApiEventHub) {}

  /**
   * Starts `run` in the background; its result decides the final state (finished, cancelled,
   * failed), and what it says about the work (`proposeAll`) goes on the last event.
   */
  start(kind: JobProgress['kind'], total: number, run: (job: JobControl) => Promise<{ done: number; message?: string; proposeAll?: ProposeAllOutcome }>): string {
    const id = randomUUID();
    const events = this.events;
    const state = {} as JobState;
    const emit = (progress: JobProgress) => {
      state.last = progress;
      events.emit('onDidProgress', progress);
    };
    state.abort = new AbortController();
    state.control = {
      id,
      cancelled: false,
      signal: state.abort.signal,
      progress(done, jobTotal, message) {
        emit({ jobId: id, kind, done, total: jobTotal, state: 'running', ...(message ? { message } : {}) });
      },
    };
    state.last = { jobId: id, kind, done: 0, total, state: 'running' };
    this.jobs.set(id, state);
    this.forgetOldJobs();
    // Start on the next tick so the caller has the job id before the first progress event.
    state.finished = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        emit(state.last);
        return run(state.control);
      })
      .then(
        ({ done, message, proposeAll }) =>
          emit({
            jobId: id,
            kind,
            done,
            total: state.last.total,
            state: state.control.cancelled ? 'cancelled' : 'finished',
            ...(message ? { message } : {}),
            ...(proposeAll ? { proposeAll } : {}),
          }),
        (error: unknown) =>
          emit({ jobId: id, kind, done: state.last.done, total: state.last.total, state: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
    return id;
  }

  cancel(jobId: string): { cancelled: boolean } {
    const state = this.jobs.get(jobId);
    if (!state) throw new ApiError('NOT_FOUND', `No job '${jobId}'.`, { jobId });
    if (state.last.state !== 'running' || state.control.cancelled) return { cancelled: false };
    state.control.cancelled = true;
    state.abort.abort();
    return { cancelled: true };
  }

  /** Cancels every running job and waits for them to stop. */
  async stopAll(): Promise<void> {
    for (const state of this.jobs.values()) {
      state.control.cancelled = true;
      state.abort.abort();
    }
    await Promise.all([...this.jobs.values()].map((state) => state.finished));
  }

  private forgetOldJobs(): void {
    if (this.jobs.size <= REMEMBERED_JOBS) return;
    for (const [id, state] of this.jobs) {
      if (this.jobs.size <= REMEMBERED_JOBS) break;
      if (state.last.state !== 'running') this.jobs.delete(id);
    }
  }
}
