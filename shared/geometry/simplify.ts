// Douglas-Peucker simplification of closed rings, iterative (no recursion depth limits on long
// contours) with typed-array bookkeeping.
import { ApiError } from '../api/errors';
import type { FlatPolygon } from '../api/types';

/**
 * Simplifies a closed ring (the last point connects back to the first): every removed vertex lies
 * within `tolerance` pixels of the simplified outline. Orientation is preserved. The result may
 * have fewer than 3 points when the whole ring is thinner than the tolerance; callers drop those.
 */
export function simplifyPolygon(polygon: FlatPolygon, tolerance: number): FlatPolygon {
  if (!Array.isArray(polygon) || polygon.length % 2 !== 0) {
    throw new ApiError('INVALID_ARGUMENT', 'a polygon must be a flat array [x0, y0, x1, y1, ...] of even length');
  }
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new ApiError('INVALID_ARGUMENT', `simplification tolerance must be a finite number >= 0 pixels, got ${tolerance}`);
  }
  const result: FlatPolygon = [];
  for (const i of douglasPeuckerIndices(polygon, tolerance)) result.push(polygon[2 * i], polygon[2 * i + 1]);
  return result;
}

/**
 * Indices (ascending) of the vertices Douglas-Peucker keeps on a closed ring. Tolerance must already
 * be validated. Rings of 3 or fewer vertices are returned whole.
 */
export function douglasPeuckerIndices(polygon: FlatPolygon, tolerance: number): number[] {
  const count = polygon.length / 2;
  if (count <= 3) return Array.from({ length: count }, (_, i) => i);

  // Split the ring at vertex 0 and the vertex farthest from it, then simplify both chains.
  // Index `count` stands for vertex 0 again, closing the ring.
  const xAt = (i: number) => polygon[2 * (i % count)];
  const yAt = (i: number) => polygon[2 * (i % count) + 1];
  let farthest = 0;
  let farthestDistance = -1;
  for (let i = 1; i < count; i++) {
    const dx = xAt(i) - xAt(0);
    const dy = yAt(i) - yAt(0);
    const distance = dx * dx + dy * dy;
    if (distance > farthestDistance) {
      farthestDistance = distance;
      farthest = i;
    }
  }
  const keep = new Uint8Array(count + 1);
  keep[0] = keep[farthest] = keep[count] = 1;
  const toleranceSquared = tolerance * tolerance;
  const stack: number[] = [0, farthest, farthest, count];
  while (stack.length > 0) {
    const last = stack.pop()!;
    const first = stack.pop()!;
    let worst = -1;
    let worstDistance = toleranceSquared;
    for (let i = first + 1; i < last; i++) {
      const distance = segmentDistanceSquared(xAt(i), yAt(i), xAt(first), yAt(first), xAt(last), yAt(last));
      if (distance > worstDistance) {
        worstDistance = distance;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(first, worst, worst, last);
    }
  }

  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) kept.push(i);
  // Vertex 0 was kept only because it was a split point; drop it if its neighbours cover it.
  if (kept.length > 3) {
    const previous = kept[kept.length - 1];
    const next = kept[1];
    if (segmentDistanceSquared(xAt(0), yAt(0), xAt(previous), yAt(previous), xAt(next), yAt(next)) <= toleranceSquared) kept.shift();
  }
  return kept;
}

/** Shoelace area in image coordinates (y down): positive for rings clockwise on screen. */
export function ringSignedArea(polygon: FlatPolygon): number {
  const count = polygon.length / 2;
  let twiceArea = 0;
  for (let i = 0, j = count - 1; i < count; j = i++) {
    twiceArea += polygon[2 * j] * polygon[2 * i + 1] - polygon[2 * i] * polygon[2 * j + 1];
  }
  return twiceArea / 2;
}

/** Squared distance from point p to the segment a-b (to a itself when a == b). */
function segmentDistanceSquared(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / lengthSquared;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}
