// Drawing: points collected so far live in the ephemeral tier until the ring is closed.
import type { FlatPolygon } from '../../../../../shared/api/types';
import { addDrawnInstance, editPolygons } from '../../../editing/instance-edits';
import { ChildState } from '../../state-node';
import type { KeyInfo, PointerInfo } from '../../state-node';

/** Clicking within this many screen pixels of the first point closes the ring. */
const CLOSE_RADIUS_PX = 8;

export class Drawing extends ChildState {
  readonly name = 'drawing';
  /** Instance the ring is added to (Shift at the first click with a selection), else null: a new instance. */
  private addToInstance: string | null = null;

  private get points(): number[] {
    return this.editor.getState().ephemeral.drawingPoints ?? [];
  }
  private setPoints(points: number[] | null) {
    this.editor.setEphemeral({ drawingPoints: points });
  }

  onEnter(info: PointerInfo | null) {
    this.addToInstance = info?.shiftKey ? (this.editor.getState().session.selection?.instanceId ?? null) : null;
    this.setPoints(info ? [info.point.x, info.point.y] : []);
  }

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const points = this.points;
    const radius = this.editor.imageRadius(CLOSE_RADIUS_PX);
    if (points.length >= 6 && Math.hypot(info.point.x - points[0], info.point.y - points[1]) <= radius) {
      this.finish();
      return;
    }
    this.setPoints([...points, info.point.x, info.point.y]);
  }

  onPointerMove(info: PointerInfo) {
    this.editor.setEphemeral({ pointer: info.point });
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
    this.parent.transition('draw_idle');
  }

  private finish() {
    const ring: FlatPolygon = this.points;
    const document = this.editor.currentDocument();
    if (ring.length < 6 || !document) {
      this.editor.notify('info', 'A polygon needs at least 3 points.');
      return;
    }
    const target = this.addToInstance ? document.instances[this.addToInstance] : undefined;
    if (target) {
      this.editor.execute(editPolygons(document, target.id, [...target.polygons, ring], 'Add ring'));
      this.editor.select({ instanceId: target.id, vertex: null });
    } else {
      const { command, id } = addDrawnInstance(document, [ring], null);
      this.editor.execute(command);
      this.editor.select({ instanceId: id, vertex: null });
    }
    this.setPoints(null);
    this.parent.transition('draw_idle');
  }
}
