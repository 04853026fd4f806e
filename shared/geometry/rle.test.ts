import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import {
  bboxIou,
  decodeRle,
  encodeMask,
  fromCocoRle,
  fromUncompressedCocoRle,
  rleArea,
  rleBbox,
  rleFromString,
  rleIou,
  rleMerge,
  rleToString,
  toCocoRle,
  type BinaryMask,
} from './index';

/** Mask from rows of '0'/'1' characters (row-major, as drawn). */
function maskOf(...rows: string[]): BinaryMask {
  const height = rows.length;
  const width = height === 0 ? 0 : rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => [...row].forEach((c, x) => (data[y * width + x] = c === '1' ? 1 : 0)));
  return { width, height, data };
}

/** Deterministic pseudo-random blobby mask: a few filled rectangles. */
function randomMask(seed: number, width: number, height: number): BinaryMask {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = new Uint8Array(width * height);
  const boxes = 1 + Math.floor(next() * 4);
  for (let b = 0; b < boxes; b++) {
    const x0 = Math.floor(next() * width);
    const y0 = Math.floor(next() * height);
    const x1 = Math.min(width, x0 + 1 + Math.floor(next() * width));
    const y1 = Math.min(height, y0 + 1 + Math.floor(next() * height));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = 1;
  }
  for (let i = 0; i < width * height; i++) if (next() < 0.05) data[i] ^= 1; // speckle
  return { width, height, data };
}

describe('encodeMask / decodeRle', () => {
  test('runs are column-major, start with zeros, and cross column boundaries', () => {
    // Columns top to bottom: col0 = 1,1; col1 = 0,1; col2 = 1,0 -> 1 1 0 1 1 0.
    const mask = maskOf('101', '110');
    const rle = encodeMask(mask);
    expect(rle).toEqual({ height: 2, width: 3, counts: [0, 2, 1, 2, 1] });
    expect(decodeRle(rle).data).toEqual(mask.data);
    expect(rleArea(rle)).toBe(4);
  });

  test('empty, full and zero-size masks', () => {
    expect(encodeMask(maskOf('0000', '0000', '0000')).counts).toEqual([12]);
    expect(encodeMask(maskOf('1111', '1111', '1111')).counts).toEqual([0, 12]);
    expect(encodeMask({ width: 0, height: 0, data: new Uint8Array(0) }).counts).toEqual([0]);
    expect(decodeRle({ height: 3, width: 4, counts: [0, 12] }).data).toEqual(new Uint8Array(12).fill(1));
  });

  test('zero-length runs (allowed by COCO) anywhere decode, merge and measure correctly', () => {
    // bg 0, fg 0, bg 3, fg 2, bg 0, fg 1 -> column 0 empty, column 1 full.
    const odd = { height: 3, width: 2, counts: [0, 0, 3, 2, 0, 1] };
    expect(decodeRle(odd).data).toEqual(Uint8Array.from([0, 1, 0, 1, 0, 1]));
    expect(rleArea(odd)).toBe(3);
    expect(rleBbox(odd)).toEqual([1, 0, 1, 3]);
    // As in maskApi.c, merging keeps the input's empty runs; the pixels are what matter.
    expect(decodeRle(rleMerge([odd, encodeMask(maskOf('00', '00', '00'))])).data).toEqual(decodeRle(odd).data);
    expect(rleArea(rleMerge([odd, encodeMask(maskOf('10', '00', '00'))], true))).toBe(0);
    expect(rleIou([odd], [encodeMask(maskOf('01', '01', '00'))], [false])).toEqual([[2 / 3]]);
  });

  test('any non-zero byte counts as foreground', () => {
    const mask: BinaryMask = { width: 2, height: 1, data: Uint8Array.from([255, 0]) };
    expect(encodeMask(mask).counts).toEqual([0, 1, 1]);
  });

  test('random masks survive encode -> string -> parse -> decode', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const mask = randomMask(seed, 5 + (seed % 17), 3 + (seed % 13));
      const rle = encodeMask(mask);
      const parsed = fromCocoRle(toCocoRle(rle));
      expect(parsed).toEqual(rle);
      expect(decodeRle(parsed).data).toEqual(mask.data);
      expect(rleArea(rle)).toBe(mask.data.reduce((sum, v) => sum + v, 0));
    }
  });

  test('bad input is rejected with INVALID_ARGUMENT', () => {
    expect(() => encodeMask({ width: 3, height: 2, data: new Uint8Array(5) })).toThrow(ApiError);
    expect(() => decodeRle({ height: 2, width: 2, counts: [1, 2] })).toThrow(/sum to 3, expected height\*width = 4/);
    expect(() => decodeRle({ height: 2, width: 2, counts: [1, -1, 4] })).toThrow(/non-negative integer/);
    expect(() => fromUncompressedCocoRle({ size: [2, 2], counts: [1, 2] })).toThrow(ApiError);
    expect(fromUncompressedCocoRle({ size: [2, 2], counts: [1, 2, 1] })).toEqual({ height: 2, width: 2, counts: [1, 2, 1] });
  });
});

