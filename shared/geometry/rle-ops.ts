// Area, bounding box, merge and IoU on RLEs, reproducing maskApi.c (rleArea, rleToBbox, rleMerge,
// rleIou, bbIou) bit for bit, so evaluation numbers match pycocotools. All work on runs directly:
// cost is proportional to the number of runs, never to the number of pixels.
import { ApiError } from '../api/errors';
import { assertValidRle, type Rle } from './rle';

/** COCO box [x, y, width, height] in pixels; x, y is the top-left corner of the top-left pixel covered. */
export type Bbox = [number, number, number, number];

/** Number of foreground pixels. */
export function rleArea(rle: Rle): number {
  const counts = rle.counts;
  let area = 0;
  for (let k = 1; k < counts.length; k += 2) area += counts[k];
  return area;
}

/**
 * Tight box around the foreground, exactly as maskApi.c rleToBbox: a foreground run that wraps from
 * one column into the next makes the box span the full image height (COCO's quirk, kept on purpose
 * so boxes and box IoUs match pycocotools). Empty masks give [0, 0, 0, 0].
 */
export function rleBbox(rle: Rle): Bbox {
  const { height, width } = rle;
  // maskApi.c assumes no empty runs after the first (a zero-length first foreground run makes its
  // uint arithmetic wrap); encoder and merge output never has them, COCO input may.
  const counts = withoutEmptyRuns(rle.counts);
  const runs = counts.length - (counts.length % 2); // a trailing background run cannot extend the box
  if (runs === 0 || height === 0 || width === 0) return [0, 0, 0, 0];
  let xStart = width;
  let yStart = height;
  let xEnd = 0;
  let yEnd = 0;
  let xRunStart = 0;
  let cumulative = 0;
  for (let j = 0; j < runs; j++) {
    cumulative += counts[j];
    // First pixel of a foreground run (j even) or last pixel of it (j odd); uint32 arithmetic as in C.
    const t = (cumulative - (j % 2)) >>> 0;
    const y = t % height;
    const x = (t - y) / height;
    if (j % 2 === 0) xRunStart = x;
    else if (xRunStart < x) {
      yStart = 0;
      yEnd = height - 1;
    }
    xStart = Math.min(xStart, x);
    xEnd = Math.max(xEnd, x);
    yStart = Math.min(yStart, y);
    yEnd = Math.max(yEnd, y);
  }
  return [xStart, yStart, xEnd - xStart + 1, yEnd - yStart + 1];
}

/** The same runs with zero-length runs after the first removed (their neighbours merged). */
function withoutEmptyRuns(counts: number[]): number[] {
  let canonical = true;
  for (let k = 1; k < counts.length; k++) if (counts[k] === 0) canonical = false;
  if (canonical) return counts;
  const out = [counts[0]];
  for (let k = 1; k < counts.length; k++) {
    if (counts[k] !== 0) out.push(counts[k]);
    else if (k + 1 < counts.length) out[out.length - 1] += counts[++k];
  }
  return out;
}

/** How two masks combine pixel by pixel. */
export type MergeOperation = 'union' | 'intersection' | 'xor';

/**
 * Union (default) or intersection of same-size RLEs, as maskApi.c rleMerge (pairwise, left to right).
 * Like maskApi.c, zero-length runs in the inputs can survive into the output (still a valid RLE of
 * the right pixels); inputs without them give output without them. Throws INVALID_ARGUMENT on an empty list or differing sizes (COCO silently returns a 0x0 mask).
 */
export function rleMerge(rles: Rle[], intersect = false): Rle {
  return combineRles(rles, intersect ? 'intersection' : 'union');
}

/** Folds `operation` over the RLEs left to right; one RLE gives a copy of it. */
export function combineRles(rles: Rle[], operation: MergeOperation): Rle {
  if (!Array.isArray(rles) || rles.length === 0) {
    throw new ApiError('INVALID_ARGUMENT', 'cannot merge an empty list of RLEs: its size is unknown');
  }
  const { height, width } = rles[0];
  for (const rle of rles) {
    assertValidRle(rle);
    if (rle.height !== height || rle.width !== width) {
      throw new ApiError('INVALID_ARGUMENT', `cannot merge RLEs of different sizes: ${height}x${width} and ${rle.height}x${rle.width} (height x width)`);
    }
  }
  let counts = rles[0].counts.slice();
  if (height * width === 0) return { height, width, counts };
  const code = operation === 'union' ? 0 : operation === 'intersection' ? 1 : 2;
  for (let i = 1; i < rles.length; i++) counts = combineCounts(counts, rles[i].counts, code);
  return { height, width, counts };
}

