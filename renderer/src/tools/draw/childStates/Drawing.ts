// Drawing: points collected so far live in the ephemeral tier until the ring is closed.
import type { FlatPolygon } from '../../../../../shared/api/types';
import { addDrawnInstance, editPolygons } from '../../../editing/instance-edits';
import { currentDocument } from '../../../state/store';
import type { KeyInfo, PointerInfo, ToolState } from '../../tool';
import type { DrawTool } from '../DrawTool';

/** Clicking within this many screen pixels of the first point closes the ring. */
const CLOSE_RADIUS_PX = 8;

export class Drawing implements ToolState {
  readonly name = 'drawing';
  /** Instance the ring is added to (Shift at the first click with a selection), else null: a new instance. */
  private addToInstance: string | null = null;
  constructor(private readonly tool: DrawTool) {}

  private get points(): number[] {
    return this.tool.context.store.getState().ephemeral.drawingPoints ?? [];
  }
  private setPoints(points: number[] | null) {
    this.tool.context.store.getState().actions.setEphemeral({ drawingPoints: points });
  }

  onEnter(info: PointerInfo | null) {
    const state = this.tool.context.store.getState();
    this.addToInstance = info?.shiftKey ? (state.session.selection?.instanceId ?? null) : null;
    this.setPoints(info ? [info.point.x, info.point.y] : []);
  }

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const points = this.points;
    const radius = this.tool.imageRadius(CLOSE_RADIUS_PX);
    if (points.length >= 6 && Math.hypot(info.point.x - points[0], info.point.y - points[1]) <= radius) {
      this.finish();
      return;
    }
    this.setPoints([...points, info.point.x, info.point.y]);
  }

  onPointerMove(info: PointerInfo) {
    this.tool.context.store.getState().actions.setEphemeral({ pointer: info.point });
  }

  onDoubleClick() {
    // The double-click's two clicks already added the same point twice; drop the duplicate and close.
    const points = this.points;
    if (points.length >= 4 && points[points.length - 2] === points[points.length - 4] && points[points.length - 1] === points[points.length - 3]) {
      this.setPoints(points.slice(0, -2));
    }
    this.finish();
  }

  onKeyDown(key: KeyInfo): boolean {
    if (key.key === 'Enter') {
      this.finish();
      return true;
    }
    if (key.key === 'Backspace' || key.key === 'Delete') {
      const points = this.points;
      if (points.length <= 2) this.cancel();
      else this.setPoints(points.slice(0, -2));
      return true;
    }
    return false;
  }

  onCancel() {
    this.cancel();
    return true;
  }

  onExit() {
    this.addToInstance = null;
  }

  private cancel() {
    this.setPoints(null);
    this.tool.transition('draw_idle');
  }

  private finish() {
    const ring: FlatPolygon = this.points;
    const state = this.tool.context.store.getState();
    const document = currentDocument(state);
    if (ring.length < 6 || !document) {
      state.actions.notify('info', 'A polygon needs at least 3 points.');
      return;
    }
    const target = this.addToInstance ? document.instances[this.addToInstance] : undefined;
    if (target) {
      state.actions.execute(editPolygons(document, target.id, [...target.polygons, ring], 'Add ring'));
      state.actions.setSession({ selection: { instanceId: target.id, vertex: null } });
    } else {
      const { command, id } = addDrawnInstance(document, [ring], null);
      state.actions.execute(command);
      state.actions.setSession({ selection: { instanceId: id, vertex: null } });
    }
    this.setPoints(null);
    this.tool.transition('draw_idle');
  }
}
