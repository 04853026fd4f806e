// Pointing at a vertex: the button is down on a handle but the pointer has not moved enough to drag.
import { ChildState, isDrag } from '../../state-node';
import type { PointerInfo } from '../../state-node';

export class PointingVertex extends ChildState {
  readonly name = 'pointing_vertex';
  private origin: PointerInfo | null = null;

  onEnter(info: PointerInfo | null) {
    this.origin = info;
  }
  onPointerMove(info: PointerInfo) {
    if (this.origin && isDrag(this.origin, info)) this.parent.transition('dragging_vertex', this.origin);
  }
  onPointerUp() {
    this.parent.transition('idle');
  }
  onCancel() {
    this.parent.transition('idle');
    return true;
  }
}