/** The run walk of maskApi.c rleMerge; `code` 0 = union, 1 = intersection, 2 = xor. Both inputs cover the same non-empty area. */
function combineCounts(a: number[], b: number[], code: number): number[] {
  const out: number[] = [];
  let remainingA = a[0];
  let remainingB = b[0];
  let valueA = 0;
  let valueB = 0;
  let value = 0;
  let nextA = 1;
  let nextB = 1;
  let run = 0;
  let remaining = 1;
  while (remaining > 0) {
    const step = Math.min(remainingA, remainingB);
    run += step;
    remainingA -= step;
    if (remainingA === 0 && nextA < a.length) {
      remainingA = a[nextA++];
      valueA ^= 1;
    }
    remainingB -= step;
    if (remainingB === 0 && nextB < b.length) {
      remainingB = b[nextB++];
      valueB ^= 1;
    }
    remaining = remainingA + remainingB;
    const previous = value;
    value = code === 0 ? valueA | valueB : code === 1 ? valueA & valueB : valueA ^ valueB;
    if (value !== previous || remaining === 0) {
      out.push(run);
      run = 0;
    }
  }
  return out;
}

/**
 * IoU of every detection with every ground truth, as maskApi.c rleIou: result[d][g]. For a crowd
 * ground truth the denominator is the detection's area instead of the union. Pairs whose boxes do
 * not overlap are 0 without walking the runs. Throws INVALID_ARGUMENT on size mismatch (COCO gives -1).
 */
export function rleIou(dt: Rle[], gt: Rle[], gtIsCrowd: boolean[]): number[][] {
  assertCrowdFlags(gt.length, gtIsCrowd);
  const dtBoxes = dt.map(rleBbox);
  const gtBoxes = gt.map(rleBbox);
  const result = bboxIou(dtBoxes, gtBoxes, gtIsCrowd);
  for (let d = 0; d < dt.length; d++) {
    for (let g = 0; g < gt.length; g++) {
      if (!(result[d][g] > 0)) continue;
      if (dt[d].height !== gt[g].height || dt[d].width !== gt[g].width) {
        throw new ApiError('INVALID_ARGUMENT', `IoU of masks of different sizes: detection ${d} is ${dt[d].height}x${dt[d].width}, ground truth ${g} is ${gt[g].height}x${gt[g].width}`);
      }
      result[d][g] = maskIou(dt[d].counts, gt[g].counts, gtIsCrowd[g]);
    }
  }
  return result;
}

function maskIou(dtCounts: number[], gtCounts: number[], crowd: boolean): number {
  let remainingA = dtCounts[0];
  let remainingB = gtCounts[0];
  let valueA = 0;
  let valueB = 0;
  let nextA = 1;
  let nextB = 1;
  let intersection = 0;
  let union = 0;
  let remaining = 1;
  while (remaining > 0) {
    const step = Math.min(remainingA, remainingB);
    if (valueA || valueB) {
      union += step;
      if (valueA && valueB) intersection += step;
    }
    remainingA -= step;
    if (remainingA === 0 && nextA < dtCounts.length) {
      remainingA = dtCounts[nextA++];
      valueA ^= 1;
    }
    remainingB -= step;
    if (remainingB === 0 && nextB < gtCounts.length) {
      remainingB = gtCounts[nextB++];
      valueB ^= 1;
    }
    remaining = remainingA + remainingB;
  }
  if (intersection === 0) return 0;
  if (crowd) {
    let dtArea = 0;
    for (let k = 1; k < dtCounts.length; k += 2) dtArea += dtCounts[k];
    return intersection / dtArea;
  }
  return intersection / union;
}

/** Box IoU as maskApi.c bbIou: result[d][g]; for a crowd ground truth the denominator is the detection box's area. */
export function bboxIou(dt: Bbox[], gt: Bbox[], gtIsCrowd: boolean[]): number[][] {
  assertCrowdFlags(gt.length, gtIsCrowd);
  const result: number[][] = [];
  for (let d = 0; d < dt.length; d++) {
    const [dx, dy, dw, dh] = dt[d];
    const dtArea = dw * dh;
    const row = new Array<number>(gt.length).fill(0);
    for (let g = 0; g < gt.length; g++) {
      const [gx, gy, gw, gh] = gt[g];
      const overlapWidth = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (overlapWidth <= 0) continue;
      const overlapHeight = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
      if (overlapHeight <= 0) continue;
      const intersection = overlapWidth * overlapHeight;
      const union = gtIsCrowd[g] ? dtArea : dtArea + gw * gh - intersection;
      row[g] = intersection / union;
    }
    result.push(row);
  }
  return result;
}

function assertCrowdFlags(gtCount: number, gtIsCrowd: boolean[]): void {
  if (!Array.isArray(gtIsCrowd) || gtIsCrowd.length !== gtCount) {
    throw new ApiError('INVALID_ARGUMENT', `gtIsCrowd must have one flag per ground truth (${gtCount}), got ${Array.isArray(gtIsCrowd) ? gtIsCrowd.length : typeof gtIsCrowd}`);
  }
}
