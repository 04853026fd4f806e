// The button is down: released where it went down it is a click (left positive; right or Alt+left
// negative; Shift+left steps the scale of a single click), dragged beyond BOX_DRAG_PX with the plain
// left button it becomes a box (segment_boxing).
import type { Editor } from '../../editor';
import { ChildState, isDrag } from '../../state-node';
import type { PointerInfo, StateParent } from '../../state-node';
import type { SegmentInteractions } from '../interaction';

/** A left drag longer than this (screen pixels) draws a box instead of clicking. */
export const BOX_DRAG_PX = 5;

export class SegmentPointing extends ChildState {
  readonly name = 'segment_pointing';
  private origin: PointerInfo | null = null;

  constructor(
    parent: StateParent,
    editor: Editor,
    private readonly interactions: SegmentInteractions,
  ) {
    super(parent, editor);
  }

  onEnter(info: PointerInfo | null) {
    this.origin = info;
  }

  onPointerMove(info: PointerInfo) {
    const origin = this.origin;
    const plainLeft = origin && origin.button === 0 && !origin.altKey && !origin.shiftKey;
    if (plainLeft && isDrag(origin, info, BOX_DRAG_PX)) this.parent.transition('segment_boxing', { ...info, origin: origin.point });
  }

  onPointerUp() {
    const origin = this.origin;
    this.parent.transition('segment_idle');
    if (origin) this.click(origin);
  }

  onCancel() {
    this.parent.transition('segment_idle');
    return true;
  }

  onExit() {
    this.origin = null;
  }

  private click(info: PointerInfo) {
    const document = this.editor.currentDocument();
    if (!document) return;
    const { x, y } = info.point;
    if (!(x >= 0 && y >= 0 && x < document.width && y < document.height)) {
      this.editor.notify('info', 'Click inside the image.');
      return;
    }
    const positive = info.button === 0 && !info.altKey;
    if (positive && info.shiftKey) {
      // Shift+click asks the single click's next scale; outside such an interaction it must not
      // quietly start another one (that added a duplicate of the object already there).
      if (this.interactions.stepScale(1)) return;
      this.editor.notify(
        'info',
        this.interactions.isOpen ? 'Shift+click steps the scale of a single click only; Backspace back to one click first.' : 'Shift+click steps to the next scale of the current click: click the object first.',
      );
      return;
    }
    const pixel = { x: Math.min(Math.round(x), document.width - 1), y: Math.min(Math.round(y), document.height - 1) };
    this.interactions.click(document.imageId, { ...pixel, positive });
  }
}
