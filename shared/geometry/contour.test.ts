import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import type { FlatPolygon } from '../api/types';
import { encodeMask, maskToPolygons, ringSignedArea, ringsToRle, rleIou, simplifyPolygon, type BinaryMask } from './index';

function maskOf(...rows: string[]): BinaryMask {
  const width = rows[0].length;
  const data = new Uint8Array(width * rows.length);
  rows.forEach((row, y) => [...row].forEach((c, x) => (data[y * width + x] = c === '1' ? 1 : 0)));
  return { width, height: rows.length, data };
}

function disk(width: number, height: number, cx: number, cy: number, r: number): BinaryMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) data[y * width + x] = 1;
  return { width, height, data };
}

function randomMask(seed: number, width: number, height: number, density: number): BinaryMask {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = next() < density ? 1 : 0;
  return { width, height, data };
}

const exactTrace = (mask: BinaryMask) => maskToPolygons(mask, { tolerance: 0 });
const areaOf = (mask: BinaryMask) => mask.data.reduce((sum, v) => sum + v, 0);
const iouOf = (polygons: FlatPolygon[], mask: BinaryMask) =>
  rleIou([ringsToRle(polygons, mask.height, mask.width)], [encodeMask(mask)], [false])[0][0];

describe('maskToPolygons, exact trace (tolerance 0)', () => {
  test('a single pixel is its four corners, clockwise on screen', () => {
    expect(exactTrace(maskOf('000', '010', '000'))).toEqual([[2, 1, 2, 2, 1, 2, 1, 1]]);
  });

  test('empty and full masks', () => {
    expect(exactTrace(maskOf('000', '000'))).toEqual([]);
    expect(maskToPolygons(maskOf('000', '000'))).toEqual([]);
    expect(exactTrace(maskOf('111', '111'))).toEqual([[3, 0, 3, 2, 0, 2, 0, 0]]);
  });

  test('a hole is its own ring, counter-clockwise on screen', () => {
    const polygons = exactTrace(maskOf('1111', '1001', '1001', '1111'));
    expect(polygons).toHaveLength(2);
    expect(polygons.map(ringSignedArea).sort((a, b) => a - b)).toEqual([-4, 16]);
    expect(iouOf(polygons, maskOf('1111', '1001', '1001', '1111'))).toBe(1);
  });

  test('separate parts give separate outer rings', () => {
    const mask = maskOf('1100', '1100', '0000', '0011');
    const polygons = exactTrace(mask);
    expect(polygons.map(ringSignedArea)).toEqual([4, 2]);
  });

  test('diagonal neighbours are one part (8-connected foreground); a corner-touching hole stays a hole', () => {
    expect(exactTrace(maskOf('10', '01'))).toHaveLength(1);
    const mask = maskOf('11100', '10100', '11010', '00000');
    // The background pixel (1, 1) touches the outside only at a corner: it is a hole.
    const polygons = exactTrace(mask);
    expect(polygons.map(ringSignedArea).filter((area) => area < 0)).toEqual([-1]);
    expect(iouOf(polygons, mask)).toBe(1);
  });

  test('random masks: rings are pixel-corner staircases whose even-odd raster is exactly the mask', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const mask = randomMask(seed, 3 + (seed % 23), 2 + (seed % 19), [0.2, 0.5, 0.8][seed % 3]);
      const polygons = exactTrace(mask);
      expect(ringsToRle(polygons, mask.height, mask.width)).toEqual(encodeMask(mask));
      // Outer rings count positive, holes negative: the signed areas add up to the pixel count.
      expect(polygons.reduce((sum, ring) => sum + ringSignedArea(ring), 0)).toBe(areaOf(mask));
      for (const ring of polygons) {
        expect(ring.length).toBeGreaterThanOrEqual(8);
        const n = ring.length / 2;
        for (let i = 0; i < n; i++) {
          const j = (i + 1) % n;
          expect(Number.isInteger(ring[2 * i]) && Number.isInteger(ring[2 * i + 1])).toBe(true);
          // Axis-aligned edges, and only turning corners are kept.
          expect(ring[2 * i] === ring[2 * j] || ring[2 * i + 1] === ring[2 * j + 1]).toBe(true);
          expect(ring[2 * i] === ring[2 * j] && ring[2 * i + 1] === ring[2 * j + 1]).toBe(false);
        }
      }
    }
  });
});

