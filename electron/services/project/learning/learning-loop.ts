// The learning half of the API: model versions, fine-tuning, learning settings and per-version
// statistics, over one project. It counts corrections as images are saved and, when the project
// asks for it, starts a fine-tune in the background after every N of them; that never delays or
// fails the save that crossed the line (it runs on a later tick and only logs its own problems).
import { join } from 'node:path';
import { ApiError } from '../../../../shared/api/errors';
import type { FineTuneProgress, ImageAnnotations, ImageId, LearningSettings, LearningState, ModelStatus, ModelVersion, VersionStats } from '../../../../shared/api/types';
import type { Learner } from '../../learner';
import type { ModelProvider } from '../../model-provider';
import type { ApiEventHub } from '../events';
import type { Jobs } from '../jobs';
import type { Fields } from '../validate';
import { optionalBoolean, optionalInteger, requiredString } from '../validate';
import type { BundledModel } from './bundled-models';
import { countCorrections } from './corrections';
import { runFineTune } from './fine-tune-job';
import { LearningFile, MAX_CORRECTIONS_PER_FINETUNE, type LearningFileState } from './learning-file';
import { ModelVersions } from './model-versions';
import { splitTrainingSet, type SavedImage } from './training-set';
import { combineTallies, tallyImage, type VersionTally } from './version-stats';
import { VersionStore } from './version-store';

const MAX_FINETUNE_STEPS = 100_000;

interface LearningLoopOptions {
  /** The project's .maskpilot folder. */
  sidecarDir: string;
  bundled: readonly BundledModel[];
  provider: ModelProvider | undefined;
  learner: Learner | undefined;
  /** The version active when the project has none stored yet. */
  defaultModelId?: string;
  events: ApiEventHub;
  jobs: Jobs;
  /**
   * Saved annotations with file paths, in natural image order (damaged files skipped): of every
   * image, or of the images listed (those with nothing saved are left out).
   */
  readSaved(imageIds?: readonly ImageId[]): Promise<SavedImage[]>;
}

export class LearningLoop {
  private running: FineTuneProgress | null = null;
  /** True from a fineTune call until its job ends (covers collecting, before the job exists). */
  private busy = false;
  /** After an automatic start found nothing to learn, wait for this many corrections before trying again. */
  private autoRetryAt = 0;
  private closed = false;
  /** Per-image stats tallies, filled on the first getVersionStats; images saved since are recounted. */
  private tallies: Map<ImageId, VersionTally[]> | null = null;
  private readonly changedImages = new Set<ImageId>();

  /** The names of models, by id, from the bundled versions (an id with none is shown as itself). */
  private architectureLabels(ids: readonly string[]): string[] {
    return ids.map((id) => this.options.bundled.find((model) => model.architecture === id)?.architectureLabel ?? id);
  }

  private constructor(
    private readonly options: LearningLoopOptions,
    private readonly versions: ModelVersions,
    private readonly file: LearningFile,
    private state: LearningFileState,
  ) {}

  static async open(options: LearningLoopOptions): Promise<{ loop: LearningLoop; warnings: ApiError[] }> {
    const store = new VersionStore(join(options.sidecarDir, 'models'));
    const file = new LearningFile(options.sidecarDir);
    const [{ versions, warnings }, learning] = await Promise.all([
      ModelVersions.open({ store, bundled: options.bundled, provider: options.provider, events: options.events, defaultId: options.defaultModelId }),
      file.read(),
    ]);
    if (learning.warning) warnings.push(learning.warning);
    const loop = new LearningLoop(options, versions, file, learning.state);
    options.events.on('onDidChangeAnnotations', ({ imageId }) => loop.changedImages.add(imageId));
    return { loop, warnings };
  }

  listModelVersions(): { versions: ModelVersion[]; activeId: string | null } {
    return this.versions.list();
  }

  activateModelVersion(fields: Fields): Promise<ModelStatus> {
    return this.versions.activate(requiredString(fields, 'id', 'id', 200));
  }

  getLearningState(): LearningState {
    return {
      settings: { ...this.state.settings },
      correctionsSinceFineTune: this.state.correctionsSinceFineTune,
      running: this.running && structuredClone(this.running),
      activeVersionId: this.versions.activeId,
      fineTunable: this.options.learner ? [...(this.options.learner.architectures ?? this.options.bundled.map((model) => model.architecture))] : [],
    };
  }

  async saveLearningSettings(fields: Fields): Promise<LearningSettings> {
    const autoFineTune = optionalBoolean(fields, 'autoFineTune', 'autoFineTune');
    const every = optionalInteger(fields, 'correctionsPerFineTune', 'correctionsPerFineTune', 1, MAX_CORRECTIONS_PER_FINETUNE);
    const settings: LearningSettings = {
      autoFineTune: autoFineTune ?? this.state.settings.autoFineTune,
      correctionsPerFineTune: every ?? this.state.settings.correctionsPerFineTune,
    };
    const next = { ...this.state, settings };
    try {
      await this.file.save(next);
    } catch (error) {
      throw new ApiError('IO_ERROR', `Could not save the learning settings: ${(error as Error).message}`, {});
    }
    this.state = next;
    return { ...settings };
  }

