// The pieces every tool state is made of (tldraw's StateNode): the input events a state sees, and
// the base class of child states. A child state knows its parent only as something it can ask to
// `transition(name, info)`, and acts on the app only through the Editor facade, so no child state
// imports the tool that owns it.
import type { Point } from '../editing/polygon-edits';
import type { Editor } from './editor';

export interface PointerInfo {
  /** Image pixels. */
  point: Point;
  /** CSS pixels relative to the canvas. */
  screen: Point;
  /** DOM button: 0 left, 1 middle, 2 right. */
  button: number;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  /** Where the button went down (image pixels), when a state hands a drag in progress to the next one. */
  origin?: Point;
}

export interface KeyInfo {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
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
  /** Ctrl+Z while a gesture is open: step the gesture back instead of the document; true when handled. */
  onUndo?(): boolean;
}

/** What a child state may ask of the tool that owns it. */
export interface StateParent {
  transition(name: string, info?: PointerInfo | null): void;
}

export abstract class ChildState implements ToolState {
  abstract readonly name: string;
  constructor(
    protected readonly parent: StateParent,
    protected readonly editor: Editor,
  ) {}
}

/** Pointer moved far enough (screen pixels) from where it went down to count as a drag. */
export function isDrag(from: PointerInfo, to: PointerInfo, thresholdPx = 3): boolean {
  return Math.hypot(to.screen.x - from.screen.x, to.screen.y - from.screen.y) > thresholdPx;
}
