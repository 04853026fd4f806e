import { describe, expect, test } from 'vitest';
import { encodeMask } from '../../shared/geometry';
import { maskNms } from './nms';

function square(x: number, y: number, side: number): ReturnType<typeof encodeMask> {
  const data = new Uint8Array(40 * 40);
  for (let row = y; row < y + side; row++) for (let col = x; col < x + side; col++) data[row * 40 + col] = 1;
  return encodeMask({ width: 40, height: 40, data });
}

describe('mask NMS', () => {
  // a: 10x10 at (5,5); b: a shifted by 1 px -> IoU 81/119 = 0.68; c: disjoint; d: empty.
  const candidates = [
    { rle: square(20, 20, 10), score: 0.7 }, // c
    { rle: square(5, 5, 10), score: 0.9 }, // a
    { rle: square(6, 6, 10), score: 0.8 }, // b
    { rle: square(0, 0, 0), score: 0.95 }, // d
  ];

  test('drops a mask overlapping a better one above the threshold, keeps disjoint ones', () => {
    expect(maskNms(candidates, 0.5, 10)).toEqual([1, 0]);
  });

  test('keeps the overlapping one when its IoU (0.68) is under the threshold', () => {
    expect(maskNms(candidates, 0.7, 10)).toEqual([1, 2, 0]);
  });

  test('returns at most limit, best first, and never an empty mask', () => {
    expect(maskNms(candidates, 0.7, 1)).toEqual([1]);
    expect(maskNms([candidates[3]], 0.5, 5)).toEqual([]);
  });
});
