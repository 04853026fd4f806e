// Tools are small state machines (tldraw style): a tool owns named child states, exactly one is
// active, and events go to it. States live in their own files, move between each other with
// `parent.transition(name, info)` and act through the Editor facade. Tools see the pointer in image
// pixels and hit-test in pure code, so Konva only draws.
import type { ToolName } from '../state/session';
import type { Editor } from './editor';
import type { KeyInfo, PointerInfo, StateParent, ToolState } from './state-node';

export abstract class Tool implements StateParent {
  abstract readonly name: ToolName;
  private readonly states = new Map<string, ToolState>();
  private active: ToolState | null = null;

  constructor(readonly editor: Editor) {}

  protected register(states: ToolState[], initial: string) {
    for (const state of states) this.states.set(state.name, state);
    this.active = this.states.get(initial) ?? null;
  }

  get stateName(): string {
    return this.active?.name ?? 'none';
  }

  transition(name: string, info: PointerInfo | null = null) {
    const next = this.states.get(name);
    if (!next) throw new Error(`${this.name} tool has no state "${name}"`);
    this.active?.onExit?.();
    this.active = next;
    next.onEnter?.(info);
  }

  pointerDown(info: PointerInfo) {
    this.active?.onPointerDown?.(info);
  }
  pointerMove(info: PointerInfo) {
    this.active?.onPointerMove?.(info);
  }
  pointerUp(info: PointerInfo) {
    this.active?.onPointerUp?.(info);
  }
  doubleClick(info: PointerInfo) {
    this.active?.onDoubleClick?.(info);
  }
  keyDown(key: KeyInfo): boolean {
    if (key.key === 'Escape') return this.active?.onCancel?.() ?? false;
    return this.active?.onKeyDown?.(key) ?? false;
  }
  /** Undo asked for while this tool is active: true when the gesture in progress took it. */
  undoInGesture(): boolean {
    return this.active?.onUndo?.() ?? false;
  }
  /** The tool is being switched away from: cancel or finish whatever is in progress. */
  deactivate() {
    this.active?.onCancel?.();
  }
}
