// Interactive segmentation with the prompt-mask head on an image's 512 x 512 view:
//   - a box: the ROI is the box widened 1.4x (as for proposals), clicks refine it;
//   - clicks with the interaction's previous mask: the ROI is the previous mask's box and the
//     positive clicks, widened 1.4x (RITM's zoom-in), with that mask as the head's fourth input;
//   - a first click (no mask yet): one pass over the whole view finds the object, then a second pass
//     zooms in on it (its box widened 1.4x) with the first pass's mask as the previous mask.
// Coordinates: prompts and masks in original-image pixels; ROIs in view pixels.
import type { SegmentPrompt } from '../../../shared/api/types';
import type { BinaryMask } from '../../../shared/geometry';
import { VIEW_SIZE } from '../promptmask/detector-view';
import type { PromptMaskHead } from '../promptmask/head';
import { PROMPT_MASK_SIZE } from '../promptmask/network';
import type { ViewClick } from '../promptmask/prompts';
import { roiAroundBox, type Roi } from '../promptmask/roi';
import type { ViewMaps } from '../promptmask/detector-view';

export interface InteractiveResult {
  roi: Roi;
  logits: Float32Array;
  iou: number;
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

const WHOLE_VIEW: Roi = { x: 0, y: 0, width: VIEW_SIZE, height: VIEW_SIZE };
/** A first pass that finds nothing: the zoomed ROI is this many view pixels around the clicks. */
const FALLBACK_SIDE = 48;

/**
 * Runs the head for a prompt; `previous` is the interaction's previous mask (original-image pixels).
 * `boxes` (view pixels, best first) are the detector's: a first click also tries up to `clickBoxes`
 * of those that contain it as box prompts, and the result the head rates best (its IoU estimate) wins.
 */
export function segmentInView(
  head: PromptMaskHead,
  maps: ViewMaps,
  imageWidth: number,
  imageHeight: number,
  prompt: SegmentPrompt,
  previous: BinaryMask | null,
  boxes: readonly Box[] = [],
  clickBoxes = 0,
): InteractiveResult {
  const toViewX = VIEW_SIZE / imageWidth;
  const toViewY = VIEW_SIZE / imageHeight;
  const clicks: ViewClick[] = prompt.clicks.map((click) => ({ x: click.x * toViewX, y: click.y * toViewY, positive: click.positive }));
  const box = prompt.box ? { x1: prompt.box.x1 * toViewX, y1: prompt.box.y1 * toViewY, x2: prompt.box.x2 * toViewX, y2: prompt.box.y2 * toViewY } : undefined;
  const positives = clicks.filter((click) => click.positive);
  let roi: Roi;
  let previousGrid: Float32Array | undefined;
  if (box) {
    roi = roiAroundBox(box);
    previousGrid = previous ? sampleMask(previous, roi, toViewX, toViewY) : undefined;
  } else if (previous && maskBox(previous, toViewX, toViewY)) {
    roi = roiAroundBox(union(maskBox(previous, toViewX, toViewY) as Box, positives));
    previousGrid = sampleMask(previous, roi, toViewX, toViewY);
  } else {
    const [first] = head.predict(maps, [{ roi: WHOLE_VIEW, prompt: { clicks } }]);
    const found = gridBox(first.logits, WHOLE_VIEW);
    const around = found ? union(found, positives) : union({ x1: positives[0].x - FALLBACK_SIDE / 2, y1: positives[0].y - FALLBACK_SIDE / 2, x2: positives[0].x + FALLBACK_SIDE / 2, y2: positives[0].y + FALLBACK_SIDE / 2 }, positives);
    roi = roiAroundBox(around);
    previousGrid = resampleProbabilities(first.logits, WHOLE_VIEW, roi);
    const click = positives[0];
    const containing = boxes.filter((candidate) => candidate.x1 <= click.x && click.x <= candidate.x2 && candidate.y1 <= click.y && click.y <= candidate.y2).slice(0, clickBoxes);
    if (containing.length > 0) {
      const entries = [{ roi, prompt: { clicks, previous: previousGrid } }, ...containing.map((candidate) => ({ roi: roiAroundBox(candidate), prompt: { box: candidate, clicks } }))];
      const results = head.predict(maps, entries);
      let best = 0;
      results.forEach((result, index) => {
        if (result.iou > results[best].iou) best = index;
      });
      return { roi: entries[best].roi, logits: results[best].logits, iou: results[best].iou };
    }
  }
  const [result] = head.predict(maps, [{ roi, prompt: { box, clicks, previous: previousGrid } }]);
  return { roi, logits: result.logits, iou: result.iou };
}

/** The mask's values at the centres of the ROI's grid cells (nearest pixel), 0 or 1. */
export function sampleMask(mask: BinaryMask, roi: Roi, toViewX: number, toViewY: number): Float32Array {
  const size = PROMPT_MASK_SIZE;
  const grid = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    const y = Math.floor((roi.y + ((row + 0.5) * roi.height) / size) / toViewY);
    if (y < 0 || y >= mask.height) continue;
    for (let column = 0; column < size; column++) {
      const x = Math.floor((roi.x + ((column + 0.5) * roi.width) / size) / toViewX);
      if (x >= 0 && x < mask.width && mask.data[y * mask.width + x]) grid[row * size + column] = 1;
    }
  }
  return grid;
}

