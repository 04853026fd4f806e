import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import { combineRles, decodeRle, polygonToRle, polygonsToRle, ringsToRle, rleArea, type BinaryMask } from './index';

function rowsOf(mask: BinaryMask): string[] {
  const rows: string[] = [];
  for (let y = 0; y < mask.height; y++) rows.push(Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width)).join(''));
  return rows;
}

describe('polygon rasterisation (COCO rleFrPoly)', () => {
  test('a pixel-corner square covers exactly the pixels inside it', () => {
    const rle = polygonToRle([1, 1, 3, 1, 3, 3, 1, 3], 4, 5);
    expect(rowsOf(decodeRle(rle))).toEqual(['00000', '01100', '01100', '00000']);
    // Reversing the ring (counter-clockwise) gives the same pixels.
    expect(polygonToRle([1, 3, 3, 3, 3, 1, 1, 1], 4, 5)).toEqual(rle);
  });

  test('a pixel takes the polygon value at its centre (x + 0.5, y + 0.5)', () => {
    // Right-angled triangle below the diagonal y = x: pixels whose centre is strictly below it are
    // inside, and so are those whose centre lies exactly on it (COCO takes the crossing's row
    // from the upper of the two upsampled points around the pixel-centre column).
    const rle = polygonToRle([0, 0, 4, 4, 0, 4], 4, 4);
    expect(rowsOf(decodeRle(rle))).toEqual(['1000', '1100', '1110', '1111']);
    // Halfway edges: the 2.4 and 2.6 rounding of x5 upsampling decides whether column 2 is in.
    expect(rowsOf(decodeRle(polygonToRle([0, 0, 2.4, 0, 2.4, 1, 0, 1], 1, 4)))).toEqual(['1100']);
    expect(rowsOf(decodeRle(polygonToRle([0, 0, 2.6, 0, 2.6, 1, 0, 1], 1, 4)))).toEqual(['1110']);
  });

  test('parts outside the image are clipped', () => {
    const rle = polygonToRle([-5, -5, 2, -5, 2, 2, -5, 2], 3, 3);
    expect(rowsOf(decodeRle(rle))).toEqual(['110', '110', '000']);
  });

  test('union of parts versus even-odd rings with a hole', () => {
    const outer = [0, 0, 5, 0, 5, 5, 0, 5];
    const hole = [1, 1, 1, 4, 4, 4, 4, 1];
    expect(rleArea(polygonsToRle([outer, hole], 5, 5))).toBe(25);
    expect(rowsOf(decodeRle(ringsToRle([outer, hole], 5, 5)))).toEqual(['11111', '10001', '10001', '10001', '11111']);
    // Orientation does not matter for the even-odd fill.
    expect(ringsToRle([outer, [...hole].reverse()], 5, 5)).toEqual(ringsToRle([outer, hole], 5, 5));
    expect(rleArea(polygonsToRle([], 5, 5))).toBe(0);
  });

  test('degenerate and bad polygons', () => {
    expect(rleArea(polygonToRle([], 3, 3))).toBe(0);
    expect(rleArea(polygonToRle([1, 1, 1, 1, 1, 1], 3, 3))).toBe(0);
    expect(() => polygonToRle([1, 2, 3], 3, 3)).toThrow(/even number/);
    expect(() => polygonToRle([1, 2, Number.NaN, 3, 4, 5], 3, 3)).toThrow(ApiError);
    expect(() => polygonToRle([0, 0, 1, 0, 1, 1], -1, 3)).toThrow(/non-negative integers/);
  });

  test('ringsToRle (one sort of all crossings) equals the XOR of every ring raster', () => {
    let state = 7;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 40; trial++) {
      const height = 5 + Math.floor(next() * 40);
      const width = 5 + Math.floor(next() * 40);
      const rings = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        Array.from({ length: 2 * (3 + Math.floor(next() * 6)) }, () => next() * 50 - 5),
      );
      const xor = combineRles(
        rings.map((ring) => polygonToRle(ring, height, width)),
        'xor',
      );
      expect(ringsToRle(rings, height, width)).toEqual(xor);
    }
  });

  test('refuses outlines too long to rasterise instead of exhausting memory', () => {
    expect(() => polygonToRle([0, 0, 9e7, 0, 0, 9e7], 10, 10)).toThrow(/too long to rasterise/);
  });
});
