// COCO's compressed RLE string (maskApi.c rleToString / rleFrString): each count becomes a
// little-endian sequence of 5-bit groups stored as ASCII 48 + group, where bit 0x20 marks "more
// groups follow" and bit 0x10 of the last group is the sign. From the fourth count on (index > 2)
// the value stored is the difference to the count two places earlier, which is small for
// smooth shapes (consecutive foreground and background runs of neighbouring columns are similar).
import { ApiError } from '../api/errors';
import type { CocoRle } from '../api/types';
import { assertValidRle, type Rle } from './rle';

/** Largest number of characters a count can take (35 bits of a signed 32-bit difference). */
const MAX_GROUPS_PER_COUNT = 7;
/** String.fromCharCode takes its codes as arguments; keep each call well under engine argument limits. */
const CHARS_PER_CHUNK = 8192;

export function rleToString(rle: Rle): string {
  assertValidRle(rle);
  const counts = rle.counts;
  const codes = new Uint8Array(counts.length * MAX_GROUPS_PER_COUNT);
  let length = 0;
  for (let i = 0; i < counts.length; i++) {
    // Counts are < 2^31, so the difference fits in a signed 32-bit integer and `>>` is exact.
    let value = counts[i];
    if (i > 2) value -= counts[i - 2];
    let more = true;
    while (more) {
      let group = value & 0x1f;
      value >>= 5;
      more = (group & 0x10) !== 0 ? value !== -1 : value !== 0;
      if (more) group |= 0x20;
      codes[length++] = group + 48;
    }
  }
  let text = '';
  for (let start = 0; start < length; start += CHARS_PER_CHUNK) {
    text += String.fromCharCode(...codes.subarray(start, Math.min(length, start + CHARS_PER_CHUNK)));
  }
  return text;
}

/** Parses a COCO counts string. Throws INVALID_ARGUMENT on a malformed string or counts that do not sum to height*width. */
export function rleFromString(counts: string, height: number, width: number): Rle {
  if (typeof counts !== 'string') {
    throw new ApiError('INVALID_ARGUMENT', 'RLE counts must be a string');
  }
  const values: number[] = [];
  let position = 0;
  while (position < counts.length) {
    const startPosition = position;
    let value = 0;
    let groups = 0;
    let more = true;
    while (more) {
      if (position >= counts.length) {
        throw new ApiError('INVALID_ARGUMENT', `RLE string ends inside a count (at character ${startPosition})`, { position: startPosition });
      }
      const group = counts.charCodeAt(position) - 48;
      if (group < 0 || group > 63) {
        throw new ApiError('INVALID_ARGUMENT', `RLE string has an invalid character ${JSON.stringify(counts[position])} at ${position}`, { position });
      }
      // Groups do not overlap, so adding equals maskApi.c's bitwise OR; multiplication avoids 32-bit shift overflow.
      value += (group & 0x1f) * 2 ** (5 * groups);
      more = (group & 0x20) !== 0;
      position++;
      groups++;
      if (!more && (group & 0x10) !== 0) value -= 2 ** (5 * groups); // sign-extend
    }
    if (groups > MAX_GROUPS_PER_COUNT) {
      throw new ApiError('INVALID_ARGUMENT', `RLE string has an over-long count at character ${startPosition}`, { position: startPosition });
    }
    if (values.length > 2) value += values[values.length - 2];
    if (value < 0) {
      throw new ApiError('INVALID_ARGUMENT', `RLE string decodes to a negative count at character ${startPosition}`, { position: startPosition });
    }
    values.push(value);
  }
  const rle: Rle = { height, width, counts: values };
  assertValidRle(rle);
  return rle;
}

export function toCocoRle(rle: Rle): CocoRle {
  return { size: [rle.height, rle.width], counts: rleToString(rle) };
}

export function fromCocoRle(coco: CocoRle): Rle {
  if (coco === null || typeof coco !== 'object' || !Array.isArray(coco.size) || coco.size.length !== 2 || typeof coco.counts !== 'string') {
    throw new ApiError('INVALID_ARGUMENT', 'COCO RLE must be {size: [height, width], counts: string}');
  }
  return rleFromString(coco.counts, coco.size[0], coco.size[1]);
}
