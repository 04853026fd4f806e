// Waiting for the first point of a new polygon.
import type { PointerInfo, ToolState } from '../../tool';
import type { DrawTool } from '../DrawTool';

export class DrawIdle implements ToolState {
  readonly name = 'draw_idle';
  constructor(private readonly tool: DrawTool) {}

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    this.tool.transition('drawing', info);
  }
  onPointerMove(info: PointerInfo) {
    this.tool.context.store.getState().actions.setEphemeral({ pointer: info.point });
  }
}
