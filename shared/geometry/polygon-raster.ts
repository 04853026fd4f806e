// Polygon -> RLE exactly as the COCO API (maskApi.c rleFrPoly): the polygon is scaled by 5 and
// rounded to integers (C truncation of v*5 + 0.5, so negative coordinates round towards zero),
// each edge is walked one upsampled step at a time along its major axis, and every crossing of
// a pixel-centre column (x = n + 0.5 in image coordinates) yields the first row at or below the
// edge. Sorting those crossings column-major and taking differences gives the runs: an even-odd
// fill per column. Pixel-corner polygons (integer vertices, axis-aligned edges) therefore
// rasterise to exactly the pixels they enclose.
import { ApiError } from '../api/errors';
import type { FlatPolygon } from '../api/types';
import { assertDimensions } from './mask';
import { emptyRle, type Rle } from './rle';
import { combineRles } from './rle-ops';

const SCALE = 5;
/** Coordinates beyond this (pixels) would overflow maskApi.c's int arithmetic after upsampling. */
const MAX_COORDINATE = 1e8;

/** Upsampled edge walks longer than this (steps of 1/5 px) are refused rather than exhausting memory. */
const MAX_STEPS = 50_000_000;

/** COCO rasterisation of one ring (maskApi.c rleFrPoly). A ring with no points is empty. */
export function polygonToRle(polygon: FlatPolygon, height: number, width: number): Rle {
  assertDimensions(height, width);
  const crossings = new CrossingList();
  appendCrossings(polygon, height, width, crossings);
  return crossingsToRle(crossings, height, width);
}

/**
 * Union of the parts' COCO rasters: what pycocotools frPyObjects + merge gives for a polygon
 * annotation. One difference: pycocotools reads a list whose first part has exactly 4 numbers as
 * boxes; here every part is a polygon (a 2-point part rasterises as a thin sliver or nothing).
 */
export function polygonsToRle(polygons: FlatPolygon[], height: number, width: number): Rle {
  assertPolygonList(polygons);
  if (polygons.length === 0) return emptyRle(height, width);
  return combineRles(
    polygons.map((polygon) => polygonToRle(polygon, height, width)),
    'union',
  );
}

/**
 * Even-odd fill of several rings: XOR of each ring's COCO raster, so a hole ring inside an outer
 * ring stays a hole whatever the rings' orientation. Use for an instance's outer rings plus holes.
 * A ring's raster is the parity of the crossings above each pixel in its column, so the XOR of all
 * rasters is the raster of all rings' crossings together: one sort, however many rings there are.
 */
export function ringsToRle(rings: FlatPolygon[], height: number, width: number): Rle {
  assertDimensions(height, width);
  assertPolygonList(rings);
  const crossings = new CrossingList();
  for (const ring of rings) appendCrossings(ring, height, width, crossings);
  return crossingsToRle(crossings, height, width);
}

/** A growable list of column-major pixel indices where a column's fill toggles. */
class CrossingList {
  values = new Uint32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** The first two stages of rleFrPoly: upsample and walk the edges, then keep pixel-column crossings. */
function appendCrossings(polygon: FlatPolygon, height: number, width: number, crossings: CrossingList): void {
  assertPolygon(polygon);
  const pointCount = polygon.length / 2;
  if (pointCount === 0 || height * width === 0) return;

  // Upsampled integer vertices, closed by repeating the first.
  const xs = new Int32Array(pointCount + 1);
  const ys = new Int32Array(pointCount + 1);
  for (let j = 0; j < pointCount; j++) {
    xs[j] = Math.trunc(SCALE * polygon[2 * j] + 0.5);
    ys[j] = Math.trunc(SCALE * polygon[2 * j + 1] + 0.5);
  }
  xs[pointCount] = xs[0];
  ys[pointCount] = ys[0];

  let stepCount = 0;
  for (let j = 0; j < pointCount; j++) {
    stepCount += Math.max(Math.abs(xs[j] - xs[j + 1]), Math.abs(ys[j] - ys[j + 1])) + 1;
  }
  if (stepCount > MAX_STEPS) {
    throw new ApiError('INVALID_ARGUMENT', `polygon outline is too long to rasterise (${Math.round(stepCount / SCALE)} px; limit ${MAX_STEPS / SCALE} px)`);
  }
  const u = new Int32Array(stepCount);
  const v = new Int32Array(stepCount);
  let m = 0;
  for (let j = 0; j < pointCount; j++) {
    let xStart = xs[j];
    let xEnd = xs[j + 1];
    let yStart = ys[j];
    let yEnd = ys[j + 1];
    const dx = Math.abs(xEnd - xStart);
    const dy = Math.abs(yStart - yEnd);
    // Walk every edge in increasing major-axis order (so rounding is the same whichever way the
    // ring runs), but emit the points from the edge's start to its end.
    const flip = (dx >= dy && xStart > xEnd) || (dx < dy && yStart > yEnd);
    if (flip) {
      let t = xStart;
      xStart = xEnd;
      xEnd = t;
      t = yStart;
      yStart = yEnd;
      yEnd = t;
    }
    if (dx >= dy) {
      // 0/0 for a repeated vertex gives NaN; that single point never starts a column crossing.
      const slope = (yEnd - yStart) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xStart;
        v[m] = Math.trunc(yStart + slope * t + 0.5);
        m++;
      }
    } else {
      const slope = (xEnd - xStart) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + yStart;
        u[m] = Math.trunc(xStart + slope * t + 0.5);
        m++;
      }
    }
  }

  // Column crossings, downsampled to pixel indices (column-major: x * height + y).
  for (let j = 1; j < stepCount; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > height) yd = height;
    yd = Math.ceil(yd);
    crossings.push(xd * height + yd);
  }
}

/** The last stage of rleFrPoly: sort the crossings; differences between consecutive ones are the runs. */
function crossingsToRle(crossings: CrossingList, height: number, width: number): Rle {
  if (height * width === 0) return emptyRle(height, width);
  crossings.push(height * width);
  const count = crossings.length;
  const sorted = crossings.values.subarray(0, count).sort();
  let previous = 0;
  for (let j = 0; j < count; j++) {
    const t = sorted[j];
    sorted[j] = t - previous;
    previous = t;
  }
  // A zero difference means two crossings at the same pixel, which cancel: the run before absorbs
  // the run after.
  const counts: number[] = [sorted[0]];
  for (let j = 1; j < count; ) {
    if (sorted[j] > 0) counts.push(sorted[j++]);
    else {
      j++;
      if (j < count) counts[counts.length - 1] += sorted[j++];
    }
  }
  return { height, width, counts };
}

function assertPolygonList(polygons: FlatPolygon[]): void {
  if (!Array.isArray(polygons)) throw new ApiError('INVALID_ARGUMENT', 'polygons must be an array of flat [x0, y0, x1, y1, ...] arrays');
}

function assertPolygon(polygon: FlatPolygon): void {
  if (!Array.isArray(polygon)) throw new ApiError('INVALID_ARGUMENT', 'a polygon must be a flat array [x0, y0, x1, y1, ...]');
  if (polygon.length % 2 !== 0) {
    throw new ApiError('INVALID_ARGUMENT', `a polygon needs an even number of coordinates, got ${polygon.length}`);
  }
  for (let i = 0; i < polygon.length; i++) {
    const value = polygon[i];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_COORDINATE) {
      throw new ApiError('INVALID_ARGUMENT', `polygon coordinate #${i} is ${String(value)}, expected a finite number within ±${MAX_COORDINATE}`, { index: i });
    }
  }
}
