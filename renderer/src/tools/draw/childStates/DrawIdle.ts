// Waiting for the first point of a new polygon.
import { ChildState } from '../../state-node';
import type { PointerInfo } from '../../state-node';

export class DrawIdle extends ChildState {
  readonly name = 'draw_idle';

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    this.parent.transition('drawing', info);
  }
  onPointerMove(info: PointerInfo) {
    this.editor.setEphemeral({ pointer: info.point });
  }
}
