// Fine-tunes DeepMask's heads on an annotator's corrections: base weights + LearningImages -> new
// weights in outputDir (heads.json with the new modelVersion, heads.bin, MODEL_CARD.md).
//
//   data       corrections.ts (accepted/edited positives, rejected hard negatives, background
//              negatives on complete images)
//   features   the frozen trunk on every view the sampler can draw (background windows come from the
//              views the objects need, not from an extra full-size view: nativeView false), cached in memory and, with
//              request.cacheDir, on disk, keyed by file path + size + mtime: a second fine-tune of the
//              same project reuses them, and an image changed on disk is recomputed
//   training   trainHeads (training/trainer.ts) from the base weights, at FINETUNE_LEARNING_RATE
//   output     written to a temporary folder beside outputDir, then renamed into place: a reader
//              never sees half a model. A cancelled run writes nothing.
//
// Only DeepMask weights can be fine-tuned here: InstanceFCN has its own trainer and sampler, and the
// learning loop works on DeepMask versions (an InstanceFCN base is refused with a clear error).
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { LossPoint } from '../../../shared/api/types';
import type { FineTuneReport, FineTuneRequest, LearnerProgress } from '../../services/learner';
import { selectBackend, type BackendName } from '../backend';
import { loadHeads, withRefiner, type DeepMaskHeads } from '../heads';
import { readHeadsManifest } from '../heads-io';
import { INSTANCEFCN_ARCHITECTURE } from '../instancefcn/heads';
import { WindowSampler, type SamplerRefusal } from '../sampler/sampler';
import type { LossRecord } from '../training/checkpoint';
import { FeatureCache, pruneFeatureFiles } from '../training/features';
import { trainHeads } from '../training/trainer';
import { trunkFeatureComputer } from '../training/view-pixels';
import { loadTrunk, TRUNK_FEATURE_NODE, type Trunk } from '../trunk';
import { FINETUNE_MAX_VIEW_SIDE, trainingDataFromCorrections, type CorrectionCounts } from './corrections';
import { writeFineTuneCard } from './model-card';

/**
 * Adam step size of fine-tuning (the base was trained at 1e-3). Measured by bench/finetune-lr.ts
 * (30 corrected pennfudan images, 400 steps, 30 held out): AR@100 .316 base; .362 at 1e-4, .378 at
 * 3e-4, .356 at 1e-3 (that sweep still drew background from the full-size views; without them, as
 * now, 3e-4 gives .390).
 */
export const FINETUNE_LEARNING_RATE = 3e-4;
const FINETUNE_BATCH_SIZE = 32;
/**
 * Mirror jitter while fine-tuning. It doubles the views whose features are computed (bench/finetune-speed:
 * 512 triplets from 20 images, 39 s without vs 61 s with, measured with native views), but held-out
 * AR@100 is .390 with it and .356 without (bench/results/finetune-lr-3e-4*.json), so it stays on.
 */
const FINETUNE_FLIP = true;
/**
 * Width of the mask refiner a fine-tune adds to heads that have none (mask-refiner.ts): on unseen
 * pennfudan people it lifted window IoU by .06-.08 in every pairing measured
 * (bench/refine-head-prototype.ts, docs/learning-loop.md). It starts as the identity, so the first
 * fine-tune's version predicts what its parent did until the refiner has learned something.
 */
const FINETUNE_REFINE_HIDDEN = 16;
/**
 * Upper bound of a project's on-disk feature cache. With the refiner's stride-8 and stride-4 maps a
 * view takes about 7x the bytes of its stride-16 map alone: about 8 MB per pennfudan image, so 2 GB
 * keep the features of some 250 recently used images; older ones are recomputed when needed.
 */
export const FINETUNE_DISK_CACHE_BYTES = 2e9;

/**
 * Default step count from the data size: 2 steps per training example (positive object or usable
 * hard negative), at least 40 (a handful of corrections still moves the weights), at most 400
 * (about 5 minutes on a 2-core CPU), always even so both branches get as many updates. With batch
 * 32 a positive is then drawn about 32 times by the mask branch, with jitter (scales x offsets x
 * mirror give it some 20-40 distinct windows); more steps only repeat the same windows.
 */
export function defaultFineTuneSteps(examples: number): number {
  const steps = Math.min(400, Math.max(40, 2 * examples));
  return steps + (steps % 2);
}

