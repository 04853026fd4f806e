// The model half of the API: status, propose, segmentAt and the proposeAll job, delegated to a
// ModelProvider. Without a provider the status says backend 'none' and the rest refuses with
// MODEL_UNAVAILABLE. Whatever a provider returns is validated like client input before it leaves.
import { ApiError } from '../../../shared/api/errors';
import type { ImageId, Instance, ModelStatus, ProposeAllOutcome, ProposeAllSkipReason } from '../../../shared/api/types';
import type { ModelProvider, ProviderImage } from '../model-provider';
import type { AnnotationStore } from './annotations';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import { validateInstance, validateInstances } from './instance-validation';
import type { Jobs } from './jobs';
import type { Fields } from './validate';
import type { CategorySuggestions } from './learning/category-suggestions';
import { parseSegmentPrompt } from './segment-prompt';
import { invalid, optionalInteger, requiredString } from './validate';

const DEFAULT_MAX_PROPOSALS = 100;
const MAX_PROPOSALS_LIMIT = 1000;

const NO_MODEL_STATUS: ModelStatus = {
  backend: 'none',
  backendNotes: ['No proposal model is loaded in this session.'],
  modelVersion: null,
  lastLatencyMs: null,
  ready: false,
};

export class ModelMethods {
  constructor(
    private readonly model: ModelProvider | undefined,
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly jobs: Jobs,
    /** Attaches suggested categories to what the model returns (absent: no suggestions). */
    private readonly suggestions?: Pick<CategorySuggestions, 'suggest'>,
  ) {}

  status(): ModelStatus {
    return this.model ? this.model.status() : { ...NO_MODEL_STATUS, backendNotes: [...NO_MODEL_STATUS.backendNotes] };
  }

  async propose(fields: Fields): Promise<{ instances: Instance[]; latencyMs: number }> {
    const imageId = requiredString(fields, 'imageId', 'imageId');
    const maxProposals = optionalInteger(fields, 'maxProposals', 'maxProposals', 1, MAX_PROPOSALS_LIMIT) ?? DEFAULT_MAX_PROPOSALS;
    const model = this.requireModel();
    return this.proposeOne(model, imageId, maxProposals);
  }

  async segmentAt(fields: Fields): Promise<{ instance: Instance | null; latencyMs: number }> {
    const imageId = requiredString(fields, 'imageId', 'imageId');
    const model = this.requireModel();
    const image = await this.providerImage(imageId);
    const prompt = parseSegmentPrompt(fields, image.width, image.height);
    const started = performance.now();
    const instance = await model.segmentAt(image, prompt);
    const checked = instance === null ? null : checkedOutput(() => validateInstance(instance, 'instance', sizeContext(image)));
    const suggested = checked && this.suggestions ? (await this.suggestions.suggest(image, [checked]))[0] : checked;
    return { instance: suggested, latencyMs: performance.now() - started };
  }

  /**
   * Proposes every usable image that has nothing saved and no decision yet; saves the proposals.
   * The job's last event says what happened to every image (JobProgress.proposeAll): proposed,
   * failed, skipped and why, not reached (cancelled).
   */
  proposeAll(fields: Fields): { jobId: string } {
    const maxProposals = optionalInteger(fields, 'maxProposals', 'maxProposals', 1, MAX_PROPOSALS_LIMIT) ?? DEFAULT_MAX_PROPOSALS;
    const model = this.requireModel();
    const ids = this.index.all().map((entry) => entry.id);
    const jobId = this.jobs.start('propose', ids.length, async (job) => {
      const outcome: ProposeAllOutcome = {
        proposed: 0,
        failed: 0,
        skipped: { decided: 0, proposed: 0, opened: 0, unreadable: 0, damaged: 0, changed: 0 },
        notReached: 0,
      };
      let done = 0;
      const failures: string[] = [];
      for (const imageId of ids) {
        if (job.cancelled) break;
        try {
          const skipped = await this.proposeIfUndecided(model, imageId, maxProposals);
          if (skipped === null) outcome.proposed += 1;
          else outcome.skipped[skipped] += 1;
        } catch (error) {
          outcome.failed += 1;
          failures.push(`${imageId}: ${error instanceof Error ? error.message : String(error)}`);
        }
        done += 1;
        job.progress(done, ids.length);
      }
      outcome.notReached = ids.length - done;
      const failed = failures.length > 0 ? `; ${failures.length} failed (first: ${failures[0]})` : '';
      return { done, message: `${outcome.proposed} images proposed${failed}`, proposeAll: outcome };
    });
    return { jobId };
  }

  /** Proposes one image if nobody has worked on it (null), else says why it was left alone. */
  private async proposeIfUndecided(model: ModelProvider, imageId: ImageId, maxProposals: number): Promise<ProposeAllSkipReason | null> {
    const record = await this.records.get(imageId);
    if (record.problem) return 'unreadable';
    const saved = await this.annotations.get(imageId).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'CORRUPT_FILE') return null; // reported already; leave it
      throw error;
    });
    if (!saved) return 'damaged';
    const undecided = saved.instances.filter((instance) => instance.status === 'proposed').length;
    if (saved.status === 'done' || saved.instances.length > undecided) return 'decided';
    if (undecided > 0) return 'proposed';
    if (saved.status !== 'unvisited') return 'opened';
    const { instances } = await this.proposeOne(model, imageId, maxProposals);
    try {
      // baseRevision: if the user saved this image meanwhile, their work wins.
      await this.annotations.save({ imageId, instances, baseRevision: saved.revision });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') return 'changed';
      throw error;
    }
    return null;
  }

  private async proposeOne(model: ModelProvider, imageId: ImageId, maxProposals: number): Promise<{ instances: Instance[]; latencyMs: number }> {
    const image = await this.providerImage(imageId);
    const started = performance.now();
    const instances = await model.propose(image, { maxProposals });
    const checked = checkedOutput(() => validateInstances(instances, 'instances', sizeContext(image))).slice(0, maxProposals);
    const suggested = this.suggestions ? await this.suggestions.suggest(image, checked) : checked;
    return { instances: suggested, latencyMs: performance.now() - started };
  }

  private requireModel(): ModelProvider {
    if (!this.model) throw new ApiError('MODEL_UNAVAILABLE', 'No proposal model is loaded in this session.', {});
    return this.model;
  }

  private async providerImage(imageId: ImageId): Promise<ProviderImage> {
    const size = await this.records.sizeOf(imageId);
    return { path: await this.records.resolveFile(imageId), ...size };
  }
}

function sizeContext(image: ProviderImage) {
  return { width: image.width, height: image.height, categoryIds: null };
}

/** A provider's malformed output is a bug in the provider, not the caller's fault. */
function checkedOutput<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new ApiError('INTERNAL', `The model returned a malformed result: ${(error as Error).message}`, {});
  }
}
