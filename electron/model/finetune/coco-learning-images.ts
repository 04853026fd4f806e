// A COCO dataset as LearningImages, as if an annotator had accepted every ground-truth object and
// marked every image complete: the input of the fine-tune bench and of the tests on real photos.
import { resolve } from 'node:path';
import type { Instance } from '../../../shared/api/types';
import type { CocoDataset } from '../../../shared/coco/schema';
import { segmentationToRle } from '../../../shared/coco/segmentation';
import { toCocoRle } from '../../../shared/geometry';
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
