// Fine-tunes the detector-guided model on an annotator's corrections (issue #19): base folder +
// LearningImages -> a new guided folder:
//   prompt-mask head  trained further from the base with the same examples as its first training
//                     (promptmask/training): the user's accepted and edited objects as box prompts
//                     (the detector's own boxes and jittered ones) and as click sessions simulated on
//                     the user's final masks (RITM's iterative clicks: the click model learns the
//                     user's objects), and, for objects the user segmented interactively, their own
//                     session: its clicks (and box) with the final mask as the target (one example per
//                     session, drawn like any other); rejected proposals (and, on images marked done,
//                     detector boxes on nothing) teach a low IoU.
//   DeepMask windows  fine-tuned on the same corrections by finetune/finetune.ts (its own triplets),
//                     into <output>/deepmask; the new head names it as its deepmaskDir.
// The detector views are cached on disk in request.cacheDir (per file path, size and mtime).
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { isAcceptedOrEdited } from '../../../shared/api/instance-status';
import type { LossPoint } from '../../../shared/api/types';
import { decodeRle, fromCocoRle, rleArea, rleBbox } from '../../../shared/geometry';
import type { FineTuneReport, FineTuneRequest, LearnerProgress, LearningImage } from '../../services/learner';
import { selectBackend, type BackendName } from '../backend';
import { loadCenternetGraph } from '../centernet-graph';
import { registerGradients } from '../gradients';
import { loadHeadsFiles, readHeadsManifest, saveHeadsFiles } from '../heads-io';
import { promptMaskParameterNames, promptMaskShapes, resolvePromptMaskConfig } from '../promptmask/network';
import { PromptMaskTrainer } from '../promptmask/training/trainer';
import { loadViews, type TrainingImage, type TrainingObject } from '../promptmask/training/training-data';
import type { Trunk } from '../trunk';
import { FINETUNE_DISK_CACHE_BYTES, fineTuneDeepMask } from '../finetune/finetune';
import { pruneFeatureFiles } from '../training/features';
import { GUIDED_ARCHITECTURE } from './model';

export const GUIDED_FINETUNE_LEARNING_RATE = 3e-4;
export const GUIDED_FINETUNE_BATCH = 32;
/** Each corrected object is drawn about this many times (in its several prompt kinds) by a default fine-tune. */
const DRAWS_PER_OBJECT = 16;

/** Default prompt-mask steps: DRAWS_PER_OBJECT draws per object, at least 20, at most 120 (about 100 s here). */
export function defaultGuidedSteps(objects: number): number {
  return Math.min(120, Math.max(20, Math.ceil((DRAWS_PER_OBJECT * objects) / GUIDED_FINETUNE_BATCH)));
}

export interface GuidedFineTuneOptions {
  trunk?: Trunk | (() => Promise<Trunk>);
  backend?: BackendName;
  onProgress?: (progress: LearnerProgress) => void;
  signal?: AbortSignal;
  /** Also fine-tune the DeepMask windows (default true); false copies the base's. */
  deepmask?: boolean;
  /** Upper bound of DeepMask's steps (its default grows with the data). */
  maxDeepMaskSteps?: number;
}

