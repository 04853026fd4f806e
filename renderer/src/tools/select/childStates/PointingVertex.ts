// Pointing at a vertex: the button is down on a handle but the pointer has not moved enough to drag.
import { isDrag } from '../../tool';
import type { PointerInfo, ToolState } from '../../tool';
import type { SelectTool } from '../SelectTool';

export class PointingVertex implements ToolState {
  readonly name = 'pointing_vertex';
  private origin: PointerInfo | null = null;
  constructor(private readonly tool: SelectTool) {}

  onEnter(info: PointerInfo | null) {
    this.origin = info;
  }
  onPointerMove(info: PointerInfo) {
    if (this.origin && isDrag(this.origin, info)) this.tool.transition('dragging_vertex', this.origin);
  }
  onPointerUp() {
    this.tool.transition('idle');
  }
  onCancel() {
    this.tool.transition('idle');
    return true;
  }
}
