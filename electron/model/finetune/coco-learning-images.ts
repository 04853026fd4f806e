// A COCO dataset as LearningImages, as if an annotator had accepted every ground-truth object and
// marked every image complete (and, optionally, rejected the base model's proposals on empty
// ground): the input of the fine-tune benches and of the tests on real photos.
import { resolve } from 'node:path';
import type { Instance } from '../../../shared/api/types';
import type { CocoDataset } from '../../../shared/coco/schema';
import { segmentationToRle } from '../../../shared/coco/segmentation';
import { fromCocoRle, rleIou, toCocoRle } from '../../../shared/geometry';
import type { LearningImage } from '../../services/learner';

export function learningImagesFromCoco(dataset: CocoDataset, imagesDir: string, options: { complete?: boolean } = {}): LearningImage[] {
  const byImage = new Map<number, Instance[]>();
  for (const annotation of dataset.annotations) {
    const image = dataset.images.find((candidate) => candidate.id === annotation.image_id);
    if (!image) continue;
    const list = byImage.get(image.id) ?? [];
    list.push({
      id: `coco-${annotation.id}`,
      polygons: [],
      rle: toCocoRle(segmentationToRle(annotation.segmentation, image.height, image.width)),
      score: null,
      status: 'accepted',
      source: 'manual',
      categoryId: annotation.category_id,
      modelVersion: null,
      ...(annotation.iscrowd === 1 ? { isCrowd: true } : {}),
    });
    byImage.set(image.id, list);
  }
  return [...dataset.images]
    .sort((a, b) => a.id - b.id)
    .map((image) => ({
      path: resolve(imagesDir, image.file_name),
      width: image.width,
      height: image.height,
      complete: options.complete ?? true,
      annotations: { imageId: image.file_name, width: image.width, height: image.height, status: 'done', instances: byImage.get(image.id) ?? [], revision: 1 },
    }));
}

/** Proposes on each image (with `model`, e.g. the base DeepMask) and adds, as 'rejected', the proposals overlapping no ground-truth object (mask IoU < maxIou): what an annotator would reject. */
export async function addRejectedProposals(
  images: LearningImage[],
  model: { propose(image: { path: string; width: number; height: number }, options: { maxProposals: number; withPolygons?: boolean }): Promise<Instance[]> },
  options: { maxProposals?: number; maxIou?: number } = {},
): Promise<number> {
  let added = 0;
  for (const image of images) {
    const truth = image.annotations.instances.map((instance) => fromCocoRle(instance.rle));
    const proposals = await model.propose({ path: image.path, width: image.width, height: image.height }, { maxProposals: options.maxProposals ?? 20, withPolygons: false });
    for (const proposal of proposals) {
      const rle = fromCocoRle(proposal.rle);
      const best = truth.length === 0 ? 0 : Math.max(...rleIou([rle], truth, truth.map(() => false))[0]);
      if (best >= (options.maxIou ?? 0.3)) continue;
      image.annotations.instances.push({ ...proposal, id: `rejected-${added}`, status: 'rejected' });
      added++;
    }
  }
  return added;
}
