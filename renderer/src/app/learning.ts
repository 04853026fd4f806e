// The learning loop as the renderer drives it: mirrors model versions, learning settings, the
// running fine-tune and per-version statistics into the store's learning slice, and turns the
// model panel's buttons into API calls (activate / roll back, fine-tune, cancel, settings).
import type { MaskPilotClient, Unsubscribe } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { FineTuneProgress, LearningSettings } from '../../../shared/api/types';
import { fineTuneEnded } from '../state/learning';
import type { EditorStore } from '../state/store';

/** Statistics and the corrections count are refetched this long after the last save of a burst. */
export const STATS_REFRESH_DELAY_MS = 800;

export type LearningApi = Pick<
  MaskPilotClient,
  'listModelVersions' | 'activateModelVersion' | 'fineTune' | 'getLearningState' | 'saveLearningSettings' | 'getVersionStats' | 'cancelJob' | 'on'
>;

export interface LearningController {
  /** Loads versions, learning state and statistics (on start, after a reconnect, after a fine-tune). */
  refresh(): Promise<void>;
  /** Refetches statistics and the corrections count soon; a burst of saves makes one request. */
  scheduleStatsRefresh(): void;
  /** Makes a version the one that proposes (choosing a network, or rolling back). */
  activate(versionId: string): Promise<void>;
  /** Starts a fine-tune of the active version (after saving pending edits, so they count). */
  startFineTune(options?: { steps?: number }): Promise<void>;
  cancelFineTune(): Promise<void>;
  saveSettings(patch: Partial<LearningSettings>): Promise<void>;
  /** Follows the server's learning events; returns what stops following them. */
  subscribe(): Unsubscribe[];
  dispose(): void;
}

