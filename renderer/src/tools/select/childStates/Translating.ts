// Moving a whole instance: preview while dragging, one "Move instance" command on release,
// Escape restores. The offset is kept inside the image so no ring leaves it.
import { polygonBounds, translatePolygons } from '../../../editing/polygon-edits';
import type { Point } from '../../../editing/polygon-edits';
import { editPolygons } from '../../../editing/instance-edits';
import type { FlatPolygon } from '../../../../../shared/api/types';
import { currentDocument } from '../../../state/store';
import type { PointerInfo, ToolState } from '../../tool';
import type { SelectTool } from '../SelectTool';

export class Translating implements ToolState {
  readonly name = 'translating';
  private gesture: { instanceId: string; original: FlatPolygon[]; start: Point } | null = null;
  constructor(private readonly tool: SelectTool) {}

  onEnter(info: PointerInfo | null) {
    const state = this.tool.context.store.getState();
    const selection = state.session.selection;
    const instance = selection ? currentDocument(state)?.instances[selection.instanceId] : undefined;
    if (!instance || !info) {
      this.tool.transition('idle');
      return;
    }
    this.gesture = { instanceId: instance.id, original: instance.polygons, start: info.point };
  }

  onPointerMove(info: PointerInfo) {
    const gesture = this.gesture;
    const document = currentDocument(this.tool.context.store.getState());
    if (!gesture || !document) return;
    const bounds = polygonBounds(gesture.original);
    if (!bounds) return;
    const dx = clamp(info.point.x - gesture.start.x, -bounds.minX, document.width - bounds.maxX);
    const dy = clamp(info.point.y - gesture.start.y, -bounds.minY, document.height - bounds.maxY);
    const polygons = translatePolygons(gesture.original, dx, dy);
    this.tool.context.store.getState().actions.setEphemeral({ dragPreview: { instanceId: gesture.instanceId, polygons } });
  }

  onPointerUp() {
    const state = this.tool.context.store.getState();
    const preview = state.ephemeral.dragPreview;
    const document = currentDocument(state);
    if (this.gesture && preview && document) {
      state.actions.execute(editPolygons(document, this.gesture.instanceId, preview.polygons, 'Move instance'));
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

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
