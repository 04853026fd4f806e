// Greedy non-maximum suppression on mask IoU (COCO RLE), as DeepMask/InstanceFCN do on proposals:
// walk candidates best first, keep one unless it overlaps an already kept one by more than the
// threshold. IoU comes from shared/geometry's rleIou (maskApi.c semantics).
import { rleIou, type Rle } from '../../shared/geometry';

interface NmsCandidate {
  rle: Rle;
  score: number;
}

/**
 * Indices of the kept candidates, best score first (ties keep input order), at most `limit`.
 * A candidate is dropped when its IoU with a kept one is > iouThreshold. Empty masks are dropped.
 */
export function maskNms(candidates: readonly NmsCandidate[], iouThreshold: number, limit: number): number[] {
  const order = candidates.map((_, index) => index).sort((a, b) => candidates[b].score - candidates[a].score || a - b);
  const kept: number[] = [];
  const keptRles: Rle[] = [];
  for (const index of order) {
    if (kept.length >= limit) break;
    const rle = candidates[index].rle;
    if (isEmpty(rle)) continue;
    if (keptRles.length > 0) {
      const overlaps = rleIou([rle], keptRles, keptRles.map(() => false))[0];
      if (overlaps.some((iou) => iou > iouThreshold)) continue;
    }
    kept.push(index);
    keptRles.push(rle);
  }
  return kept;
}

function isEmpty(rle: Rle): boolean {
  for (let i = 1; i < rle.counts.length; i += 2) if (rle.counts[i] > 0) return false;
  return true;
}
