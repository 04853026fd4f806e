// COCO run-length encoding of a binary mask, with the semantics of the COCO API (maskApi.c):
// pixels are visited column by column (x outer, y inner, i.e. index x * height + y), runs alternate
// background/foreground and the first run counts background pixels (it is 0 when pixel (0, 0) is set).
import { ApiError } from '../api/errors';
import { assertDimensions, assertValidMask, type BinaryMask } from './mask';

/**
 * Uncompressed COCO RLE.
 * Invariants: counts are non-negative integers summing to height * width; even indices are background
 * runs, odd indices foreground runs, in column-major pixel order. Only counts[0] may be 0 in encoder
 * output, but zero-length runs elsewhere (allowed by COCO) are accepted everywhere.
 */
export interface Rle {
  height: number;
  width: number;
  counts: number[];
}

/** Encodes a row-major mask as column-major COCO runs (maskApi.c rleEncode). */
export function encodeMask(mask: BinaryMask): Rle {
  assertValidMask(mask);
  const { width, height, data } = mask;
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    // Walk down column x of the row-major buffer; a run may continue into the next column.
    for (let index = x, y = 0; y < height; y++, index += width) {
      const value = data[index] !== 0 ? 1 : 0;
      if (value !== previous) {
        counts.push(run);
        run = 0;
        previous = value;
      }
      run++;
    }
  }
  counts.push(run);
  return { height, width, counts };
}

/** Decodes runs into a row-major 0/1 mask. Throws INVALID_ARGUMENT if the counts do not cover the mask exactly. */
export function decodeRle(rle: Rle): BinaryMask {
  assertValidRle(rle);
  const { height, width, counts } = rle;
  const data = new Uint8Array(width * height);
  let start = 0;
  for (let k = 0; k < counts.length; k++) {
    const length = counts[k];
    if (k % 2 === 1 && length > 0) {
      let x = Math.floor(start / height);
      let y = start - x * height;
      let index = y * width + x;
      for (let j = 0; j < length; j++) {
        data[index] = 1;
        y++;
        index += width;
        if (y === height) {
          y = 0;
          x++;
          index = x;
        }
      }
    }
    start += length;
  }
  return { width, height, data };
}

/** An all-background RLE of the given size. */
export function emptyRle(height: number, width: number): Rle {
  assertDimensions(height, width);
  return { height, width, counts: [height * width] };
}

/** Reads the uncompressed COCO form (`iscrowd` annotations): `{size: [height, width], counts: number[]}`. */
export function fromUncompressedCocoRle(value: { size: [number, number]; counts: number[] }): Rle {
  if (value === null || typeof value !== 'object' || !Array.isArray(value.size) || value.size.length !== 2 || !Array.isArray(value.counts)) {
    throw new ApiError('INVALID_ARGUMENT', 'uncompressed RLE must be {size: [height, width], counts: number[]}');
  }
  const rle: Rle = { height: value.size[0], width: value.size[1], counts: value.counts.slice() };
  assertValidRle(rle);
  return rle;
}

/** Throws INVALID_ARGUMENT unless counts are non-negative integers summing to height * width. */
export function assertValidRle(rle: Rle): void {
  if (rle === null || typeof rle !== 'object' || !Array.isArray(rle.counts)) {
    throw new ApiError('INVALID_ARGUMENT', 'RLE must be {height, width, counts: number[]}');
  }
  assertDimensions(rle.height, rle.width);
  let total = 0;
  for (let k = 0; k < rle.counts.length; k++) {
    const count = rle.counts[k];
    if (!Number.isInteger(count) || count < 0) {
      throw new ApiError('INVALID_ARGUMENT', `RLE count #${k} is ${String(count)}, expected a non-negative integer`, { index: k });
    }
    total += count;
  }
  const area = rle.height * rle.width;
  if (total !== area) {
    throw new ApiError('INVALID_ARGUMENT', `RLE counts sum to ${total}, expected height*width = ${area}`, {
      height: rle.height,
      width: rle.width,
      sum: total,
    });
  }
}