  async getVersionStats(): Promise<VersionStats[]> {
    if (this.tallies === null) {
      this.changedImages.clear();
      const tallies = new Map<ImageId, VersionTally[]>();
      for (const image of await this.options.readSaved()) tallies.set(image.annotations.imageId, tallyImage(image.annotations));
      this.tallies = tallies;
    } else if (this.changedImages.size > 0) {
      const changed = [...this.changedImages];
      this.changedImages.clear();
      for (const imageId of changed) this.tallies.delete(imageId);
      for (const image of await this.options.readSaved(changed)) this.tallies.set(image.annotations.imageId, tallyImage(image.annotations));
    }
    return combineTallies(this.tallies.values(), this.versions.list().versions.map((version) => version.id));
  }

  /** Validates and starts a fine-tune of the active version; the job id comes back at once. */
  async fineTune(fields: Fields): Promise<{ jobId: string }> {
    const steps = optionalInteger(fields, 'steps', 'steps', 1, MAX_FINETUNE_STEPS);
    // DeepMask trains its mask and score heads on alternate batches, so steps come in pairs.
    return this.start(steps === undefined ? undefined : steps + (steps % 2));
  }

  /** Called after every successful save of an image, with what was saved before (never throws). */
  noteSaved(previous: ImageAnnotations | null, next: ImageAnnotations): void {
    if (this.closed) return;
    const corrections = countCorrections(previous, next);
    if (corrections === 0) return;
    this.state = { ...this.state, correctionsSinceFineTune: this.state.correctionsSinceFineTune + corrections };
    this.persistCount();
    const { autoFineTune, correctionsPerFineTune } = this.state.settings;
    const count = this.state.correctionsSinceFineTune;
    if (!autoFineTune || !this.options.learner || this.busy || count < correctionsPerFineTune || count < this.autoRetryAt) return;
    this.busy = true; // claimed now, so a second save in the same tick does not start another
    setImmediate(() => {
      this.busy = false;
      if (this.closed) return;
      this.start(undefined).then(
        ({ jobId }) => console.warn(`maskpilot: ${count} corrections since the last fine-tune; fine-tuning in the background (job ${jobId})`),
        (error: unknown) => {
          this.autoRetryAt = count + correctionsPerFineTune;
          if (!(error instanceof ApiError && error.code === 'CONFLICT')) console.warn(`maskpilot: automatic fine-tune not started: ${(error as Error).message}`);
        },
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.file.idle();
  }

  private async start(steps: number | undefined): Promise<{ jobId: string }> {
    const learner = this.options.learner;
    if (!learner) throw new ApiError('MODEL_UNAVAILABLE', 'Fine-tuning is not available in this session (no learner).', {});
    if (this.busy) throw new ApiError('CONFLICT', 'A fine-tune is already running; wait for it or cancel it first.', { jobId: this.running?.jobId ?? null });
    this.busy = true;
    try {
      const activeId = this.versions.activeId;
      const base = activeId === null ? undefined : this.versions.find(activeId);
      if (activeId === null || !base) {
        throw new ApiError('MODEL_UNAVAILABLE', `The active model${activeId ? ` '${activeId}'` : ''} is not one of this project's versions; activate one first.`, {});
      }
      if (learner.architectures && !learner.architectures.includes(base.architecture)) {
        throw new ApiError(
          'INVALID_ARGUMENT',
          `${base.label} cannot be fine-tuned here (only ${this.architectureLabels(learner.architectures).join(', ')} versions can); activate one of those and fine-tune it.`,
          { reason: 'ARCHITECTURE', architecture: base.architecture },
        );
      }
      const set = splitTrainingSet(await this.options.readSaved());
      if (set.trainingPositives === 0) {
        const heldOut = set.heldOut.length > 0 ? ` (${set.heldOut.length} images are held out for evaluation)` : '';
        throw new ApiError('INVALID_ARGUMENT', `Nothing to learn from yet: accept, edit or draw at least one instance and save the image first${heldOut}.`, {
          reason: 'NO_CORRECTIONS',
        });
      }
      if (!set.training.some((image) => image.complete || image.annotations.instances.some((instance) => instance.status === 'rejected'))) {
        throw new ApiError(
          'INVALID_ARGUMENT',
          'Nothing to learn "no object" from yet: reject some wrong proposals, or mark an image as done so its background can be used.',
          { reason: 'NO_NEGATIVES' },
        );
      }
      const candidateId = await this.versions.claimFineTuneId();
      const plan = {
        base: { id: base.id, dir: this.versions.dirOf(base.id), architecture: base.architecture, architectureLabel: base.architectureLabel },
        candidateId,
        candidateDir: this.versions.fineTuneDir(candidateId),
        set,
        steps,
        cacheDir: join(this.options.sidecarDir, 'cache', 'features'),
      };
      this.state = { ...this.state, correctionsSinceFineTune: 0 };
      this.autoRetryAt = 0;
      this.persistCount();
      const jobId = this.options.jobs.start('finetune', steps ?? 0, async (job) => {
        try {
          return await runFineTune(plan, job, {
            learner,
            versions: this.versions,
            events: this.options.events,
            removeCandidate: (id) => this.versions.removeFineTuneFolder(id),
            onState: (progress) => {
              this.running = progress;
            },
          });
        } finally {
          await this.versions.releaseFineTuneId(candidateId).catch(() => undefined);
          this.running = null;
          this.busy = false;
        }
      });
      return { jobId };
    } catch (error) {
      this.busy = false;
      throw error;
    }
  }

  private persistCount(): void {
    this.file.save(this.state).catch((error: unknown) => console.warn(`maskpilot: learning.json not saved: ${(error as Error).message}`));
  }
}