interface FineTuneOptions {
  /** A trunk to reuse, or how to get one once the data is known to be usable (the caller keeps ownership); loaded and disposed here otherwise. */
  trunk?: Trunk | (() => Promise<Trunk>);
  backend?: BackendName;
  onProgress?: (progress: LearnerProgress) => void;
  signal?: AbortSignal;
  learningRate?: number;
  /** In-memory bound of the feature cache, bytes. Default 1 GB. */
  maxCacheBytes?: number;
  /** Mirror jitter (doubles the views whose features are computed). Default FINETUNE_FLIP. */
  flip?: boolean;
  /** Add a mask refiner to base heads without one. Default true. */
  refine?: boolean;
  /** Bound of the on-disk feature cache (request.cacheDir), pruned after each fine-tune. Default FINETUNE_DISK_CACHE_BYTES. */
  maxDiskCacheBytes?: number;
}

export async function fineTuneDeepMask(request: FineTuneRequest, options: FineTuneOptions = {}): Promise<FineTuneReport> {
  const started = performance.now();
  const learningRate = options.learningRate ?? FINETUNE_LEARNING_RATE;
  const manifest = await readBaseManifest(request.baseModelDir);
  if (manifest.meta?.architecture === INSTANCEFCN_ARCHITECTURE) {
    throw new ApiError('INVALID_ARGUMENT', `fine-tuning needs a DeepMask version; ${request.baseModelDir} holds InstanceFCN weights (activate a DeepMask version and fine-tune that)`);
  }
  if (!request.modelVersion || typeof request.modelVersion !== 'string') throw new ApiError('INVALID_ARGUMENT', 'fine-tune: modelVersion must be a non-empty string');
  const data = trainingDataFromCorrections(request.images, FINETUNE_MAX_VIEW_SIDE);
  if (data.counts.positives === 0) {
    throw new ApiError('INVALID_ARGUMENT', 'nothing to learn from: no accepted or edited instances in the given images (accept or draw some objects first)');
  }
  let sampler: WindowSampler;
  try {
    sampler = new WindowSampler(data.samplerImages, { maxViewSide: FINETUNE_MAX_VIEW_SIDE, flip: options.flip ?? FINETUNE_FLIP, seed: request.seed ?? 1, nativeView: false });
  } catch (error) {
    // The sampler's refusals, coded; they cross the learner worker as {code, message, details}.
    const reason = error instanceof ApiError ? (error.details?.reason as SamplerRefusal | undefined) : undefined;
    if (reason === 'NO_NEGATIVES') {
      throw new ApiError('INVALID_ARGUMENT', 'nothing to learn "no object" from: reject some wrong proposals, or mark an image as complete so its background can be used', { reason });
    }
    if (reason === 'NO_POSITIVES') {
      throw new ApiError('INVALID_ARGUMENT', `none of the ${data.counts.positives} accepted objects fits the model's scale range (too small or too large to train on)`, { reason });
    }
    throw error;
  }
  const steps = request.steps ?? defaultFineTuneSteps(sampler.positiveObjectCount + sampler.hardNegativeCount);
  if (!Number.isInteger(steps) || steps < 1) throw new ApiError('INVALID_ARGUMENT', `fine-tune: steps must be a positive integer, got ${steps}`);

  await selectBackend(options.backend);
  const trunk = typeof options.trunk === 'function' ? await options.trunk() : (options.trunk ?? (await loadTrunk()));
  let heads: DeepMaskHeads | null = null;
  try {
    heads = await loadHeads(request.baseModelDir);
    const refinerAdded = (options.refine ?? true) && heads.config.refineHidden === 0;
    if (refinerAdded) {
      const plain = heads;
      heads = withRefiner(plain, FINETUNE_REFINE_HIDDEN, trunk.fineChannels.stride8, trunk.fineChannels.stride4, request.seed ?? 1);
      plain.dispose();
    }
    const fine = heads.config.refineHidden > 0;
    const keys = await Promise.all(data.files.map((file) => imageCacheKey(file.path)));
    const features = new FeatureCache(trunkFeatureComputer(trunk, data.files, { fine }), {
      maxBytes: options.maxCacheBytes ?? 1e9,
      diskDir: request.cacheDir ? join(request.cacheDir, `${TRUNK_FEATURE_NODE.replace(/\W+/g, '_')}-${FINETUNE_MAX_VIEW_SIDE}`) : undefined,
      imageKey: (index) => keys[index],
      fine,
    });
    const result = await trainHeads(
      heads,
      { sampler, features, mask: (imageIndex, objectIndex) => data.mask(imageIndex, objectIndex) },
      {
        steps,
        batchSize: FINETUNE_BATCH_SIZE,
        learningRate,
        signal: options.signal,
        progressEvery: steps <= 40 ? 2 : 10,
        onProgress: (event) => {
          if (event.phase === 'features') options.onProgress?.(event);
          else if (event.phase === 'training') {
            options.onProgress?.({
              phase: 'training',
              step: event.step,
              totalSteps: event.totalSteps,
              loss: { step: event.step, maskLoss: event.maskLoss, scoreLoss: event.scoreLoss },
              samplesPerSecond: event.samplesPerSecond,
              etaSeconds: event.etaSeconds,
            });
          }
        },
      },
    );
    const loss = lossPoints(result.history);
    const report: FineTuneReport = {
      steps: result.steps,
      seconds: 0,
      positives: sampler.positiveObjectCount,
      negatives: sampler.hardNegativeCount,
      triplets: result.steps * FINETUNE_BATCH_SIZE,
      loss,
      cancelled: result.cancelled,
    };
    if (!result.cancelled) {
      const parentVersion = String(manifest.meta?.modelVersion ?? manifest.meta?.version ?? 'unknown');
      await writeAtomicModel(request.outputDir, async (dir) => {
        await (heads as DeepMaskHeads).save(dir, {
          modelVersion: request.modelVersion,
          parentVersion,
          fineTuned: { steps: result.steps, learningRate, batchSize: FINETUNE_BATCH_SIZE, ...data.counts, usedPositives: sampler.positiveObjectCount, usedHardNegatives: sampler.hardNegativeCount },
          trunkNode: TRUNK_FEATURE_NODE,
          createdAt: new Date().toISOString(),
        });
        await writeFineTuneCard(dir, {
          modelVersion: request.modelVersion,
          parentVersion,
          parentDir: request.baseModelDir,
          counts: data.counts,
          usedPositives: sampler.positiveObjectCount,
          usedHardNegatives: sampler.hardNegativeCount,
          steps: result.steps,
          learningRate,
          trainingSeconds: result.trainingSeconds,
          totalSeconds: (performance.now() - started) / 1000,
          loss,
          refineHidden: (heads as DeepMaskHeads).config.refineHidden,
          refinerAdded,
        });
      });
    }
    if (request.cacheDir) await pruneFeatureFiles(request.cacheDir, options.maxDiskCacheBytes ?? FINETUNE_DISK_CACHE_BYTES);
    report.seconds = (performance.now() - started) / 1000;
    return report;
  } finally {
    heads?.dispose();
    if (!options.trunk) trunk.dispose();
  }
}

