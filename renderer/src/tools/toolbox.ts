// The tools by name, and the routing of input to the active one.
import type { ToolName } from '../state/session';
import { DrawTool } from './draw/DrawTool';
import { SegmentTool } from './segment/SegmentTool';
import { SelectTool } from './select/SelectTool';
import type { KeyInfo, PointerInfo, Tool, ToolContext } from './tool';

export interface Toolbox {
  readonly tools: Record<ToolName, Tool>;
  active(): Tool;
  setTool(name: ToolName): void;
  pointerDown(info: PointerInfo): void;
  pointerMove(info: PointerInfo): void;
  pointerUp(info: PointerInfo): void;
  doubleClick(info: PointerInfo): void;
  keyDown(key: KeyInfo): boolean;
}

export function createToolbox(context: ToolContext): Toolbox {
  const tools: Record<ToolName, Tool> = {
    select: new SelectTool(context),
    draw: new DrawTool(context),
    segment: new SegmentTool(context),
  };
  const active = () => tools[context.store.getState().session.tool];
  return {
    tools,
    active,
    setTool(name) {
      const current = active();
      if (current.name === name) return;
      current.deactivate();
      context.store.getState().actions.setSession({ tool: name });
    },
    pointerDown: (info) => active().pointerDown(info),
    pointerMove: (info) => active().pointerMove(info),
    pointerUp: (info) => active().pointerUp(info),
    doubleClick: (info) => active().doubleClick(info),
    keyDown: (key) => active().keyDown(key),
  };
}
