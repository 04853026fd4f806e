// Pure edits of an instance's polygons (flat rings [x0, y0, x1, y1, ...], image pixels) and the hit
// tests the tools need. Nothing here knows about the store or the canvas.
import type { FlatPolygon } from '../../../shared/api/types';
import type { VertexRef } from '../state/session';

export interface Point {
  x: number;
  y: number;
}

/** Smallest ring the editor keeps: a triangle (COCO requires >= 3 points). */
export const MIN_RING_POINTS = 3;

export function pointCount(ring: FlatPolygon): number {
  return Math.floor(ring.length / 2);
}

export function vertexAt(polygons: readonly FlatPolygon[], vertex: VertexRef): Point | null {
  const ring = polygons[vertex.ring];
  if (!ring || vertex.index < 0 || vertex.index >= pointCount(ring)) return null;
  return { x: ring[vertex.index * 2], y: ring[vertex.index * 2 + 1] };
}

/** Returns new polygons with one vertex moved to `to`; other rings keep their identity. */
export function moveVertex(polygons: readonly FlatPolygon[], vertex: VertexRef, to: Point): FlatPolygon[] {
  return polygons.map((ring, r) => {
    if (r !== vertex.ring) return ring;
    const next = ring.slice();
    next[vertex.index * 2] = to.x;
    next[vertex.index * 2 + 1] = to.y;
    return next;
  });
}

/** Inserts `point` after vertex `afterIndex` of ring `ring` (i.e. on the edge afterIndex -> afterIndex+1). */
export function insertVertex(polygons: readonly FlatPolygon[], ring: number, afterIndex: number, point: Point): FlatPolygon[] {
  return polygons.map((current, r) => {
    if (r !== ring) return current;
    const next = current.slice();
    next.splice((afterIndex + 1) * 2, 0, point.x, point.y);
    return next;
  });
}

/**
 * Deletes a vertex. A ring that would fall below a triangle is removed entirely; returns null when
 * that would leave the instance with no ring at all (the caller deletes the instance instead).
 */
export function deleteVertex(polygons: readonly FlatPolygon[], vertex: VertexRef): FlatPolygon[] | null {
  const ring = polygons[vertex.ring];
  if (!ring) return polygons.slice();
  if (pointCount(ring) - 1 < MIN_RING_POINTS) {
    const remaining = polygons.filter((_, r) => r !== vertex.ring);
    return remaining.length === 0 ? null : remaining;
  }
  return polygons.map((current, r) => {
    if (r !== vertex.ring) return current;
    const next = current.slice();
    next.splice(vertex.index * 2, 2);
    return next;
  });
}

export function translatePolygons(polygons: readonly FlatPolygon[], dx: number, dy: number): FlatPolygon[] {
  return polygons.map((ring) => ring.map((value, i) => (i % 2 === 0 ? value + dx : value + dy)));
}

/** The nearest vertex within `radius` (image pixels) of `point`, or null. */
export function nearestVertex(polygons: readonly FlatPolygon[], point: Point, radius: number): VertexRef | null {
  let best: VertexRef | null = null;
  let bestDistance = radius * radius;
  polygons.forEach((ring, r) => {
    for (let i = 0; i < pointCount(ring); i++) {
      const dx = ring[i * 2] - point.x;
      const dy = ring[i * 2 + 1] - point.y;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        bestDistance = distance;
        best = { ring: r, index: i };
      }
    }
  });
  return best;
}

/** The nearest edge within `radius` of `point`: ring, index of its first vertex, and the closest point on it. */
export function nearestEdge(
  polygons: readonly FlatPolygon[],
  point: Point,
  radius: number,
): { ring: number; afterIndex: number; point: Point } | null {
  let best: { ring: number; afterIndex: number; point: Point } | null = null;
  let bestDistance = radius * radius;
  polygons.forEach((ring, r) => {
    const n = pointCount(ring);
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ax = ring[i * 2];
      const ay = ring[i * 2 + 1];
      const bx = ring[j * 2];
      const by = ring[j * 2 + 1];
      const lengthSquared = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((point.x - ax) * (bx - ax) + (point.y - ay) * (by - ay)) / lengthSquared));
      const px = ax + t * (bx - ax);
      const py = ay + t * (by - ay);
      const distance = (point.x - px) ** 2 + (point.y - py) ** 2;
      if (distance <= bestDistance) {
        bestDistance = distance;
        best = { ring: r, afterIndex: i, point: { x: px, y: py } };
      }
    }
  });
  return best;
}

/** Even-odd point-in-polygon over all rings (holes excluded), as the mask is defined. */
export function containsPoint(polygons: readonly FlatPolygon[], point: Point): boolean {
  let inside = false;
  for (const ring of polygons) {
    const n = pointCount(ring);
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[i * 2];
      const yi = ring[i * 2 + 1];
      const xj = ring[j * 2];
      const yj = ring[j * 2 + 1];
      if (yi > point.y !== yj > point.y && point.x < ((xj - xi) * (point.y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Axis-aligned bounds of all rings, or null for no points. */
export function polygonBounds(polygons: readonly FlatPolygon[]): { minX: number; minY: number; maxX: number; maxY: number } | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of polygons) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      minX = Math.min(minX, ring[i]);
      maxX = Math.max(maxX, ring[i]);
      minY = Math.min(minY, ring[i + 1]);
      maxY = Math.max(maxY, ring[i + 1]);
    }
  }
  return minX === Infinity ? null : { minX, minY, maxX, maxY };
}
