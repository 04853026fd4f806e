// Commands for geometric edits of one instance (vertex drag, insert, delete, move, re-simplify,
// new polygon). Each returns a Command (or null when nothing changes), ready for store.execute.
import type { FlatPolygon, Instance, InstanceSource } from '../../../shared/api/types';
import { addInstances, removeInstances, updateInstances } from '../state/commands';
import type { Command } from '../state/commands';
import { newInstanceId } from '../state/document';
import type { ImageDocument } from '../state/document';
import { polygonsFromRle, rleFromPolygons, withEditedPolygons } from './mask-sync';

/** Replaces an instance's polygons with hand-edited ones (recomputing its mask). */
export function editPolygons(document: ImageDocument, instanceId: string, polygons: FlatPolygon[], label: string): Command | null {
  return updateInstances(
    document,
    [instanceId],
    (instance) => withEditedPolygons(instance, polygons, document.height, document.width),
    label,
  );
}

/** Deletes the instance when its last ring goes away. */
export function editOrRemove(document: ImageDocument, instanceId: string, polygons: FlatPolygon[] | null, label: string): Command | null {
  return polygons === null ? removeInstances(document, [instanceId], label) : editPolygons(document, instanceId, polygons, label);
}

/** Re-traces the polygons from the stored mask; the mask does not change, so neither does the status. */
export function resimplify(document: ImageDocument, instanceId: string, tolerance: number): Command | null {
  return updateInstances(
    document,
    [instanceId],
    (instance) => {
      const polygons = polygonsFromRle(instance.rle, tolerance);
      return polygons.length === 0 ? instance : { ...instance, polygons };
    },
    `Re-simplify (tolerance ${tolerance})`,
  );
}

/** A new instance from rings drawn by hand: accepted, no score, mask rasterised from the rings. */
export function addDrawnInstance(document: ImageDocument, polygons: FlatPolygon[], categoryId: number | null): { command: Command | null; id: string } {
  const id = newInstanceId(document, 'manual');
  const instance = newInstance(id, polygons, rleFromPolygons(polygons, document.height, document.width), 'manual', categoryId);
  return { command: addInstances(document, [instance], 'Draw polygon'), id };
}

function newInstance(
  id: string,
  polygons: FlatPolygon[],
  rle: Instance['rle'],
  source: InstanceSource,
  categoryId: number | null,
): Instance {
  return { id, polygons, rle, score: null, status: 'accepted', source, categoryId, modelVersion: null };
}
