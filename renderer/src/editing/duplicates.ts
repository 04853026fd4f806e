// When two masks are the same object: mask IoU at or above the model's NMS overlap. Used to keep a
// new batch of proposals from repeating decided instances, and to tell the user when a segment
// result they add covers an instance already there.
import type { Instance } from '../../../shared/api/types';
import { fromCocoRle, rleIou } from '../../../shared/geometry';

/** Mask IoU at which two instances count as the same object (the model's NMS overlap). */
export const DUPLICATE_IOU = 0.8;

/** Mask IoU of each candidate (rows) with each instance (columns); empty when either list is. */
export function maskOverlaps(candidates: readonly Instance[], instances: readonly Instance[]): number[][] {
  if (candidates.length === 0 || instances.length === 0) return [];
  return rleIou(
    candidates.map((candidate) => fromCocoRle(candidate.rle)),
    instances.map((instance) => fromCocoRle(instance.rle)),
    instances.map(() => false),
  );
}
