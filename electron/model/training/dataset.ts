// A COCO dataset as the trainer consumes it: image files, the sampler's view of the objects (boxes,
// crowd flags) and each object's mask, decoded on demand (a 640 x 480 mask is 300 KB; decoding all
// 929 of coco128 up front would hold ~280 MB for nothing).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodeRle, type BinaryMask } from '../../../shared/geometry';
import { segmentationToRle } from '../../../shared/coco/segmentation';
import type { CocoAnnotation, CocoDataset } from '../../../shared/coco/schema';
import { parseCocoDataset } from '../../../shared/coco/validate';
import { imagesInSplit, type SplitName } from './dataset-split';
import type { SamplerImage } from '../sampler/sampler';
import type { AnnotatedImageFile } from './view-pixels';

export interface TrainingDataset {
  /** One per image, in the order of `samplerImages`. */
  files: AnnotatedImageFile[];
  samplerImages: SamplerImage[];
  /** The mask of object `objectIndex` of image `imageIndex`, original-image pixels. */
  mask(imageIndex: number, objectIndex: number): BinaryMask;
  /** Number of annotated (non-crowd) objects. */
  objectCount: number;
}

const MASK_MEMO_LIMIT = 64;

/** Builds the training view of an already validated dataset whose image files are in `imagesDir`. */
export function trainingDatasetFromCoco(dataset: CocoDataset, imagesDir: string): TrainingDataset {
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const annotation of dataset.annotations) {
    const list = byImage.get(annotation.image_id) ?? [];
    list.push(annotation);
    byImage.set(annotation.image_id, list);
  }
  const images = [...dataset.images].sort((a, b) => a.id - b.id);
  const annotations = images.map((image) => byImage.get(image.id) ?? []);
  const memo = new Map<string, BinaryMask>();
  return {
    files: images.map((image) => ({ path: resolve(imagesDir, image.file_name), width: image.width, height: image.height })),
    samplerImages: images.map((image, index) => ({
      width: image.width,
      height: image.height,
      objects: annotations[index].map((annotation) => ({ bbox: annotation.bbox, iscrowd: annotation.iscrowd === 1 })),
    })),
    objectCount: dataset.annotations.filter((annotation) => annotation.iscrowd !== 1).length,
    mask(imageIndex, objectIndex) {
      const key = `${imageIndex}/${objectIndex}`;
      const held = memo.get(key);
      if (held) return held;
      const image = images[imageIndex];
      const annotation = annotations[imageIndex][objectIndex];
      if (!annotation) throw new Error(`no object ${objectIndex} in image ${imageIndex}`);
      const mask = decodeRle(segmentationToRle(annotation.segmentation, image.height, image.width));
      if (memo.size >= MASK_MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
      memo.set(key, mask);
      return mask;
    },
  };
}

/** Reads and validates a COCO annotation file (clear error naming the file on failure). */
export async function readCocoFile(path: string): Promise<CocoDataset> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read COCO annotations ${path}: ${(error as Error).message}`);
  }
  return parseCocoDataset(json);
}

/**
 * One COCO dataset of the images of `split` (dataset-split.ts) from several sets under `datasetsDir`:
 * file names become `<set>/images/<file>`, so `datasetsDir` is the images folder. COCO's image and
 * annotation ids are unique across train2017, so the sets merge as they are.
 */
export async function splitDatasetOf(datasetsDir: string, sets: readonly string[], split: SplitName): Promise<CocoDataset> {
  const merged: CocoDataset = { images: [], annotations: [], categories: [] };
  const categoryIds = new Set<number>();
  for (const set of sets) {
    const dataset = await readCocoFile(resolve(datasetsDir, set, 'annotations.json'));
    const chosen = imagesInSplit(set, dataset.images.map((image) => image.id), split);
    merged.images.push(...dataset.images.filter((image) => chosen.has(image.id)).map((image) => ({ ...image, file_name: `${set}/images/${image.file_name}` })));
    merged.annotations.push(...dataset.annotations.filter((annotation) => chosen.has(annotation.image_id)));
    for (const category of dataset.categories) {
      if (categoryIds.has(category.id)) continue;
      categoryIds.add(category.id);
      merged.categories.push(category);
    }
  }
  return merged;
}
