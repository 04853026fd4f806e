// Pointing at an instance body: a click selects it; moving far enough starts moving the instance.
import { isDrag } from '../../tool';
import type { PointerInfo, ToolState } from '../../tool';
import type { SelectTool } from '../SelectTool';

export class PointingInstance implements ToolState {
  readonly name = 'pointing_instance';
  private origin: PointerInfo | null = null;
  constructor(private readonly tool: SelectTool) {}

  onEnter(info: PointerInfo | null) {
    this.origin = info;
  }
  onPointerMove(info: PointerInfo) {
    if (this.origin && isDrag(this.origin, info)) this.tool.transition('translating', this.origin);
  }
  onPointerUp() {
    this.tool.transition('idle');
  }
  onCancel() {
    this.tool.transition('idle');
    return true;
  }
}
