// .maskpilot/learning.json: the learning settings and the corrections counted since the last
// fine-tune started, so both survive restarts. Kept apart from project.json on purpose: the counter
// changes on nearly every save, and project.json (categories) should not be rewritten that often.
// Writes are atomic and coalesced (one in flight, the latest state written next), and never awaited
// by a save: losing the last few counts in a crash costs nothing but a slightly later auto fine-tune.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiError } from '../../../../shared/api/errors';
import type { LearningSettings } from '../../../../shared/api/types';
import { writeFileAtomic } from '../../atomic-write';
import { corruptFileError, keepCorruptFileAside, parseSidecarJson, ShapeError } from '../sidecar-store';
import { isPlainObject } from '../validate';

const DEFAULT_LEARNING_SETTINGS: LearningSettings = { autoFineTune: true, correctionsPerFineTune: 25 };
export const MAX_CORRECTIONS_PER_FINETUNE = 100_000;
const FORMAT_VERSION = 1;

export interface LearningFileState {
  settings: LearningSettings;
  correctionsSinceFineTune: number;
}

export class LearningFile {
  private writing: Promise<void> = Promise.resolve();
  private pending: LearningFileState | null = null;

  constructor(readonly directory: string) {}

  get path(): string {
    return join(this.directory, 'learning.json');
  }

  /** Reads the file; missing means defaults, damaged is kept aside and reported. */
  async read(): Promise<{ state: LearningFileState; warning: ApiError | null }> {
    const defaults = { settings: { ...DEFAULT_LEARNING_SETTINGS }, correctionsSinceFineTune: 0 };
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: defaults, warning: null };
      return { state: defaults, warning: corruptFileError(this.path, `unreadable: ${(error as Error).message}`, null) };
    }
    const problem = shapeProblem(text);
    if (typeof problem !== 'string') return { state: problem, warning: null };
    const keptAs = await keepCorruptFileAside(this.path);
    return { state: defaults, warning: corruptFileError(this.path, `${problem}; learning settings are back to defaults`, keptAs) };
  }

  /** Saves `state` soon; resolves when it (or a later state) is on disk. Rejects only on write errors. */
  save(state: LearningFileState): Promise<void> {
    const first = this.pending === null;
    this.pending = { settings: { ...state.settings }, correctionsSinceFineTune: state.correctionsSinceFineTune };
    if (first) {
      this.writing = this.writing
        .catch(() => undefined)
        .then(async () => {
          const next = this.pending;
          this.pending = null;
          if (next) await writeFileAtomic(this.path, `${JSON.stringify({ version: FORMAT_VERSION, ...next }, null, 2)}\n`);
        });
    }
    return this.writing;
  }

  /** Waits for writes in flight (used on close). */
  async idle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }
}

/** The parsed state, or what is wrong with the text. */
function shapeProblem(text: string): LearningFileState | string {
  let value: Record<string, unknown>;
  try {
    value = parseSidecarJson(text, FORMAT_VERSION);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return error.message;
  }
  const { settings, correctionsSinceFineTune } = value;
  if (!isPlainObject(settings) || typeof settings.autoFineTune !== 'boolean') return 'settings.autoFineTune is missing';
  const every = settings.correctionsPerFineTune;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1 || every > MAX_CORRECTIONS_PER_FINETUNE) return 'settings.correctionsPerFineTune is invalid';
  if (typeof correctionsSinceFineTune !== 'number' || !Number.isInteger(correctionsSinceFineTune) || correctionsSinceFineTune < 0) {
    return 'correctionsSinceFineTune is invalid';
  }
  return { settings: { autoFineTune: settings.autoFineTune, correctionsPerFineTune: every }, correctionsSinceFineTune };
}
