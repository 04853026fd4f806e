// An annotator's corrections as DeepMask training data: LearningImages (saved annotations with
// statuses) become the sampler's images plus a mask lookup.
//
//   positives        instances 'accepted' or 'edited' (any source: model, manual, click), masks from
//                    their rle; crowd instances are never positives but block every negative near them
//   hard negatives   'rejected' instances (their bbox), except where an annotated object is near them
//                    at canonical scale by the sampler's own rule (hard-negatives.ts): a rejected
//                    duplicate of an accepted object must not teach "no object here"
//   undecided        'proposed' instances: not learnt from, but background negatives keep away
//   background       random negative windows only on images marked complete (all objects annotated)
//
// Images with nothing to learn from (no positive, no usable hard negative, not complete) are left out,
// so their features are never computed.
import { ApiError } from '../../../shared/api/errors';
import { isAcceptedOrEdited } from '../../../shared/api/instance-status';
import type { Instance } from '../../../shared/api/types';
import { decodeRle, fromCocoRle, rleArea, rleBbox, type BinaryMask } from '../../../shared/geometry';
import type { LearningImage } from '../../services/learner';
import type { Bbox } from '../sampler/geometry';
import { hardNegativeLevels } from '../sampler/hard-negatives';
import type { SamplerImage } from '../sampler/sampler';
import type { AnnotatedImageFile } from '../training/view-pixels';

export interface CorrectionCounts {
  /** Images used (with at least one positive, hard negative, or complete). */
  images: number;
  /** Accepted/edited non-crowd instances with a non-empty mask. */
  positives: number;
  /** Rejected instances kept as hard negatives. */
  hardNegatives: number;
  /** Rejected instances dropped because an annotated object is near them at canonical scale. */
  droppedRejected: number;
  /** Images whose background may be sampled (complete). */
  completeImages: number;
}

interface CorrectionsData {
  /** One per used image, in the order of samplerImages. */
  files: AnnotatedImageFile[];
  samplerImages: SamplerImage[];
  /** Mask of object `objectIndex` of image `imageIndex` (original pixels). */
  mask(imageIndex: number, objectIndex: number): BinaryMask;
  counts: CorrectionCounts;
}

const MASK_MEMO_LIMIT = 64;

/** Largest view side the fine-tune samples at; the hard-negative test must use the same bound. */
export const FINETUNE_MAX_VIEW_SIDE = 1024;

export function trainingDataFromCorrections(images: readonly LearningImage[], maxViewSide = FINETUNE_MAX_VIEW_SIDE): CorrectionsData {
  const files: AnnotatedImageFile[] = [];
  const samplerImages: SamplerImage[] = [];
  const objectInstances: Instance[][] = [];
  const counts: CorrectionCounts = { images: 0, positives: 0, hardNegatives: 0, droppedRejected: 0, completeImages: 0 };

  for (const image of images) {
    const { width, height } = image;
    const frame = (instance: Instance): void => {
      const [rleHeight, rleWidth] = instance.rle.size;
      if (rleWidth !== width || rleHeight !== height) {
        throw new ApiError('INVALID_ARGUMENT', `${image.path}: instance ${instance.id} has a ${rleWidth}x${rleHeight} mask, the image is ${width}x${height}`);
      }
    };
    const objects: SamplerImage['objects'][number][] = [];
    const instances: Instance[] = [];
    const rejected: Bbox[] = [];
    const undecided: Bbox[] = [];
    for (const instance of image.annotations.instances) {
      frame(instance);
      const rle = fromCocoRle(instance.rle);
      if (rleArea(rle) === 0) continue;
      const bbox = rleBbox(rle);
      const decided = isAcceptedOrEdited(instance);
      if (instance.isCrowd === true) {
        // Crowd regions block negatives whatever their status (a rejected crowd is still a crowd).
        objects.push({ bbox, iscrowd: true });
        instances.push(instance);
      } else if (decided) {
        objects.push({ bbox, iscrowd: false });
        instances.push(instance);
      } else if (instance.status === 'rejected') rejected.push(bbox);
      else undecided.push(bbox);
    }
    const blockers = objects.map((object) => object.bbox);
    const hardNegatives = rejected.filter((box) => hardNegativeLevels(box, blockers, width, height, maxViewSide).length > 0);
    const positives = objects.filter((object) => !object.iscrowd).length;
    counts.droppedRejected += rejected.length - hardNegatives.length;
    if (positives === 0 && hardNegatives.length === 0 && !image.complete) continue;
    files.push({ path: image.path, width, height });
    samplerImages.push({ width, height, objects, hardNegatives, undecided, backgroundNegatives: image.complete });
    objectInstances.push(instances);
    counts.images++;
    counts.positives += positives;
    counts.hardNegatives += hardNegatives.length;
    if (image.complete) counts.completeImages++;
  }

  const memo = new Map<string, BinaryMask>();
  return {
    files,
    samplerImages,
    counts,
    mask(imageIndex, objectIndex) {
      const key = `${imageIndex}/${objectIndex}`;
      const held = memo.get(key);
      if (held) return held;
      const instance = objectInstances[imageIndex]?.[objectIndex];
      if (!instance) throw new Error(`no object ${objectIndex} in image ${imageIndex}`);
      const mask = decodeRle(fromCocoRle(instance.rle));
      if (memo.size >= MASK_MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
      memo.set(key, mask);
      return mask;
    },
  };
}
