import { describe, expect, test } from 'vitest';
import { decodeRle, encodeMask, maskToPolygons, polygonsToRle, ringsToRle, rleIou, type BinaryMask, type Rle } from '../geometry';
import type { FlatPolygon } from '../api/types';
import { bridge, holeFreeParts, joinRings } from './outlines';
import { all, any, box, disc, drawMask, not } from './test-fixtures';

const W = 60;
const H = 40;

function iou(a: Rle, b: Rle): number {
  return rleIou([a], [b], [false])[0][0];
}

/** The union of the parts (how LabelMe tools read them) and, for YOLO, the even-odd fill of the joined ring. */
function rasters(parts: FlatPolygon[]): { union: Rle; joined: Rle } {
  return { union: polygonsToRle(parts, H, W), joined: polygonsToRle([joinRings(parts)], H, W) };
}

function exactParts(mask: BinaryMask): FlatPolygon[] {
  return holeFreeParts(maskToPolygons(mask, { tolerance: 0 }), encodeMask(mask));
}

describe('holeFreeParts', () => {
  test('plain outer rings are kept as they are', () => {
    const mask = drawMask(W, H, any(box(2, 2, 12, 10), box(30, 5, 50, 30)));
    const polygons = maskToPolygons(mask);
    expect(holeFreeParts(polygons, encodeMask(mask))).toEqual(polygons);
  });

  test('a hole is bridged into its outer ring: one ring, and its fill is the mask exactly', () => {
    const mask = drawMask(W, H, all(box(5, 5, 45, 35), not(box(15, 12, 30, 25))));
    const parts = exactParts(mask);
    expect(parts).toHaveLength(1);
    const { union, joined } = rasters(parts);
    const truth = encodeMask(mask);
    expect(iou(union, truth)).toBe(1);
    expect(iou(joined, truth)).toBe(1);
  });

  test('two holes, an island in a hole and a second object: parts stay disjoint and fill the mask exactly', () => {
    const shape = any(
      all(box(2, 2, 40, 38), not(box(6, 6, 20, 34)), not(box(24, 6, 36, 20))),
      box(10, 12, 16, 26), // island inside the first hole
      box(44, 4, 58, 36),
    );
    const mask = drawMask(W, H, shape);
    const parts = exactParts(mask);
    expect(parts).toHaveLength(3); // the holed ring, the island, the second object
    const { union, joined } = rasters(parts);
    const truth = encodeMask(mask);
    expect(iou(union, truth)).toBe(1);
    expect(iou(joined, truth)).toBe(1);
  });

  test('a simplified donut (editor tolerance) keeps its hole', () => {
    const mask = drawMask(W, H, all(disc(30, 20, 18), not(disc(30, 20, 8))));
    const parts = holeFreeParts(maskToPolygons(mask), encodeMask(mask));
    expect(parts).toHaveLength(1);
    const truth = encodeMask(mask);
    expect(iou(rasters(parts).joined, truth)).toBeGreaterThan(0.95);
    // The hole's centre stays empty, the ring's body is filled.
    const pixels = decodeRle(rasters(parts).joined);
    expect(pixels.data[20 * W + 30]).toBe(0);
    expect(pixels.data[20 * W + 16]).toBe(1);
  });

  test('overlapping COCO parts (union semantics) are traced again instead of read as holes', () => {
    const mask = drawMask(W, H, any(box(5, 5, 25, 25), box(15, 15, 35, 35)));
    const overlapping = [
      [5, 5, 25, 5, 25, 25, 5, 25],
      [15, 15, 35, 15, 35, 35, 15, 35],
    ];
    const truth = encodeMask(mask);
    expect(iou(polygonsToRle(overlapping, H, W), truth)).toBe(1);
    expect(iou(ringsToRle(overlapping, H, W), truth)).toBeLessThan(0.9); // even-odd would cut the overlap out
    const parts = holeFreeParts(overlapping, truth);
    expect(iou(rasters(parts).joined, truth)).toBeGreaterThan(0.97);
    expect(iou(rasters(parts).union, truth)).toBeGreaterThan(0.97);
  });

  test('an instance with a mask but no polygons is traced; an empty one gives nothing', () => {
    const mask = drawMask(W, H, disc(20, 20, 10));
    const parts = holeFreeParts([], encodeMask(mask));
    expect(parts.length).toBe(1);
    expect(iou(polygonsToRle(parts, H, W), encodeMask(mask))).toBeGreaterThan(0.95);
    expect(holeFreeParts([], encodeMask(drawMask(W, H, () => false)))).toEqual([]);
  });
});

describe('bridge', () => {
  test('splices the other ring in at the closest vertices, walked out and back', () => {
    const ring = [0, 0, 10, 0, 10, 10, 0, 10];
    const other = [20, 0, 30, 0, 30, 10, 20, 10];
    // closest pair: (10, 0) of ring and (20, 0) of other
    expect(bridge(ring, other)).toEqual([0, 0, 10, 0, 20, 0, 30, 0, 30, 10, 20, 10, 20, 0, 10, 0, 10, 10, 0, 10]);
  });
});
