// Mask -> editable polygons: trace pixel-boundary rings (contour-trace.ts), choose vertices with
// Douglas-Peucker, move them so each simplified edge keeps the area of the stretch it replaces
// (ring-fit.ts), and drop rings that collapse. Outer rings run clockwise on screen (positive
// shoelace area in image coordinates, y down) and holes counter-clockwise; rasterise the result
// with ringsToRle (even-odd), which gives back the mask exactly when tolerance is 0 and
// approximately otherwise.
import { ApiError } from '../api/errors';
import type { FlatPolygon } from '../api/types';
import type { BinaryMask } from './mask';
import { traceContours } from './contour-trace';
import { fitKeptVertices } from './ring-fit';
import { douglasPeuckerIndices, ringSignedArea } from './simplify';

/** Default simplification tolerance in pixels: visually faithful, a few dozen vertices per object. */
export const DEFAULT_TOLERANCE = 1.5;

/**
 * Outer rings and holes of the mask, in the order their topmost boundary edge is met scanning rows
 * top to bottom. `tolerance` (pixels, default 1.5) bounds how far a dropped corner lies from the
 * simplified outline; 0 returns the exact pixel-corner rings. Every ring has at least 3 points and
 * non-zero area of the same sign as the traced ring.
 */
export function maskToPolygons(mask: BinaryMask, options?: { tolerance?: number }): FlatPolygon[] {
  const tolerance = options?.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new ApiError('INVALID_ARGUMENT', `simplification tolerance must be a finite number >= 0 pixels, got ${tolerance}`);
  }
  const polygons: FlatPolygon[] = [];
  for (const ring of traceContours(mask)) {
    let simplified = ring;
    if (tolerance > 0) {
      const kept = douglasPeuckerIndices(ring, tolerance);
      simplified = kept.length < 3 ? [] : fitKeptVertices(ring, kept, tolerance);
    }
    // A ring thinner than the tolerance can collapse or turn inside out; it is dropped.
    if (simplified.length >= 6 && Math.sign(ringSignedArea(simplified)) === Math.sign(ringSignedArea(ring))) polygons.push(simplified);
  }
  return polygons;
}
