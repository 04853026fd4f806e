// Proposals to evaluate: a COCO results list ([{image_id, segmentation, score, category_id?}], what
// cocoeval's loadRes takes) or a full COCO dataset whose annotations carry scores. Both are checked
// against the ground truth's images up front; category ids are ignored (evaluation is class-agnostic).
import type { Rle } from '../geometry';
import type { CocoDataset } from './schema';
import { parseCocoDataset } from './validate';
import { parseSegmentation } from './validate-segmentation';
import { asObject, invalid, readFiniteNumber, readInteger, type RecordRef } from './validate-values';
import { segmentationToRle } from './segmentation';

export interface Proposal {
  imageId: number;
  /** The proposal's mask, at its image's size. */
  rle: Rle;
  /** Finite; only the order matters. */
  score: number;
}

/** Proposals in file order (ties in score are broken by it, as in cocoeval). */
export function parseCocoProposals(json: unknown, groundTruth: CocoDataset): Proposal[] {
  const images = new Map(groundTruth.images.map((image) => [image.id, image]));
  if (Array.isArray(json)) return json.map((value, index) => parseResult(value, { path: `results[${index}]` }, images));

  const dataset = parseCocoDataset(json);
  const ownImages = new Map(dataset.images.map((image) => [image.id, image]));
  return dataset.annotations.map((annotation, index) => {
    const record: RecordRef = { path: `annotations[${index}]`, id: annotation.id };
    if (annotation.score === undefined) invalid(record, "missing key 'score' (every proposal needs a score)", 'score');
    const own = ownImages.get(annotation.image_id)!;
    const target = images.get(annotation.image_id);
    if (target === undefined) invalid(record, `image_id ${annotation.image_id} is not in the ground truth's images`, 'image_id');
    if (target.width !== own.width || target.height !== own.height) {
      invalid(
        record,
        `image ${annotation.image_id} is ${own.width}x${own.height} here but ${target.width}x${target.height} in the ground truth`,
        'image_id',
      );
    }
    return { imageId: annotation.image_id, rle: segmentationToRle(annotation.segmentation, own.height, own.width), score: annotation.score };
  });
}

function parseResult(value: unknown, record: RecordRef, images: Map<number, { width: number; height: number }>): Proposal {
  const object = asObject(value, record);
  if (typeof object.id === 'number' && Number.isSafeInteger(object.id)) record.id = object.id;
  const imageId = readInteger(object, 'image_id', record, 0);
  const image = images.get(imageId);
  if (image === undefined) invalid(record, `image_id ${imageId} is not in the ground truth's images`, 'image_id');
  if (!('segmentation' in object)) invalid(record, "missing key 'segmentation' (only segmentation results can be evaluated)", 'segmentation');
  const parsed = parseSegmentation(object.segmentation, image, record);
  const score = readFiniteNumber(object, 'score', record);
  return { imageId, rle: parsed.rle ?? segmentationToRle(parsed.segmentation, image.height, image.width), score };
}