/** The LearningImages as prompt-mask training images: decided objects with masks, rejected boxes, crowds. */
export async function trainingImagesFromCorrections(images: readonly LearningImage[]): Promise<TrainingImage[]> {
  const result: TrainingImage[] = [];
  for (const image of images) {
    const objects: TrainingObject[] = [];
    const crowdBoxes: Array<[number, number, number, number]> = [];
    const rejectedBoxes: Array<[number, number, number, number]> = [];
    for (const instance of image.annotations.instances) {
      const rle = fromCocoRle(instance.rle);
      if (rle.width !== image.width || rle.height !== image.height) throw new ApiError('INVALID_ARGUMENT', `${image.path}: instance ${instance.id} has a ${rle.width}x${rle.height} mask, the image is ${image.width}x${image.height}`);
      if (rleArea(rle) === 0) continue;
      const bbox = rleBbox(rle) as [number, number, number, number];
      if (instance.isCrowd) crowdBoxes.push(bbox);
      else if (instance.status === 'rejected') rejectedBoxes.push(bbox);
      else if (isAcceptedOrEdited(instance)) {
        const full = decodeRle(rle);
        const [x0, y0, width, height] = bbox;
        const data = new Uint8Array(width * height);
        for (let y = 0; y < height; y++) data.set(full.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width), y * width);
        objects.push({ bbox, mask: { x0, y0, width, height, data }, area: rleArea(rle), categoryId: instance.categoryId ?? 0, ...(instance.prompt ? { session: instance.prompt } : {}) });
      }
    }
    if (objects.length === 0 && rejectedBoxes.length === 0) continue;
    const info = await stat(image.path).catch(() => null);
    if (!info) throw new ApiError('NOT_FOUND', `cannot read image ${image.path}`);
    const cacheKey = `${basename(image.path).replace(/[^\w.-]/g, '_').slice(0, 60)}-${createHash('sha1').update(`${image.path}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 12)}`;
    result.push({ set: 'project', id: result.length, path: image.path, width: image.width, height: image.height, objects, crowdBoxes, complete: image.complete, rejectedBoxes, cacheKey });
  }
  return result;
}

export async function fineTuneGuided(request: FineTuneRequest, options: GuidedFineTuneOptions = {}): Promise<FineTuneReport> {
  const started = performance.now();
  let manifest: Awaited<ReturnType<typeof readHeadsManifest>>;
  try {
    manifest = await readHeadsManifest(request.baseModelDir);
  } catch (error) {
    throw new ApiError('MODEL_UNAVAILABLE', `cannot fine-tune from ${request.baseModelDir}: ${(error as Error).message}`);
  }
  if (manifest.meta?.architecture !== GUIDED_ARCHITECTURE) throw new ApiError('INVALID_ARGUMENT', `${request.baseModelDir} does not hold a detector-guided model`);
  const baseDeepMaskDir = typeof manifest.meta.deepmaskDir === 'string' ? resolve(request.baseModelDir, manifest.meta.deepmaskDir) : null;
  if (!baseDeepMaskDir) throw new ApiError('MODEL_UNAVAILABLE', `${request.baseModelDir}/heads.json names no deepmaskDir`);
  const images = await trainingImagesFromCorrections(request.images);
  const objects = images.reduce((sum, image) => sum + image.objects.length, 0);
  if (objects === 0) throw new ApiError('INVALID_ARGUMENT', 'nothing to learn from: no accepted or edited instances in the given images (accept or draw some objects first)');
  const steps = request.steps ?? defaultGuidedSteps(objects);
  if (!Number.isInteger(steps) || steps < 1) throw new ApiError('INVALID_ARGUMENT', `fine-tune: steps must be a positive integer, got ${steps}`);

  await selectBackend(options.backend);
  await registerGradients();
  let graph: Awaited<ReturnType<typeof loadCenternetGraph>> | null = await loadCenternetGraph({ dynamicInput: false });
  const { config, tensors } = await loadHeadsFiles(request.baseModelDir, resolvePromptMaskConfig, promptMaskShapes, promptMaskParameterNames);
  let trainer: PromptMaskTrainer | null = null;
  const temporary = join(dirname(request.outputDir), `.${basename(request.outputDir)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const views = await loadViews(graph, images, join(request.cacheDir ?? join(dirname(request.outputDir), '.views'), 'guided-views'), {
      cropViews: 0,
      seed: request.seed ?? 1,
      onProgress: (done, total) => options.onProgress?.({ phase: 'features', done, total }),
    });
    graph.dispose();
    graph = null;
    trainer = new PromptMaskTrainer(config, images, views, { batchSize: GUIDED_FINETUNE_BATCH, viewsPerBatch: Math.min(8, views.length), learningRate: GUIDED_FINETUNE_LEARNING_RATE, seed: request.seed ?? 1 }, tensors);
    const loss: LossPoint[] = [];
    const trainingStarted = performance.now();
    let cancelled = false;
    for (let step = 1; step <= steps; step++) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      const report = trainer.step();
      loss.push({ step, maskLoss: report.maskLoss, scoreLoss: report.iouLoss });
      const elapsed = (performance.now() - trainingStarted) / 1000;
      options.onProgress?.({ phase: 'training', step, totalSteps: steps, loss: loss[loss.length - 1], samplesPerSecond: (step * GUIDED_FINETUNE_BATCH) / elapsed, etaSeconds: (elapsed / step) * (steps - step) });
      await new Promise((resolveTick) => setImmediate(resolveTick));
    }
    const report: FineTuneReport = { steps: loss.length, seconds: 0, positives: objects, negatives: images.reduce((sum, image) => sum + image.rejectedBoxes.length, 0), triplets: loss.length * GUIDED_FINETUNE_BATCH, loss, cancelled };
    if (cancelled) return { ...report, seconds: (performance.now() - started) / 1000 };
    await mkdir(temporary, { recursive: true });
    const deepmaskOutput = join(temporary, 'deepmask');
    if (options.deepmask ?? true) {
      const deepmaskReport = await fineTuneDeepMask(
        { ...request, baseModelDir: baseDeepMaskDir, outputDir: deepmaskOutput, modelVersion: `${request.modelVersion}-windows`, steps: Math.min(options.maxDeepMaskSteps ?? 80, request.steps ?? Infinity) },
        { trunk: options.trunk, backend: options.backend, signal: options.signal },
      ).catch((error: Error) => {
        // Too few negatives or objects for DeepMask's sampler: keep the base's windows.
        if (error instanceof ApiError && error.code === 'INVALID_ARGUMENT') return null;
        throw error;
      });
      if (!deepmaskReport || deepmaskReport.cancelled) await copyModel(baseDeepMaskDir, deepmaskOutput);
    } else await copyModel(baseDeepMaskDir, deepmaskOutput);
    // The detector views cached for this fine-tune count against the same bound as DeepMask's maps
    // (DeepMask's own fine-tune prunes too, but is skipped or refused on some corrections).
    if (request.cacheDir) await pruneFeatureFiles(request.cacheDir, FINETUNE_DISK_CACHE_BYTES);
    const meta = {
      ...manifest.meta,
      modelVersion: request.modelVersion,
      parentVersion: String(manifest.meta.modelVersion ?? 'unknown'),
      deepmaskDir: 'deepmask',
      fineTuned: { steps: loss.length, learningRate: GUIDED_FINETUNE_LEARNING_RATE, batchSize: GUIDED_FINETUNE_BATCH, objects, images: images.length },
      createdAt: new Date().toISOString(),
    };
    await saveHeadsFiles(temporary, config, meta, trainer.allParameters());
    await writeFile(join(temporary, 'MODEL_CARD.md'), fineTuneCard(request, meta, loss, (performance.now() - started) / 1000));
    await rmdir(request.outputDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') throw new ApiError('CONFLICT', `fine-tune output ${request.outputDir} already holds files; choose a new folder`);
      throw error;
    });
    await rename(temporary, request.outputDir);
    return { ...report, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    trainer?.dispose();
    for (const tensor of tensors.values()) if (!tensor.isDisposed) tensor.dispose();
    graph?.dispose();
  }
}

