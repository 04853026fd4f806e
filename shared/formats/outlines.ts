// Polygon formats without holes (YOLO, LabelMe) get each instance as hole-free rings, cut the way
// Ultralytics' COCO converter cuts multi-part COCO polygons (merge_multi_segment): rings are joined
// by a zero-width bridge at their closest vertices, walked out and back. Every hole is bridged into
// the ring around it (a keyhole), so each part is one ring; for YOLO, whose line holds one ring per
// instance, the parts are then bridged into one ring as well.
//
// Why this is exact: a bridge is one segment walked once each way, so it adds two crossings to every
// pixel column it spans and changes nothing under an even-odd fill (COCO's rasteriser per ring,
// OpenCV's fillPoly that Ultralytics uses). A keyholed part therefore fills as its outer ring minus
// its holes, and parts never overlap, so their union equals their even-odd fill.
//
// Which rings are holes is decided by the mask (the truth): the instance's polygons are used as they
// are when they have no nested or overlapping rings (union and even-odd fill agree); otherwise they
// are read as outer rings and holes (even-odd) if that matches the mask at least as well as their
// union, and else (overlapping COCO parts) the mask is traced again into outer rings and holes.
import type { FlatPolygon } from '../api/types';
import { combineRles, decodeRle, maskToPolygons, polygonsToRle, ringsToRle, rleArea, rleIou, type Rle } from '../geometry';

/** Hole-free rings (image pixels) whose union is the instance's shape; [] for an empty instance. */
export function holeFreeParts(polygons: readonly FlatPolygon[], mask: Rle): FlatPolygon[] {
  const rings = polygons.filter(isRing);
  if (rings.length === 0) return rleArea(mask) === 0 ? [] : keyholeParts(tracedRings(mask));
  const union = polygonsToRle(rings, mask.height, mask.width);
  const evenOdd = ringsToRle(rings, mask.height, mask.width);
  if (sameRle(union, evenOdd)) return rings.map((ring) => ring.slice());
  const [[unionIou], [evenOddIou]] = rleIou([union, evenOdd], [mask], [false]);
  return keyholeParts(evenOddIou >= unionIou ? rings : tracedRings(mask));
}

/** One ring through every part: each next part is bridged in at its closest vertex pair. */
export function joinRings(parts: readonly FlatPolygon[]): FlatPolygon {
  if (parts.length === 0) return [];
  let joined = parts[0].slice();
  for (let k = 1; k < parts.length; k++) joined = bridge(joined, parts[k]);
  return joined;
}

/**
 * `ring` with `other` spliced in at their closest pair of vertices (ring[i], other[j]):
 * ring[0..i], other[j..], other[..j], ring[i..]. The segment ring[i]-other[j] is walked both ways.
 */
export function bridge(ring: FlatPolygon, other: FlatPolygon): FlatPolygon {
  let best = Infinity;
  let at = 0;
  let to = 0;
  for (let i = 0; i < ring.length; i += 2) {
    for (let j = 0; j < other.length; j += 2) {
      const distance = (ring[i] - other[j]) ** 2 + (ring[i + 1] - other[j + 1]) ** 2;
      if (distance < best) {
        best = distance;
        at = i;
        to = j;
      }
    }
  }
  return [
    ...ring.slice(0, at + 2),
    ...other.slice(to),
    ...other.slice(0, to + 2),
    ...ring.slice(at),
  ];
}

/** Outer rings (even nesting depth) with the holes directly inside each bridged into it. */
function keyholeParts(rings: readonly FlatPolygon[]): FlatPolygon[] {
  const contains = rings.map((ring, i) => rings.map((other, j) => i !== j && ringInside(ring, other)));
  const depth = contains.map((row) => row.filter(Boolean).length);
  const parts = new Map<number, FlatPolygon>();
  rings.forEach((ring, i) => {
    if (depth[i] % 2 === 0) parts.set(i, ring.slice());
  });
  rings.forEach((ring, i) => {
    if (depth[i] % 2 === 0) return;
    // The ring directly around a hole is the one containing it at one level less deep.
    const parent = contains[i].findIndex((inside, j) => inside && depth[j] === depth[i] - 1);
    if (parent >= 0) parts.set(parent, bridge(parts.get(parent)!, ring));
  });
  return [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
}

/** Outer rings and holes traced from the mask, simplified as the editor does (exact pixel rings if that loses a ring). */
function tracedRings(mask: Rle): FlatPolygon[] {
  const pixels = decodeRle(mask);
  const simplified = maskToPolygons(pixels);
  return simplified.length > 0 ? simplified : maskToPolygons(pixels, { tolerance: 0 });
}

/** Whether `ring` lies inside `other`, judged at its first vertex that is not on `other`'s outline. */
function ringInside(ring: FlatPolygon, other: FlatPolygon): boolean {
  for (let i = 0; i < ring.length; i += 2) {
    const side = pointSide(ring[i], ring[i + 1], other);
    if (side !== 0) return side > 0;
  }
  return false; // the same outline
}

/** 1 inside, -1 outside, 0 on the outline (even-odd ray casting to +x). */
function pointSide(x: number, y: number, ring: FlatPolygon): number {
  let inside = false;
  const count = ring.length / 2;
  for (let k = 0, previous = count - 1; k < count; previous = k++) {
    const x1 = ring[2 * previous];
    const y1 = ring[2 * previous + 1];
    const x2 = ring[2 * k];
    const y2 = ring[2 * k + 1];
    const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
    if (cross === 0 && Math.min(x1, x2) <= x && x <= Math.max(x1, x2) && Math.min(y1, y2) <= y && y <= Math.max(y1, y2)) return 0;
    if (y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
  }
  return inside ? 1 : -1;
}

function isRing(ring: FlatPolygon): boolean {
  return ring.length >= 6 && ring.length % 2 === 0 && ring.every(Number.isFinite);
}

/** Same pixels (the two rasterisers may split runs differently, so counts are not compared). */
function sameRle(a: Rle, b: Rle): boolean {
  return rleArea(combineRles([a, b], 'xor')) === 0;
}
