// Interactive segmentation (as in CVAT, X-AnyLabeling, LabelMe with SAM): a left click on an object
// asks the model for its mask, right click or Alt+click marks background, each further click refines
// the result (every click so far plus the current mask go to the model), a drag draws a box prompt.
// The result stays pending (drawn with its click markers and score) until Enter, another image or
// another tool commits it; Backspace takes back the last click, Escape cancels the whole interaction.
// Shift+click, ] and [ step the scale of a single click. See interaction.ts and prompt.ts.
import type { Editor } from '../editor';
import { Tool } from '../tool';
import { SegmentBoxing } from './childStates/SegmentBoxing';
import { SegmentIdle } from './childStates/SegmentIdle';
import { SegmentPointing } from './childStates/SegmentPointing';
import { SegmentInteractions } from './interaction';

export class SegmentTool extends Tool {
  readonly name = 'segment';
  readonly interactions: SegmentInteractions;

  constructor(editor: Editor) {
    super(editor);
    this.interactions = new SegmentInteractions(editor);
    this.register(
      [new SegmentIdle(this, editor, this.interactions), new SegmentPointing(this, editor, this.interactions), new SegmentBoxing(this, editor, this.interactions)],
      'segment_idle',
    );
  }

  /** Switching tool or image: a press or box in progress is dropped, the open interaction committed. */
  override deactivate() {
    this.transition('segment_idle');
    this.interactions.commit();
  }
}
