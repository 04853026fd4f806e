// Learning tier: the project's model versions, the learning settings, the fine-tune in progress and
// how each version's proposals fared. Server-owned (mirrored from the API and its events), never
// undone, never saved by the editor.
import type { FineTuneProgress, LearningSettings, ModelVersion, VersionStats } from '../../../shared/api/types';

export interface LearningSlice {
  /** Bundled networks first, then fine-tunes, oldest first (the API's order). */
  versions: ModelVersion[];
  activeId: string | null;
  settings: LearningSettings | null;
  correctionsSinceFineTune: number;
  /** The models whose versions can be fine-tuned in this session (LearningState.fineTunable). */
  fineTunable: string[];
  /** The fine-tune running now, or the last one seen to end (kept so its loss curve stays on screen). */
  fineTune: FineTuneProgress | null;
  stats: VersionStats[];
  /** Version an activate call is waiting for (its button shows busy), or null. */
  activatingId: string | null;
  /** Why the learning API cannot be used right now (e.g. the host has no model), or null. */
  unavailable: string | null;
}

export const initialLearning: LearningSlice = {
  versions: [],
  activeId: null,
  settings: null,
  correctionsSinceFineTune: 0,
  fineTunable: [],
  fineTune: null,
  stats: [],
  activatingId: null,
  unavailable: null,
};

/** Phases after which a fine-tune no longer runs. */
export function fineTuneEnded(progress: FineTuneProgress | null): boolean {
  return progress === null || progress.phase === 'finished' || progress.phase === 'cancelled' || progress.phase === 'failed';
}
