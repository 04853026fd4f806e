// A binary mask in the layout images and canvases use: row-major, one byte per pixel.
// COCO RLE (rle.ts) is column-major; conversion happens only in encodeMask/decodeRle.
import { ApiError } from '../api/errors';

/**
 * A binary mask of `width` x `height` pixels.
 * Invariants: width and height are non-negative integers; `data` is row-major (pixel (x, y) at
 * index y * width + x) with length width * height; values are 0 (background) or 1 (foreground).
 * Readers in this module treat any non-zero byte as foreground, so a 0/255 mask also works.
 */
export interface BinaryMask {
  width: number;
  height: number;
  /** row-major, one byte per pixel, 0 or 1, length width*height */
  data: Uint8Array;
}

/** An all-background mask. */
export function createMask(width: number, height: number): BinaryMask {
  assertDimensions(height, width);
  return { width, height, data: new Uint8Array(width * height) };
}

/** Throws INVALID_ARGUMENT unless the mask's dimensions and buffer agree. */
export function assertValidMask(mask: BinaryMask): void {
  assertDimensions(mask.height, mask.width);
  if (!(mask.data instanceof Uint8Array)) {
    throw new ApiError('INVALID_ARGUMENT', 'mask.data must be a Uint8Array');
  }
  if (mask.data.length !== mask.width * mask.height) {
    throw new ApiError('INVALID_ARGUMENT', `mask.data has ${mask.data.length} bytes, expected width*height = ${mask.width * mask.height}`, {
      width: mask.width,
      height: mask.height,
      length: mask.data.length,
    });
  }
}

/** Height and width must be non-negative integers whose product stays below 2^31 (COCO counts are uint32). */
export function assertDimensions(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) {
    throw new ApiError('INVALID_ARGUMENT', `mask size must be non-negative integers, got height=${height} width=${width}`, { height, width });
  }
  if (height * width >= 2 ** 31) {
    throw new ApiError('INVALID_ARGUMENT', `mask of ${width}x${height} pixels is too large (limit 2^31 pixels)`, { height, width });
  }
}

/** A 32-bit view over the whole of `bytes` when it is 4-byte aligned (trailing bytes left out), else null. */
export function wordView(bytes: Uint8Array): Uint32Array | null {
  return bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : null;
}

/**
 * Writes to `out` the x of every pixel whose foreground state differs between row `a` (starting at
 * index aStart) and row `b` (at bStart), in increasing x; returns how many. With word views of both
 * buffers (wordView) and 4-aligned row starts it compares four pixels at a time, since most of a
 * mask's rows agree almost everywhere; this is what keeps row-major <-> column-major conversion and
 * contour scanning fast at 4000x3000.
 */
export function rowChanges(
  a: Uint8Array,
  aWords: Uint32Array | null,
  aStart: number,
  b: Uint8Array,
  bWords: Uint32Array | null,
  bStart: number,
  width: number,
  out: Int32Array,
): number {
  let count = 0;
  let x = 0;
  if (aWords !== null && bWords !== null && aStart % 4 === 0 && bStart % 4 === 0) {
    const words = width >> 2;
    const wordA = aStart >> 2;
    const wordB = bStart >> 2;
    for (let i = 0; i < words; i++) {
      if (aWords[wordA + i] === bWords[wordB + i]) continue;
      for (let k = i * 4, end = k + 4; k < end; k++) {
        if ((a[aStart + k] !== 0) !== (b[bStart + k] !== 0)) out[count++] = k;
      }
    }
    x = words * 4;
  }
  for (; x < width; x++) {
    if ((a[aStart + x] !== 0) !== (b[bStart + x] !== 0)) out[count++] = x;
  }
  return count;
}
