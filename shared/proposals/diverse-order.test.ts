import { describe, expect, it } from 'vitest';
import { polygonToRle } from '../geometry';
import { diverseOrder } from './diverse-order';

const square = (x: number, y: number, side: number) => polygonToRle([x, y, x + side, y, x + side, y + side, x, y + side], 100, 100);

describe('diverseOrder', () => {
  it('puts near-copies of a better proposal after every distinct one', () => {
    const items = [
      { rle: square(10, 10, 40), score: 0.99 },
      { rle: square(11, 10, 40), score: 0.98 }, // the same object, 1 px off
      { rle: square(60, 60, 20), score: 0.5 },
      { rle: square(12, 12, 38), score: 0.97 }, // the same object again
    ];
    expect(diverseOrder(items)).toEqual([0, 2, 1, 3]);
  });
  it('keeps score order when nothing overlaps, ties in input order', () => {
    const items = [
      { rle: square(0, 0, 10), score: 0.2 },
      { rle: square(20, 20, 10), score: 0.9 },
      { rle: square(40, 40, 10), score: 0.2 },
    ];
    expect(diverseOrder(items)).toEqual([1, 0, 2]);
  });
});