export interface LearningDeps {
  store: EditorStore;
  api: LearningApi;
  /** Writes unsaved edits to disk before a fine-tune reads them. */
  flushEdits?: () => Promise<void>;
  statsDelayMs?: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createLearningController({ store, api, flushEdits, statsDelayMs = STATS_REFRESH_DELAY_MS }: LearningDeps): LearningController {
  const { actions } = store.getState();
  let statsTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  /** Counts settings saves: a refresh that started before the latest save keeps its stale settings off the screen. */
  let settingsSaves = 0;
  const settingsIfCurrent = (startedAt: number, settings: LearningSettings) => (startedAt === settingsSaves ? { settings } : {});

  /** Why the learning API refused, as the panel shows it; other errors become notices. */
  function unavailableOrNotify(error: unknown, what: string): void {
    if (error instanceof ApiError && (error.code === 'MODEL_UNAVAILABLE' || error.code === 'FORBIDDEN')) {
      actions.setLearning({ unavailable: error.message });
    } else {
      actions.notify('error', `${what}: ${message(error)}`);
    }
  }

  async function refreshStats(): Promise<void> {
    const saves = settingsSaves;
    try {
      const [stats, state] = await Promise.all([api.getVersionStats({}), api.getLearningState({})]);
      actions.setLearning({ stats, ...settingsIfCurrent(saves, state.settings), correctionsSinceFineTune: state.correctionsSinceFineTune, fineTunable: state.fineTunable });
    } catch (error) {
      unavailableOrNotify(error, 'Could not read model statistics');
    }
  }

  function onFineTune(progress: FineTuneProgress): void {
    const previous = store.getState().learning.fineTune;
    actions.setLearning({ fineTune: progress });
    // A run this window did not start (automatic, or another window's): the host reset the count.
    if (previous?.jobId !== progress.jobId) void refreshStats();
    if (!fineTuneEnded(progress) || (previous?.jobId === progress.jobId && fineTuneEnded(previous))) return;
    if (progress.phase === 'finished') {
      actions.notify('info', `Fine-tune finished${progress.message ? `: ${progress.message}` : ''}`);
    } else if (progress.phase === 'failed') {
      actions.notify('error', `Fine-tune failed${progress.message ? `: ${progress.message}` : ''}`);
    } else {
      actions.notify('info', 'Fine-tune cancelled');
    }
    void controller.refresh();
  }

  const controller: LearningController = {
    async refresh() {
      const saves = settingsSaves;
      try {
        const [{ versions, activeId }, state, stats] = await Promise.all([
          api.listModelVersions({}),
          api.getLearningState({}),
          api.getVersionStats({}),
        ]);
        const current = store.getState().learning.fineTune;
        // Keep the last run on screen (its loss curve) unless the server reports a newer one.
        const fineTune = state.running ?? (current && fineTuneEnded(current) ? current : null);
        actions.setLearning({
          versions,
          activeId,
          stats,
          ...settingsIfCurrent(saves, state.settings),
          correctionsSinceFineTune: state.correctionsSinceFineTune,
          fineTunable: state.fineTunable,
          fineTune,
          unavailable: null,
        });
      } catch (error) {
        unavailableOrNotify(error, 'Could not read model versions');
      }
    },

    scheduleStatsRefresh() {
      if (disposed || store.getState().learning.unavailable !== null) return;
      if (statsTimer !== null) clearTimeout(statsTimer);
      statsTimer = setTimeout(() => {
        statsTimer = null;
        void refreshStats();
      }, statsDelayMs);
    },

    async activate(versionId) {
      if (store.getState().learning.activatingId !== null) return;
      actions.setLearning({ activatingId: versionId });
      try {
        const status = await api.activateModelVersion({ id: versionId });
        actions.setCatalog({ modelStatus: status });
        actions.setLearning({ activeId: versionId });
        const label = store.getState().learning.versions.find((version) => version.id === versionId)?.label ?? versionId;
        actions.notify('info', `Proposals now come from ${label}`);
      } catch (error) {
        actions.notify('error', `Could not switch the model: ${message(error)}`);
      } finally {
        actions.setLearning({ activatingId: null });
      }
      await controller.refresh();
    },

    async startFineTune(options = {}) {
      if (!fineTuneEnded(store.getState().learning.fineTune)) {
        actions.notify('info', 'A fine-tune is already running');
        return;
      }
      try {
        await flushEdits?.();
        const { jobId } = await api.fineTune(options.steps === undefined ? {} : { steps: options.steps });
        const placeholder: FineTuneProgress = {
          jobId,
          phase: 'collecting',
          step: 0,
          totalSteps: options.steps ?? 0,
          loss: [],
          samplesPerSecond: null,
          etaSeconds: null,
        };
        // Events may already have reported on this job; never step back over them.
        if (store.getState().learning.fineTune?.jobId !== jobId) actions.setLearning({ fineTune: placeholder });
        actions.setSession({ modelPanelOpen: true });
        actions.notify('info', 'Fine-tune started');
        // Starting resets the corrections count on the host.
        void refreshStats();
      } catch (error) {
        const text = error instanceof ApiError && error.code === 'CONFLICT' ? 'a fine-tune is already running' : message(error);
        actions.notify('error', `Could not start fine-tuning: ${text}`);
      }
    },

    async cancelFineTune() {
      const running = store.getState().learning.fineTune;
      if (!running || fineTuneEnded(running)) return;
      try {
        await api.cancelJob({ jobId: running.jobId });
      } catch (error) {
        actions.notify('error', `Could not cancel: ${message(error)}`);
      }
    },

    async saveSettings(patch) {
      settingsSaves++;
      try {
        const settings = await api.saveLearningSettings(patch);
        actions.setLearning({ settings });
      } catch (error) {
        actions.notify('error', `Could not save learning settings: ${message(error)}`);
      }
    },

    subscribe() {
      return [
        api.on('onDidFineTune', onFineTune),
        api.on('onDidChangeModelVersions', ({ versions, activeId }) => {
          actions.setLearning({ versions, activeId, unavailable: null });
          controller.scheduleStatsRefresh();
        }),
      ];
    },

    dispose() {
      disposed = true;
      if (statsTimer !== null) clearTimeout(statsTimer);
      statsTimer = null;
    },
  };
  return controller;
}
