// Wiring shared by the training entry points (the CLI's `train`, scripts/train-default.ts): a COCO
// file + image folder + trunk become the sampler, the feature cache and the mask lookup the trainer
// takes.
import { basename, join } from 'node:path';
import { WindowSampler } from '../sampler/sampler';
import { TRUNK_FEATURE_NODE, type Trunk } from '../trunk';
import type { CocoDataset } from '../../../shared/coco/schema';
import { readCocoFile, trainingDatasetFromCoco, type TrainingDataset } from './dataset';
import { FeatureCache } from './features';
import type { TrainingSource } from './trainer';
import { trunkFeatureComputer } from './view-pixels';

interface TrainingSessionOptions {
  /** A COCO file, or the dataset itself (e.g. splitDatasetOf's). */
  cocoPath: string | CocoDataset;
  imagesDir: string;
  trunk: Trunk;
  /** Largest side of a rescaled view (pixels). Default 1024. */
  maxViewSide?: number;
  seed?: number;
  /** Folder for the on-disk feature cache (optional). */
  cacheDir?: string;
  /** In-memory bound of the feature cache, bytes. Default 1.5 GB. */
  maxCacheBytes?: number;
  /** Cache the stride-8 and stride-4 maps too (heads with a mask refiner). Default false. */
  fine?: boolean;
}

interface TrainingSession {
  dataset: TrainingDataset;
  source: TrainingSource;
  /** Number of views whose features the run computes (each once). */
  views: number;
}

export async function openTrainingSession(options: TrainingSessionOptions): Promise<TrainingSession> {
  const maxViewSide = options.maxViewSide ?? 1024;
  const dataset = trainingDatasetFromCoco(typeof options.cocoPath === 'string' ? await readCocoFile(options.cocoPath) : options.cocoPath, options.imagesDir);
  const sampler = new WindowSampler(dataset.samplerImages, { maxViewSide, flip: true, seed: options.seed ?? 1 });
  const views = dataset.samplerImages.reduce((sum, _, index) => sum + sampler.views(index).length, 0);
  // File names key the disk cache; if two images share a base name (different sub-folders) the index
  // is prepended so they cannot collide.
  const names = dataset.files.map((file) => basename(file.path));
  const unique = new Set(names).size === names.length;
  const fine = options.fine ?? false;
  const features = new FeatureCache(trunkFeatureComputer(options.trunk, dataset.files, { fine }), {
    maxBytes: options.maxCacheBytes ?? 1.5e9,
    diskDir: options.cacheDir ? join(options.cacheDir, `${TRUNK_FEATURE_NODE.replace(/\W+/g, '_')}-${maxViewSide}${fine ? '-fine' : ''}`) : undefined,
    imageKey: (index) => (unique ? names[index] : `${index}-${names[index]}`),
    fine,
  });
  return { dataset, views, source: { sampler, features, mask: (imageIndex, objectIndex) => dataset.mask(imageIndex, objectIndex) } };
}