async function copyModel(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const file of ['heads.json', 'heads.bin']) await copyFile(join(from, file), join(to, file));
  const card = await readFile(join(from, 'MODEL_CARD.md'), 'utf8').catch(() => null);
  if (card !== null) await writeFile(join(to, 'MODEL_CARD.md'), card);
}

function fineTuneCard(request: FineTuneRequest, meta: Record<string, unknown>, loss: readonly LossPoint[], seconds: number): string {
  const fineTuned = meta.fineTuned as { steps: number; objects: number; images: number };
  const last = loss.slice(-10);
  const mean = (pick: (point: LossPoint) => number): number => last.reduce((sum, point) => sum + pick(point), 0) / Math.max(1, last.length);
  return [
    `# Detector-guided model, fine-tuned: ${request.modelVersion}`,
    '',
    `Fine-tuned from ${String(meta.parentVersion)} (${request.baseModelDir}) on this project's corrections: ${fineTuned.objects} accepted or edited objects in ${fineTuned.images} images.`,
    `- Prompt-mask head: ${fineTuned.steps} steps of ${GUIDED_FINETUNE_BATCH} examples (box prompts, simulated click sessions, rejected proposals), Adam ${GUIDED_FINETUNE_LEARNING_RATE}; final mask loss ${mean((point) => point.maskLoss).toFixed(4)}, IoU loss ${mean((point) => point.scoreLoss).toFixed(4)}.`,
    '- DeepMask windows: fine-tuned on the same corrections (deepmask/MODEL_CARD.md), or the parent\'s where they gave too little to learn from.',
    `- ${seconds.toFixed(1)} s in all. Created ${String(meta.createdAt)}.`,
    '',
  ].join('\n');
}
