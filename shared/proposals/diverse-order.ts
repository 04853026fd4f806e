// The order in which the app shows proposals: a diverse top N (issue #16). The model's output keeps
// the seed's NMS at mask IoU 0.8 (what AR is measured on), so on an image with one large object its
// best ten are often near-copies of it. Shown proposals are instead picked greedily best first,
// skipping any that overlaps an already picked one by more than DIVERSE_IOU; the skipped ones follow,
// best first, so "show all" still shows everything.
import { rleIou, type Rle } from '../geometry';

/** Mask IoU above which a proposal counts as the same object as a better one shown before it. */
const DIVERSE_IOU = 0.5;

/** Indices of `items` in display order: diverse ones by score, then the rest by score (ties keep input order). */
export function diverseOrder(items: ReadonlyArray<{ rle: Rle; score: number }>, iouThreshold = DIVERSE_IOU): number[] {
  const byScore = items.map((_, index) => index).sort((a, b) => items[b].score - items[a].score || a - b);
  const picked: number[] = [];
  const pickedRles: Rle[] = [];
  const skipped: number[] = [];
  for (const index of byScore) {
    const rle = items[index].rle;
    if (pickedRles.length > 0 && rleIou([rle], pickedRles, pickedRles.map(() => false))[0].some((iou) => iou > iouThreshold)) {
      skipped.push(index);
      continue;
    }
    picked.push(index);
    pickedRles.push(rle);
  }
  return [...picked, ...skipped];
}
