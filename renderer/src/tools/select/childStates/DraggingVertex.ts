// Dragging a vertex: the moved polygon lives in the ephemeral drag preview while the pointer moves
// (nothing saved, nothing undoable yet); pointer up commits one "Move vertex" command; Escape drops
// the preview, leaving the document exactly as before the gesture.
import { moveVertex, vertexAt } from '../../../editing/polygon-edits';
import type { Point } from '../../../editing/polygon-edits';
import { editPolygons } from '../../../editing/instance-edits';
import type { FlatPolygon } from '../../../../../shared/api/types';
import type { VertexRef } from '../../../state/session';
import { currentDocument } from '../../../state/store';
import type { PointerInfo, ToolState } from '../../tool';
import type { SelectTool } from '../SelectTool';

export class DraggingVertex implements ToolState {
  readonly name = 'dragging_vertex';
  private gesture: { instanceId: string; vertex: VertexRef; original: FlatPolygon[]; grabOffset: Point } | null = null;
  constructor(private readonly tool: SelectTool) {}

  onEnter(info: PointerInfo | null) {
    const state = this.tool.context.store.getState();
    const selection = state.session.selection;
    const instance = selection ? currentDocument(state)?.instances[selection.instanceId] : undefined;
    const start = selection?.vertex && instance ? vertexAt(instance.polygons, selection.vertex) : null;
    if (!selection?.vertex || !instance || !start || !info) {
      this.tool.transition('idle');
      return;
    }
    // Keep the offset between the pointer and the vertex so the vertex does not jump to the cursor.
    this.gesture = {
      instanceId: instance.id,
      vertex: selection.vertex,
      original: instance.polygons,
      grabOffset: { x: start.x - info.point.x, y: start.y - info.point.y },
    };
  }

  onPointerMove(info: PointerInfo) {
    const gesture = this.gesture;
    const document = currentDocument(this.tool.context.store.getState());
    if (!gesture || !document) return;
    // Only the moved vertex is kept inside the image; the others stay exactly as they are.
    const to = {
      x: Math.min(Math.max(info.point.x + gesture.grabOffset.x, 0), document.width),
      y: Math.min(Math.max(info.point.y + gesture.grabOffset.y, 0), document.height),
    };
    const polygons = moveVertex(gesture.original, gesture.vertex, to);
    this.tool.context.store.getState().actions.setEphemeral({ dragPreview: { instanceId: gesture.instanceId, polygons } });
  }

  onPointerUp() {
    const state = this.tool.context.store.getState();
    const preview = state.ephemeral.dragPreview;
    const document = currentDocument(state);
    if (this.gesture && preview && document) {
      state.actions.execute(editPolygons(document, this.gesture.instanceId, preview.polygons, 'Move vertex'));
    }
    this.finish();
  }

  onCancel() {
    this.finish();
    return true;
  }

  onExit() {
    this.gesture = null;
  }

  private finish() {
    this.tool.context.store.getState().actions.setEphemeral({ dragPreview: null });
    this.tool.transition('idle');
  }
}
