// COCO run-length encoding of a binary mask, with the semantics of the COCO API (maskApi.c):
// pixels are visited column by column (x outer, y inner, i.e. index x * height + y), runs alternate
// background/foreground and the first run counts background pixels (it is 0 when pixel (0, 0) is set).
import { ApiError } from '../api/errors';
import { assertDimensions, assertValidMask, rowChanges, wordView, type BinaryMask } from './mask';

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

/**
 * Encodes a row-major mask as column-major COCO runs (same output as maskApi.c rleEncode).
 * Works row by row to stay cache-friendly: it collects the pixels that differ from the pixel above
 * (and, at the top of each column, from the bottom of the previous column), sorts those run starts
 * into column-major order by counting sort, and takes differences.
 */
export function encodeMask(mask: BinaryMask): Rle {
  assertValidMask(mask);
  const { width, height, data } = mask;
  const area = width * height;
  if (area === 0) return { height, width, counts: [0] };

  let starts = new Uint32Array(1024); // row-major index y * width + x of every run start
  let startCount = 0;
  const perColumn = new Int32Array(width + 1);
  const push = (x: number, y: number) => {
    if (startCount === starts.length) {
      const grown = new Uint32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[startCount++] = y * width + x;
    perColumn[x + 1]++;
  };
  // Row 0 first so that, within a column, starts stay in increasing y.
  for (let x = 0; x < width; x++) {
    const above = x === 0 ? false : data[(height - 1) * width + x - 1] !== 0;
    if ((data[x] !== 0) !== above) push(x, 0);
  }
  const changes = new Int32Array(width);
  const words = wordView(data);
  for (let y = 1; y < height; y++) {
    const count = rowChanges(data, words, (y - 1) * width, data, words, y * width, width, changes);
    for (let i = 0; i < count; i++) push(changes[i], y);
  }

  // Stable counting sort by column turns row-major order into column-major order.
  for (let x = 0; x < width; x++) perColumn[x + 1] += perColumn[x];
  const sorted = new Uint32Array(startCount);
  for (let i = 0; i < startCount; i++) {
    const x = starts[i] % width;
    const y = (starts[i] - x) / width;
    sorted[perColumn[x]++] = x * height + y;
  }
  const counts: number[] = [];
  let previous = 0;
  for (let i = 0; i < startCount; i++) {
    counts.push(sorted[i] - previous);
    previous = sorted[i];
  }
  counts.push(area - previous);
  return { height, width, counts };
}

/**
 * Decodes runs into a row-major 0/1 mask. Throws INVALID_ARGUMENT if the counts do not cover the
 * mask exactly. Marks each run start as a toggle, sets the top row from the run parity at each
 * column start, then XORs every row into the one below it (word at a time when aligned).
 */
export function decodeRle(rle: Rle): BinaryMask {
  assertValidRle(rle);
  const { height, width, counts } = rle;
  const area = width * height;
  const data = new Uint8Array(area);
  if (area === 0) return { width, height, data };

  const topRow = new Uint8Array(width);
  let parity = 0;
  let column = 0;
  let position = 0;
  for (let k = 0; k < counts.length - 1; k++) {
    position += counts[k];
    if (position >= area) break;
    while (column < width && column * height < position) topRow[column++] = parity;
    parity ^= 1;
    const x = Math.floor(position / height);
    const y = position - x * height;
    if (y > 0) data[y * width + x] ^= 1; // zero-length runs toggle twice and cancel, as they should
  }
  while (column < width) topRow[column++] = parity;
  data.set(topRow, 0);

  if (width % 4 === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, area >> 2);
    const rowWords = width >> 2;
    for (let i = rowWords; i < words.length; i++) words[i] ^= words[i - rowWords];
  } else {
    for (let i = width; i < area; i++) data[i] ^= data[i - width];
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
