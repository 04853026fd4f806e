// Dragging a vertex: the vertex follows the pointer (kept inside the image), the other vertices stay
// exactly where they are; one "Move vertex" command on release, Escape restores (see PolygonDrag).
import type { FlatPolygon, Instance } from '../../../../../shared/api/types';
import { moveVertex, vertexAt } from '../../../editing/polygon-edits';
import type { Point } from '../../../editing/polygon-edits';
import type { ImageDocument } from '../../../state/document';
import type { VertexRef } from '../../../state/session';
import type { PointerInfo } from '../../state-node';
import { PolygonDrag } from '../polygon-drag';
import type { DragGesture } from '../polygon-drag';

export class DraggingVertex extends PolygonDrag {
  readonly name = 'dragging_vertex';
  protected readonly commitLabel = 'Move vertex';
  private vertex: VertexRef | null = null;
  /** Vertex minus pointer at the start, so the vertex does not jump to the cursor. */
  private grabOffset: Point = { x: 0, y: 0 };

  protected begin(instance: Instance, info: PointerInfo): boolean {
    const vertex = this.editor.getState().session.selection?.vertex ?? null;
    const start = vertex ? vertexAt(instance.polygons, vertex) : null;
    if (!vertex || !start) return false;
    this.vertex = vertex;
    this.grabOffset = { x: start.x - info.point.x, y: start.y - info.point.y };
    return true;
  }

  protected preview(gesture: DragGesture, info: PointerInfo, document: ImageDocument): FlatPolygon[] | null {
    if (!this.vertex) return null;
    const to = {
      x: Math.min(Math.max(info.point.x + this.grabOffset.x, 0), document.width),
      y: Math.min(Math.max(info.point.y + this.grabOffset.y, 0), document.height),
    };
    return moveVertex(gesture.original, this.vertex, to);
  }
}
