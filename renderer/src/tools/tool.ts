// Tools are small state machines (tldraw style): a tool owns named child states, exactly one is
// active, and events go to it. States live in their own files and move between each other with
// `tool.transition(name, info)`. Tools see the pointer in image pixels and hit-test in pure code,
// so Konva only draws.
import type { MaskPilotApi } from '../../../shared/api/contract';
import type { Point } from '../editing/polygon-edits';
import type { EditorStore } from '../state/store';

export interface PointerInfo {
  /** Image pixels. */
  point: Point;
  /** CSS pixels relative to the canvas. */
  screen: Point;
  button: number;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
}

export interface KeyInfo {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
}

export interface ToolContext {
  store: EditorStore;
  api: Pick<MaskPilotApi, 'segmentAt'>;
  /** Called with the latency of each model call the tool makes (ms), for the status bar. */
  reportLatency(latencyMs: number): void;
}

export interface ToolState {
  readonly name: string;
  onEnter?(info: PointerInfo | null): void;
  onExit?(): void;
  onPointerDown?(info: PointerInfo): void;
  onPointerMove?(info: PointerInfo): void;
  onPointerUp?(info: PointerInfo): void;
  onDoubleClick?(info: PointerInfo): void;
  /** Returns true when the key was handled (the app then ignores it). */
  onKeyDown?(key: KeyInfo): boolean;
  /** Escape: abandon the gesture in progress and return to the state before it. */
  onCancel?(): boolean;
}

export abstract class Tool {
  abstract readonly name: string;
  protected states = new Map<string, ToolState>();
  private active: ToolState | null = null;

  constructor(readonly context: ToolContext) {}

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
  /** The tool is being switched away from: cancel or finish whatever is in progress. */
  deactivate() {
    this.active?.onCancel?.();
  }

  /** Screen pixels per image pixel: hit radii are given in screen pixels and converted with this. */
  protected get scale(): number {
    return this.context.store.getState().session.camera.scale;
  }

  /** A radius of `screenPixels` on screen, in image pixels. */
  imageRadius(screenPixels: number): number {
    return screenPixels / this.scale;
  }
}

/** Pointer moved far enough (screen pixels) from where it went down to count as a drag. */
export function isDrag(from: PointerInfo, to: PointerInfo, thresholdPx = 3): boolean {
  return Math.hypot(to.screen.x - from.screen.x, to.screen.y - from.screen.y) > thresholdPx;
}
