// The prompt maps the prompt-mask head reads, on the ROI's 56 x 56 grid (network.ts):
//   channel 0  box: 1 where a cell's centre lies inside the prompt box (0 everywhere without a box)
//   channel 1  positive clicks: 1 within CLICK_RADIUS_CELLS of a positive click
//   channel 2  negative clicks: the same for negative clicks
//   channel 3  the previous mask as a probability (0 without one)
//   channel 4  exp(-d^2 / 2 s^2) of the distance d to the nearest positive click, s = NEAR_SIGMA_CELLS
//   channel 5  the same for negative clicks
// Radii are in grid cells, so a click looks the same to the head at every ROI size.
import { PROMPT_BOX, PROMPT_CHANNELS, PROMPT_MASK_SIZE, PROMPT_NEGATIVE, PROMPT_NEGATIVE_NEAR, PROMPT_POSITIVE, PROMPT_POSITIVE_NEAR, PROMPT_PREVIOUS } from './network';
import type { Roi } from './roi';

/** A click in view pixels; positive adds the object under it, negative removes what is under it. */
export interface ViewClick {
  x: number;
  y: number;
  positive: boolean;
}

export const CLICK_RADIUS_CELLS = 2.5;
export const NEAR_SIGMA_CELLS = 8;

export interface PromptInput {
  /** A box in view pixels. */
  box?: { x1: number; y1: number; x2: number; y2: number };
  clicks: readonly ViewClick[];
  /** The previous mask's probabilities on this ROI's grid (56 x 56, row-major). */
  previous?: Float32Array;
}

/** Writes one ROI's prompt maps ([56, 56, 4], row-major, channels last) into `out` at `offset`. */
export function writePromptMaps(roi: Roi, prompt: PromptInput, out: Float32Array, offset = 0): void {
  const size = PROMPT_MASK_SIZE;
  const cellWidth = roi.width / size;
  const cellHeight = roi.height / size;
  if (prompt.previous && prompt.previous.length !== size * size) throw new Error(`previous mask must be ${size}x${size}, got ${prompt.previous.length} values`);
  const clicks = prompt.clicks.map((click) => ({ column: (click.x - roi.x) / cellWidth - 0.5, row: (click.y - roi.y) / cellHeight - 0.5, positive: click.positive }));
  const radiusSquared = CLICK_RADIUS_CELLS * CLICK_RADIUS_CELLS;
  const twoSigmaSquared = 2 * NEAR_SIGMA_CELLS * NEAR_SIGMA_CELLS;
  for (let row = 0; row < size; row++) {
    const y = roi.y + (row + 0.5) * cellHeight;
    for (let column = 0; column < size; column++) {
      const x = roi.x + (column + 0.5) * cellWidth;
      const at = offset + (row * size + column) * PROMPT_CHANNELS;
      const box = prompt.box;
      out[at + PROMPT_BOX] = box && x >= box.x1 && x <= box.x2 && y >= box.y1 && y <= box.y2 ? 1 : 0;
      let positive = 0;
      let negative = 0;
      let nearestPositive = Infinity;
      let nearestNegative = Infinity;
      for (const click of clicks) {
        const dx = column - click.column;
        const dy = row - click.row;
        const squared = dx * dx + dy * dy;
        if (click.positive) nearestPositive = Math.min(nearestPositive, squared);
        else nearestNegative = Math.min(nearestNegative, squared);
        if (squared > radiusSquared) continue;
        if (click.positive) positive = 1;
        else negative = 1;
      }
      out[at + PROMPT_POSITIVE] = positive;
      out[at + PROMPT_NEGATIVE] = negative;
      out[at + PROMPT_POSITIVE_NEAR] = Math.exp(-nearestPositive / twoSigmaSquared);
      out[at + PROMPT_NEGATIVE_NEAR] = Math.exp(-nearestNegative / twoSigmaSquared);
      out[at + PROMPT_PREVIOUS] = prompt.previous ? prompt.previous[row * size + column] : 0;
    }
  }
}

/** Prompt maps of several ROIs, [B, 56, 56, 4] flattened. */
export function promptMaps(entries: ReadonlyArray<{ roi: Roi; prompt: PromptInput }>): Float32Array {
  const stride = PROMPT_MASK_SIZE * PROMPT_MASK_SIZE * PROMPT_CHANNELS;
  const out = new Float32Array(entries.length * stride);
  entries.forEach(({ roi, prompt }, index) => writePromptMaps(roi, prompt, out, index * stride));
  return out;
}