async function readBaseManifest(dir: string): Promise<Awaited<ReturnType<typeof readHeadsManifest>>> {
  try {
    return await readHeadsManifest(dir);
  } catch (error) {
    throw new ApiError('MODEL_UNAVAILABLE', `cannot fine-tune from ${dir}: ${(error as Error).message}`);
  }
}

/** Disk-cache name of an image: its base name plus a hash of path, size and mtime (stale files never match). */
async function imageCacheKey(path: string): Promise<string> {
  let facts: string;
  try {
    const info = await stat(path);
    facts = `${path}\0${info.size}\0${info.mtimeMs}`;
  } catch (error) {
    throw new ApiError('NOT_FOUND', `cannot read image ${path}: ${(error as Error).message}`);
  }
  return `${basename(path).slice(0, 60)}-${createHash('sha1').update(facts).digest('hex').slice(0, 12)}`;
}

/** Loss per pair of steps (one mask, one score update), averaged down to at most 200 points. */
export function lossPoints(history: readonly LossRecord[], maxPoints = 200): LossPoint[] {
  const pairs: LossPoint[] = [];
  for (let i = 0; i + 1 < history.length; i += 2) {
    const mask = history[i].branch === 'mask' ? history[i] : history[i + 1];
    const score = history[i].branch === 'score' ? history[i] : history[i + 1];
    pairs.push({ step: history[i + 1].step, maskLoss: mask.loss, scoreLoss: score.loss });
  }
  const group = Math.max(1, Math.ceil(pairs.length / maxPoints));
  const points: LossPoint[] = [];
  for (let i = 0; i < pairs.length; i += group) {
    const slice = pairs.slice(i, i + group);
    points.push({
      step: slice[slice.length - 1].step,
      maskLoss: slice.reduce((sum, point) => sum + point.maskLoss, 0) / slice.length,
      scoreLoss: slice.reduce((sum, point) => sum + point.scoreLoss, 0) / slice.length,
    });
  }
  return points;
}

/** Writes a model folder through `write(temporaryDir)`, then renames it to `outputDir` (refusing a non-empty one). */
async function writeAtomicModel(outputDir: string, write: (dir: string) => Promise<void>): Promise<void> {
  const temporary = join(dirname(outputDir), `.${basename(outputDir)}.${process.pid}.${Date.now()}.tmp`);
  await mkdir(dirname(outputDir), { recursive: true });
  try {
    await write(temporary);
    await rmdir(outputDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') throw new ApiError('CONFLICT', `fine-tune output ${outputDir} already holds files; choose a new folder`);
      throw error;
    });
    await rename(temporary, outputDir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

export type { CorrectionCounts };
