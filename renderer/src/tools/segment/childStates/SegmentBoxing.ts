// Dragging a box prompt: the box follows the pointer (kept inside the image); on release the model
// is asked for the object in it, and further clicks refine that (the box stays in the prompt).
import type { SegmentBox } from '../../../../../shared/api/types';
import type { Point } from '../../../editing/polygon-edits';
import type { Editor } from '../../editor';
import { ChildState } from '../../state-node';
import type { PointerInfo, StateParent } from '../../state-node';
import type { SegmentInteractions } from '../interaction';

export class SegmentBoxing extends ChildState {
  readonly name = 'segment_boxing';
  private start: Point | null = null;
  private box: SegmentBox | null = null;

  constructor(
    parent: StateParent,
    editor: Editor,
    private readonly interactions: SegmentInteractions,
  ) {
    super(parent, editor);
  }

  onEnter(info: PointerInfo | null) {
    if (!info) return;
    this.start = info.origin ?? info.point;
    this.onPointerMove(info);
  }

  onPointerMove(info: PointerInfo) {
    const document = this.editor.currentDocument();
    if (!this.start || !document) return;
    const clampX = (value: number) => Math.min(Math.max(Math.round(value), 0), document.width);
    const clampY = (value: number) => Math.min(Math.max(Math.round(value), 0), document.height);
    const [x1, x2] = [clampX(this.start.x), clampX(info.point.x)].sort((a, b) => a - b);
    const [y1, y2] = [clampY(this.start.y), clampY(info.point.y)].sort((a, b) => a - b);
    this.box = { x1, y1, x2, y2 };
    this.interactions.setBoxDraft(this.box);
  }

  onPointerUp(info: PointerInfo) {
    this.onPointerMove(info);
    const box = this.box;
    const document = this.editor.currentDocument();
    this.parent.transition('segment_idle');
    if (!box || !document) return;
    if (box.x2 - box.x1 < 1 || box.y2 - box.y1 < 1) {
      this.editor.notify('info', 'The box has no area inside the image.');
      return;
    }
    this.interactions.startBox(document.imageId, box);
  }

  onCancel() {
    this.parent.transition('segment_idle');
    return true;
  }

  onExit() {
    this.start = null;
    this.box = null;
    this.interactions.setBoxDraft(null);
  }
}