/** The box of a mask's pixels in view pixels, or null for an empty mask. */
export function maskBox(mask: BinaryMask, toViewX: number, toViewY: number): Box | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let y = 0; y < mask.height; y++) {
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (!mask.data[row + x]) continue;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
  }
  if (x2 < x1) return null;
  return { x1: x1 * toViewX, y1: y1 * toViewY, x2: (x2 + 1) * toViewX, y2: (y2 + 1) * toViewY };
}

/** The box (view pixels) of the grid cells whose logit is above 0, or null. */
export function gridBox(logits: Float32Array, roi: Roi): Box | null {
  const size = PROMPT_MASK_SIZE;
  let c1 = size;
  let r1 = size;
  let c2 = -1;
  let r2 = -1;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (logits[row * size + column] <= 0) continue;
      c1 = Math.min(c1, column);
      c2 = Math.max(c2, column);
      r1 = Math.min(r1, row);
      r2 = Math.max(r2, row);
    }
  }
  if (c2 < 0) return null;
  const cellWidth = roi.width / size;
  const cellHeight = roi.height / size;
  return { x1: roi.x + c1 * cellWidth, y1: roi.y + r1 * cellHeight, x2: roi.x + (c2 + 1) * cellWidth, y2: roi.y + (r2 + 1) * cellHeight };
}

/** Probabilities of logits on `from`'s grid, bilinearly resampled at the centres of `to`'s grid cells (0 outside `from`). */
export function resampleProbabilities(logits: Float32Array, from: Roi, to: Roi): Float32Array {
  const size = PROMPT_MASK_SIZE;
  const grid = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    const v = ((to.y + ((row + 0.5) * to.height) / size - from.y) * size) / from.height - 0.5;
    if (v < -0.5 || v > size - 0.5) continue;
    const top = Math.max(0, Math.min(size - 1, Math.floor(v)));
    const bottom = Math.min(size - 1, top + 1);
    const wy = Math.max(0, Math.min(1, v - top));
    for (let column = 0; column < size; column++) {
      const u = ((to.x + ((column + 0.5) * to.width) / size - from.x) * size) / from.width - 0.5;
      if (u < -0.5 || u > size - 0.5) continue;
      const left = Math.max(0, Math.min(size - 1, Math.floor(u)));
      const right = Math.min(size - 1, left + 1);
      const wx = Math.max(0, Math.min(1, u - left));
      const value =
        (logits[top * size + left] * (1 - wx) + logits[top * size + right] * wx) * (1 - wy) + (logits[bottom * size + left] * (1 - wx) + logits[bottom * size + right] * wx) * wy;
      grid[row * size + column] = 1 / (1 + Math.exp(-value));
    }
  }
  return grid;
}

function union(box: Box, points: readonly { x: number; y: number }[]): Box {
  let { x1, y1, x2, y2 } = box;
  for (const point of points) {
    x1 = Math.min(x1, point.x);
    y1 = Math.min(y1, point.y);
    x2 = Math.max(x2, point.x);
    y2 = Math.max(y2, point.y);
  }
  return { x1, y1, x2, y2 };
}
