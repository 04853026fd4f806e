// Pointing at an instance body: a click selects it; moving far enough starts moving the instance.
import { ChildState, isDrag } from '../../state-node';
import type { PointerInfo } from '../../state-node';

export class PointingInstance extends ChildState {
  readonly name = 'pointing_instance';
  private origin: PointerInfo | null = null;

  onEnter(info: PointerInfo | null) {
    this.origin = info;
  }
  onPointerMove(info: PointerInfo) {
    if (this.origin && isDrag(this.origin, info)) this.parent.transition('translating', this.origin);
  }
  onPointerUp() {
    this.parent.transition('idle');
  }
  onCancel() {
    this.parent.transition('idle');
    return true;
  }
}
