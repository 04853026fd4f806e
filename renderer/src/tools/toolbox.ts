// The tools by name, the Editor facade they share, and the routing of input to the active one.
import type { ToolName } from '../state/session';
import { DrawTool } from './draw/DrawTool';
import { createEditor } from './editor';
import type { Editor, ToolContext } from './editor';
import { SegmentTool } from './segment/SegmentTool';
import { SelectTool } from './select/SelectTool';
import type { KeyInfo, PointerInfo } from './state-node';
import type { Tool } from './tool';

export interface Toolbox {
  readonly tools: Record<ToolName, Tool>;
  readonly editor: Editor;
  active(): Tool;
  setTool(name: ToolName): void;
  pointerDown(info: PointerInfo): void;
  pointerMove(info: PointerInfo): void;
  pointerUp(info: PointerInfo): void;
  doubleClick(info: PointerInfo): void;
  keyDown(key: KeyInfo): boolean;
  /** Undo while a gesture is open steps the gesture back (e.g. the last segment click); true when it did. */
  undoInGesture(): boolean;
}

export function createToolbox(context: ToolContext): Toolbox {
  const editor = createEditor(context);
  const tools: Record<ToolName, Tool> = {
    select: new SelectTool(editor),
    draw: new DrawTool(editor),
    segment: new SegmentTool(editor),
  };
  const active = () => tools[context.store.getState().session.tool];
  return {
    tools,
    editor,
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
    undoInGesture: () => active().undoInGesture(),
  };
}