describe('COCO counts string', () => {
  test('hand-computed encodings', () => {
    expect(rleToString({ height: 3, width: 4, counts: [12] })).toBe('<'); // 48 + 12
    expect(rleToString({ height: 3, width: 4, counts: [0, 12] })).toBe('0<');
    // 100 = 3 * 32 + 4: low group 4 with the continuation bit (36 -> 'T'), then 3 ('3').
    expect(rleToString({ height: 10, width: 10, counts: [100] })).toBe('T3');
    // 16 has the sign bit of its group set, so it needs a second, zero group.
    expect(rleToString({ height: 4, width: 4, counts: [16] })).toBe('`0');
    // From the fourth count on, the difference to the count two before is stored: 4-2, 5-3.
    expect(rleToString({ height: 3, width: 5, counts: [1, 2, 3, 4, 5] })).toBe('12322');
    // Negative difference 2 - 10 = -8: group 24 with the sign bit, no continuation -> 'H'.
    expect(rleToString({ height: 17, width: 1, counts: [1, 10, 1, 2, 3] })).toBe('1:1H2');
  });

  test('parses back what it writes, including large counts', () => {
    const counts = [12_000_000 - 5_000_001, 5_000_000, 1];
    const rle = { height: 3000, width: 4000, counts };
    expect(rleFromString(rleToString(rle), 3000, 4000).counts).toEqual(counts);
    expect(rleFromString('1:1H2', 17, 1).counts).toEqual([1, 10, 1, 2, 3]);
  });

  test('malformed strings give clear errors', () => {
    expect(() => rleFromString('T', 10, 10)).toThrow(/ends inside a count/);
    expect(() => rleFromString('1 2', 3, 1)).toThrow(/invalid character/);
    expect(() => rleFromString('<', 3, 5)).toThrow(/sum to 12, expected height\*width = 15/);
    expect(() => fromCocoRle({ size: [3], counts: '<' } as never)).toThrow(ApiError);
  });
});

describe('bbox, merge and IoU', () => {
  test('bbox of a run that wraps into the next column spans the full height (COCO quirk)', () => {
    expect(rleBbox(encodeMask(maskOf('101', '110')))).toEqual([0, 0, 3, 2]);
    expect(rleBbox(encodeMask(maskOf('0000', '0110', '0110', '0000')))).toEqual([1, 1, 2, 2]);
    // A single run from (x=1, y=2) down to (x=2, y=0) wraps, so COCO's box covers rows 0..3.
    expect(rleBbox(encodeMask(maskOf('0010', '0000', '0100', '0100')))).toEqual([1, 0, 2, 4]);
    expect(rleBbox(encodeMask(maskOf('000', '000')))).toEqual([0, 0, 0, 0]);
  });

  test('union and intersection equal the pixelwise operations', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const width = 4 + (seed % 9);
      const height = 3 + (seed % 7);
      const a = randomMask(seed, width, height);
      const b = randomMask(seed + 1000, width, height);
      const c = randomMask(seed + 2000, width, height);
      const or = new Uint8Array(width * height).map((_, i) => a.data[i] | b.data[i] | c.data[i]);
      const and = new Uint8Array(width * height).map((_, i) => a.data[i] & b.data[i] & c.data[i]);
      const rles = [a, b, c].map(encodeMask);
      expect(rleMerge(rles)).toEqual(encodeMask({ width, height, data: or }));
      expect(rleMerge(rles, true)).toEqual(encodeMask({ width, height, data: and }));
    }
  });

  test('merge rejects empty lists and size mismatches', () => {
    expect(() => rleMerge([])).toThrow(/empty list/);
    expect(() => rleMerge([encodeMask(maskOf('1')), encodeMask(maskOf('11'))])).toThrow(/different sizes/);
  });

  test('mask IoU, with crowd ground truth divided by the detection area', () => {
    const dt = encodeMask(maskOf('1100', '1100', '0000'));
    const gt = encodeMask(maskOf('0110', '0110', '0110'));
    const far = encodeMask(maskOf('0000', '0000', '0001'));
    // |dt & gt| = 2, |dt | gt| = 4 + 6 - 2 = 8; crowd: 2 / |dt| = 2 / 4.
    expect(rleIou([dt], [gt, gt, far], [false, true, false])).toEqual([[0.25, 0.5, 0]]);
    expect(rleIou([], [gt], [false])).toEqual([]);
    expect(rleIou([dt], [], [])).toEqual([[]]);
    expect(() => rleIou([dt], [gt], [])).toThrow(/one flag per ground truth/);
    expect(() => rleIou([dt], [encodeMask(maskOf('11000', '11000', '00000'))], [false])).toThrow(/different sizes/);
  });

  test('box IoU', () => {
    // Overlap 1x1 = 1; union 4 + 4 - 1 = 7; crowd: 1 / 4 (detection area).
    expect(bboxIou([[0, 0, 2, 2]], [[1, 1, 2, 2], [1, 1, 2, 2], [2, 0, 1, 1]], [false, true, false])).toEqual([[1 / 7, 0.25, 0]]);
  });
});
