// From a window's 56 x 56 mask logits to a binary mask over the whole image: the fixed bilinear
// upsampling of DeepMask (here done per image pixel, straight into image coordinates, so no
// intermediate 224 x 224 tensor exists) followed by a threshold. Plain JS: runs after every tensor
// has been read back, so nothing here can leak tfjs memory.
import type { BinaryMask, Rle } from '../../shared/geometry';
import type { Rect } from './pyramid';
import { clamp } from '../../shared/geometry/clamp';

/**
 * A binary mask that is background everywhere outside the rectangle [x, x + width) x [y, y + height)
 * of an imageWidth x imageHeight image; `data` holds the rectangle COLUMN-major (pixel (x + i, y + j)
 * at i * height + j), 0 or 1, the order COCO RLE runs in. Proposal masks are window-sized, so this
 * keeps pasting, RLE encoding and contour tracing proportional to the window, not the image.
 */
export interface RectMask {
  imageWidth: number;
  imageHeight: number;
  x: number;
  y: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Pastes a mask of `size` x `size` logits (row-major, row = y) covering `rect` (image pixels) into the
 * image: pixel (x, y) is foreground when the bilinearly interpolated logit at its centre is above
 * `logitThreshold`. Sampling uses half-pixel centres (as tf.image.resizeBilinear with
 * halfPixelCenters): logit cell j covers rect.x + [j, j + 1) * rect.width / size. Pixels whose centre
 * lies outside the rect are background. Bilinear interpolation is separable: every logit column is
 * first interpolated to the output rows, then each output column blends two of those.
 */
export function pasteMask(logits: Float32Array, size: number, rect: Rect, imageWidth: number, imageHeight: number, logitThreshold: number): RectMask {
  const { x, y, columns, rows, byColumn, left, right, weightRight } = resample(logits, size, rect, imageWidth, imageHeight, 'pasteMask');
  const data = new Uint8Array(columns * rows);
  for (let i = 0; i < columns; i++) {
    const leftColumn = left[i];
    const rightColumn = right[i];
    const weightRightHere = weightRight[i];
    const weightLeft = 1 - weightRightHere;
    const out = i * rows;
    for (let j = 0; j < rows; j++) {
      if (byColumn[leftColumn + j] * weightLeft + byColumn[rightColumn + j] * weightRightHere > logitThreshold) data[out + j] = 1;
    }
  }
  return { imageWidth, imageHeight, x, y, width: columns, height: rows, data };
}

/**
 * The sampling pasteMask and pasteLogits share: the rect clipped to the image, every logit column
 * interpolated at every output row (byColumn, [size][rows]), and for each output column the two
 * byColumn columns it blends (offsets) with the right one's weight.
 */
function resample(logits: Float32Array, size: number, rect: Rect, imageWidth: number, imageHeight: number, caller: string) {
  if (logits.length !== size * size) throw new Error(`${caller}: ${logits.length} logits for a ${size}x${size} mask`);
  const x = clamp(Math.round(rect.x), 0, imageWidth);
  const y = clamp(Math.round(rect.y), 0, imageHeight);
  const columns = clamp(Math.round(rect.x + rect.width), x, imageWidth) - x;
  const rows = clamp(Math.round(rect.y + rect.height), y, imageHeight) - y;
  const cellsPerPixelY = size / rect.height;
  const byColumn = new Float32Array(size * rows);
  for (let j = 0; j < rows; j++) {
    const v = clamp((y + j + 0.5 - rect.y) * cellsPerPixelY - 0.5, 0, size - 1);
    const top = Math.floor(v);
    const bottom = Math.min(top + 1, size - 1);
    const weightBottom = v - top;
    for (let c = 0; c < size; c++) byColumn[c * rows + j] = logits[top * size + c] * (1 - weightBottom) + logits[bottom * size + c] * weightBottom;
  }
  const cellsPerPixelX = size / rect.width;
  const left = new Int32Array(columns);
  const right = new Int32Array(columns);
  const weightRight = new Float64Array(columns);
  for (let i = 0; i < columns; i++) {
    const u = clamp((x + i + 0.5 - rect.x) * cellsPerPixelX - 0.5, 0, size - 1);
    left[i] = Math.floor(u) * rows;
    right[i] = Math.min(Math.floor(u) + 1, size - 1) * rows;
    weightRight[i] = u - Math.floor(u);
  }
  return { x, y, columns, rows, byColumn, left, right, weightRight };
}

/** Interpolated logits over a window's pixels within the image: RectMask's geometry, values not thresholded. */
export interface RectLogits {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Column-major: pixel (x + i, y + j) at i * height + j. */
  data: Float32Array;
}

/** pasteMask before its threshold: the same sampling, every pixel's interpolated logit kept. */
export function pasteLogits(logits: Float32Array, size: number, rect: Rect, imageWidth: number, imageHeight: number): RectLogits {
  const { x, y, columns, rows, byColumn, left, right, weightRight } = resample(logits, size, rect, imageWidth, imageHeight, 'pasteLogits');
  const data = new Float32Array(columns * rows);
  for (let i = 0; i < columns; i++) {
    const leftColumn = left[i];
    const rightColumn = right[i];
    const weightRightHere = weightRight[i];
    const out = i * rows;
    for (let j = 0; j < rows; j++) data[out + j] = byColumn[leftColumn + j] * (1 - weightRightHere) + byColumn[rightColumn + j] * weightRightHere;
  }
  return { x, y, width: columns, height: rows, data };
}

/** Colour histogram bins per channel of colourRefine (8: 512 bins, enough samples in a window). */
const COLOUR_BINS = 8;
/** Pixels the mask is confident about (probability above / below) train the colour model. */
const CONFIDENT_INSIDE = 0.7;
const CONFIDENT_OUTSIDE = 0.2;
/** Fewer confident pixels than this on either side: the colour model is not trusted, logits unchanged. */
const MIN_COLOUR_SAMPLES = 50;
/** The colour term is clamped to +-this (logit units), so one rare colour cannot decide alone. */
const MAX_COLOUR_TERM = 4;

/**
 * Fuses a window's mask with a colour model of that window (Bayes: the mask is the prior, colour the
 * likelihood): RGB histograms (8 bins per channel, add-one smoothed) of the pixels the mask is
 * confident are inside (p > 0.7) and outside (p < 0.2), then every pixel's logit gains
 * weight * log(P(colour | inside) / P(colour | outside)), clamped to +-4. The 56 x 56 mask is blurry
 * at 4 window pixels per cell; this moves its edge to where the object's colours stop. Measured on 20
 * pennfudan images (bench/mask-ceiling.ts): median best IoU per person among the top 10 .538 -> .622
 * at weight 1 (.638 at 2); AR on full sets: see DEFAULT_SETTINGS.colourWeight in deepmask.ts.
 * `rgb` is the image's row-major RGB; returns new logits (the input is not changed).
 */
export function colourRefine(map: RectLogits, rgb: Uint8Array, imageWidth: number, weight: number): RectLogits {
  const shift = 8 - Math.log2(COLOUR_BINS);
  const cells = COLOUR_BINS ** 3;
  const inside = new Float64Array(cells);
  const outside = new Float64Array(cells);
  const binOf = new Uint16Array(map.data.length);
  const insideLogit = Math.log(CONFIDENT_INSIDE / (1 - CONFIDENT_INSIDE));
  const outsideLogit = Math.log(CONFIDENT_OUTSIDE / (1 - CONFIDENT_OUTSIDE));
  let insideCount = 0;
  let outsideCount = 0;
  for (let i = 0; i < map.width; i++) {
    for (let j = 0; j < map.height; j++) {
      const p = ((map.y + j) * imageWidth + map.x + i) * 3;
      const bin = ((rgb[p] >> shift) * COLOUR_BINS + (rgb[p + 1] >> shift)) * COLOUR_BINS + (rgb[p + 2] >> shift);
      const k = i * map.height + j;
      binOf[k] = bin;
      if (map.data[k] > insideLogit) {
        inside[bin]++;
        insideCount++;
      } else if (map.data[k] < outsideLogit) {
        outside[bin]++;
        outsideCount++;
      }
    }
  }
  const data = Float32Array.from(map.data);
  if (insideCount < MIN_COLOUR_SAMPLES || outsideCount < MIN_COLOUR_SAMPLES || !(weight > 0)) return { ...map, data };
  const term = new Float32Array(cells);
  for (let b = 0; b < cells; b++) {
    const ratio = Math.log((inside[b] + 1) / (insideCount + cells)) - Math.log((outside[b] + 1) / (outsideCount + cells));
    term[b] = weight * clamp(ratio, -MAX_COLOUR_TERM, MAX_COLOUR_TERM);
  }
  for (let k = 0; k < data.length; k++) data[k] += term[binOf[k]];
  return { ...map, data };
}

/** The RectMask of the pixels whose logit is above `logitThreshold`. */
export function thresholdLogits(map: RectLogits, imageWidth: number, imageHeight: number, logitThreshold: number): RectMask {
  const data = new Uint8Array(map.data.length);
  for (let k = 0; k < data.length; k++) if (map.data[k] > logitThreshold) data[k] = 1;
  return { imageWidth, imageHeight, x: map.x, y: map.y, width: map.width, height: map.height, data };
}

/** COCO RLE (column-major, first run background) of a RectMask over its whole image. */
export function rectMaskToRle(mask: RectMask): Rle {
  const { imageWidth, imageHeight, x, y, width, height, data } = mask;
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  const push = (pixel: number, length: number): void => {
    if (length <= 0) return;
    if (pixel === value) {
      run += length;
      return;
    }
    counts.push(run);
    value = pixel;
    run = length;
  };
  push(0, x * imageHeight);
  for (let i = 0; i < width; i++) {
    push(0, y);
    // Walk the column one run at a time.
    const column = i * height;
    let j = 0;
    while (j < height) {
      const pixel = data[column + j];
      let end = j + 1;
      while (end < height && data[column + end] === pixel) end++;
      push(pixel, end - j);
      j = end;
    }
    push(0, imageHeight - y - height);
  }
  push(0, (imageWidth - x - width) * imageHeight);
  counts.push(run);
  return { height: imageHeight, width: imageWidth, counts };
}

/** The same mask on a grid `factor` times coarser (nearest: a coarse pixel takes its centre's value). */
export function pasteMaskCoarse(logits: Float32Array, size: number, rect: Rect, imageWidth: number, imageHeight: number, logitThreshold: number, factor: number): RectMask {
  const coarseRect = { x: rect.x / factor, y: rect.y / factor, width: rect.width / factor, height: rect.height / factor };
  return pasteMask(logits, size, coarseRect, Math.max(1, Math.round(imageWidth / factor)), Math.max(1, Math.round(imageHeight / factor)), logitThreshold);
}

/** The rectangle's pixels as a row-major BinaryMask of their own (for contour tracing). */
export function rectMaskCrop(mask: RectMask): BinaryMask {
  const data = new Uint8Array(mask.width * mask.height);
  for (let i = 0; i < mask.width; i++) for (let j = 0; j < mask.height; j++) data[j * mask.width + i] = mask.data[i * mask.height + j];
  return { width: mask.width, height: mask.height, data };
}

/** The RectMask as a full image-sized, row-major BinaryMask. */
export function rectMaskToFull(mask: RectMask): BinaryMask {
  const data = new Uint8Array(mask.imageWidth * mask.imageHeight);
  for (let i = 0; i < mask.width; i++) {
    for (let j = 0; j < mask.height; j++) data[(mask.y + j) * mask.imageWidth + mask.x + i] = mask.data[i * mask.height + j];
  }
  return { width: mask.imageWidth, height: mask.imageHeight, data };
}

/** Logit for a probability threshold in (0, 1). */
export function logit(probability: number): number {
  if (!(probability > 0 && probability < 1)) throw new Error(`threshold must be in (0, 1), got ${probability}`);
  return Math.log(probability / (1 - probability));
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}