describe('maskToPolygons, simplified (default tolerance 1.5 px)', () => {
  test('a disk keeps its area and shape with a handful of vertices', () => {
    const mask = disk(120, 100, 60.3, 49.7, 40);
    const traced = exactTrace(mask)[0].length / 2;
    const polygons = maskToPolygons(mask);
    expect(polygons).toHaveLength(1);
    expect(polygons[0].length / 2).toBeLessThan(traced / 4);
    expect(ringSignedArea(polygons[0])).toBeGreaterThan(0);
    expect(Math.abs(ringSignedArea(polygons[0]) - areaOf(mask)) / areaOf(mask)).toBeLessThan(0.01);
    expect(iouOf(polygons, mask)).toBeGreaterThan(0.99);
    // Coordinates are kept to hundredths of a pixel, as COCO files do.
    for (const value of polygons[0]) expect(Math.abs(value * 100 - Math.round(value * 100))).toBeLessThan(1e-6);
  });

  test('a rectangle with a rectangular hole stays exact with 4 vertices per ring', () => {
    const data = new Uint8Array(40 * 30);
    for (let y = 5; y < 25; y++) for (let x = 3; x < 35; x++) data[y * 40 + x] = x >= 10 && x < 20 && y >= 10 && y < 15 ? 0 : 1;
    const mask = { width: 40, height: 30, data };
    const polygons = maskToPolygons(mask);
    expect(polygons.map((ring) => ring.length)).toEqual([8, 8]);
    expect(iouOf(polygons, mask)).toBe(1);
  });

  test('specks and hairlines thinner than the tolerance are dropped, never returned degenerate', () => {
    const mask = maskOf('1000000000', '0000000000', '0011111110', '0000000000');
    for (const tolerance of [1.5, 3]) {
      for (const ring of maskToPolygons(mask, { tolerance })) {
        expect(ring.length).toBeGreaterThanOrEqual(6);
        expect(ringSignedArea(ring)).not.toBe(0);
      }
    }
    expect(maskToPolygons(maskOf('000', '010', '000'))).toEqual([]);
  });

  test('random blobs with holes stay close to the mask', () => {
    const mask = disk(200, 200, 100, 100, 80);
    const hole = disk(200, 200, 90, 110, 25);
    const ring = disk(200, 200, 90, 110, 12);
    for (let i = 0; i < mask.data.length; i++) mask.data[i] = (mask.data[i] && !hole.data[i]) || ring.data[i] ? 1 : 0;
    const polygons = maskToPolygons(mask);
    expect(polygons.map((p) => Math.sign(ringSignedArea(p)))).toEqual([1, -1, 1]);
    expect(iouOf(polygons, mask)).toBeGreaterThan(0.98);
  });

  test('rejects a bad tolerance', () => {
    expect(() => maskToPolygons(maskOf('1'), { tolerance: -1 })).toThrow(ApiError);
    expect(() => maskToPolygons(maskOf('1'), { tolerance: Number.NaN })).toThrow(/tolerance/);
  });
});

describe('simplifyPolygon', () => {
  test('drops collinear and near-collinear vertices, keeps corners and orientation', () => {
    const square = [0, 0, 5, 0, 10, 0, 10, 5, 10.4, 7, 10, 10, 5, 10, 0, 10, 0, 5];
    const simplified = simplifyPolygon(square, 1);
    expect(simplified).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
    expect(simplifyPolygon(square, 0.1)).toContain(10.4);
    expect(ringSignedArea(simplified)).toBeGreaterThan(0);
  });

  test('small rings are returned as they are; bad input throws', () => {
    expect(simplifyPolygon([0, 0, 1, 0, 0, 1], 5)).toEqual([0, 0, 1, 0, 0, 1]);
    expect(() => simplifyPolygon([0, 0, 1], 1)).toThrow(ApiError);
    expect(() => simplifyPolygon([0, 0, 1, 0, 0, 1], -2)).toThrow(/tolerance/);
  });
});
