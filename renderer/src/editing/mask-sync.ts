// The one place the editor touches shared/geometry: keeps an instance's mask (RLE, the source of
// truth) and its polygons (the editable view) consistent after an edit.
import { decodeRle, fromCocoRle, maskToPolygons, ringsToRle, toCocoRle } from '../../../shared/geometry';
import type { CocoRle, FlatPolygon, Instance } from '../../../shared/api/types';

/** Rasterises rings (even-odd: a ring inside another is a hole) into a full-image COCO RLE. */
export function rleFromPolygons(polygons: readonly FlatPolygon[], height: number, width: number): CocoRle {
  return toCocoRle(ringsToRle(polygons.map((ring) => ring.slice()), height, width));
}

/** Traces the stored mask again with a Douglas-Peucker tolerance (image pixels). */
export function polygonsFromRle(rle: CocoRle, tolerance: number): FlatPolygon[] {
  return maskToPolygons(decodeRle(fromCocoRle(rle)), { tolerance });
}

/**
 * The instance after its polygons were edited by hand: mask recomputed, status 'edited'. A model
 * proposal keeps the mask it was proposed with as `proposalRle` on its first edit (never replaced
 * afterwards), so the per-version statistics can measure how far the annotator had to move it.
 */
export function withEditedPolygons(instance: Instance, polygons: FlatPolygon[], height: number, width: number): Instance {
  const edited: Instance = { ...instance, polygons, rle: rleFromPolygons(polygons, height, width), status: 'edited' };
  if (instance.source === 'model' && instance.proposalRle === undefined) edited.proposalRle = instance.rle;
  return edited;
}
