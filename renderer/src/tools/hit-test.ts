// Pure hit testing for the tools: which vertex / edge / instance is under the pointer.
import { containsPoint, nearestEdge, nearestVertex } from '../editing/polygon-edits';
import type { Point } from '../editing/polygon-edits';
import { visibilityOf } from '../state/visibility';
import { orderedInstances } from '../state/document';
import type { ImageDocument } from '../state/document';
import type { SessionState, VertexRef } from '../state/session';

export type HitTarget =
  | { kind: 'vertex'; instanceId: string; vertex: VertexRef }
  | { kind: 'edge'; instanceId: string; ring: number; afterIndex: number; point: Point }
  | { kind: 'instance'; instanceId: string }
  | { kind: 'empty' };

/** Handle hit radius in screen pixels (a little larger than the drawn dot). */
export const VERTEX_HIT_RADIUS_PX = 7;

/**
 * Vertices and edges only of the selected instance (the only one showing handles); otherwise the
 * topmost visible instance containing the point (last drawn is on top).
 */
export function hitTest(document: ImageDocument, session: SessionState, point: Point, radius: number): HitTarget {
  const selectedId = session.selection?.instanceId;
  const selected = selectedId ? document.instances[selectedId] : undefined;
  if (selected) {
    const vertex = nearestVertex(selected.polygons, point, radius);
    if (vertex) return { kind: 'vertex', instanceId: selected.id, vertex };
    const edge = nearestEdge(selected.polygons, point, radius * 0.75);
    if (edge) return { kind: 'edge', instanceId: selected.id, ...edge };
    if (containsPoint(selected.polygons, point)) return { kind: 'instance', instanceId: selected.id };
  }
  const instances = orderedInstances(document);
  const isVisible = visibilityOf(document, session);
  for (let i = instances.length - 1; i >= 0; i--) {
    const instance = instances[i];
    if (isVisible(instance) && containsPoint(instance.polygons, point)) return { kind: 'instance', instanceId: instance.id };
  }
  return { kind: 'empty' };
}
