// Ground truth of a COCO-annotated image folder (pennfudan) keyed by file name, in the shapes the
// learning-loop bench needs: the reference masks for IoU and AR, and the outline a person would draw
// (the product's own simplified polygon view of the mask: shared/geometry maskToPolygons with its
// default tolerance, so a drawn object costs as many clicks as the editor shows vertices).
import type { CocoDataset } from '../../shared/coco/schema';
import { segmentationToRle } from '../../shared/coco/segmentation';
import { decodeRle, maskToPolygons } from '../../shared/geometry';
import type { TruthObject } from './annotator';

export interface TruthImage {
  fileName: string;
  width: number;
  height: number;
  objects: (TruthObject & { area: number; isCrowd: boolean })[];
}

/** Every image of the dataset, in ascending image id, with its objects. */
export function truthByFileName(dataset: CocoDataset): Map<string, TruthImage> {
  const byId = new Map<number, TruthImage>();
  for (const image of [...dataset.images].sort((a, b) => a.id - b.id)) {
    byId.set(image.id, { fileName: image.file_name, width: image.width, height: image.height, objects: [] });
  }
  for (const annotation of dataset.annotations) {
    const image = byId.get(annotation.image_id);
    if (!image) throw new Error(`annotation ${annotation.id} refers to image ${annotation.image_id}, which is not in the dataset`);
    const rle = segmentationToRle(annotation.segmentation, image.height, image.width);
    image.objects.push({
      rle,
      polygons: maskToPolygons(decodeRle(rle)),
      area: annotation.area,
      isCrowd: annotation.iscrowd === 1,
      categoryId: annotation.category_id,
    });
  }
  return new Map([...byId.values()].map((image) => [image.fileName, image]));
}
