// The mask target of a positive window: the chosen object's mask only (other objects are
// background), cut to the window and downsampled to 56 x 56 (h_o x w_o), values in {-1, +1}.
// Each target pixel covers 4 x 4 window pixels; it is +1 when at least half of 16 sample points
// spread over that block fall inside the object, which avoids the aliasing of sampling one point
// when the view shrinks the image (one target pixel can then span tens of original pixels).
import { WINDOW_GEOMETRY, type ImageView, type WindowPosition } from './geometry';

/** A binary mask in original-image pixels, row-major, non-zero = inside (shared/geometry's BinaryMask). */
export interface MaskPixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

const SUBSAMPLES = 4;

/**
 * Target for `position` in `view` from `mask` (the object's mask at the original image size).
 * Returns Float32Array(56 * 56), row-major, +1 inside the object and -1 elsewhere (also outside
 * the image).
 */
export function maskTarget(mask: MaskPixels, view: ImageView, position: WindowPosition): Float32Array {
  const g = WINDOW_GEOMETRY;
  const size = g.maskSize;
  const pixelsPerTarget = g.windowPixels / size;
  const left = position.cellX * g.stride;
  const top = position.cellY * g.stride;
  // Original-image coordinate of each sub-sample column and row, precomputed once per window.
  const columns = new Int32Array(size * SUBSAMPLES);
  const rows = new Int32Array(size * SUBSAMPLES);
  for (let k = 0; k < size * SUBSAMPLES; k++) {
    const offset = (k + 0.5) * (pixelsPerTarget / SUBSAMPLES);
    const viewX = left + offset;
    const unflippedX = view.flipped ? view.width - viewX : viewX;
    const x = Math.floor(unflippedX / view.scaleX);
    const y = Math.floor((top + offset) / view.scaleY);
    columns[k] = x >= 0 && x < mask.width ? x : -1;
    rows[k] = y >= 0 && y < mask.height ? y : -1;
  }
  const target = new Float32Array(size * size);
  const threshold = (SUBSAMPLES * SUBSAMPLES) / 2;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let inside = 0;
      for (let a = 0; a < SUBSAMPLES; a++) {
        const y = rows[i * SUBSAMPLES + a];
        if (y < 0) continue;
        const rowStart = y * mask.width;
        for (let b = 0; b < SUBSAMPLES; b++) {
          const x = columns[j * SUBSAMPLES + b];
          if (x >= 0 && mask.data[rowStart + x] !== 0) inside++;
        }
      }
      target[i * size + j] = inside >= threshold ? 1 : -1;
    }
  }
  return target;
}
