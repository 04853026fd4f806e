// Click-to-segment: a click asks the model for the mask of the object centred there and adds it as
// an editable instance; Shift-click asks for the next larger scale at the clicked point and replaces
// the previous result. A click series is one gesture (see click-series.ts).
import type { Editor } from '../editor';
import { Tool } from '../tool';
import { SegmentIdle } from './childStates/SegmentIdle';
import { ClickSeries } from './click-series';

export class SegmentTool extends Tool {
  readonly name = 'segment';
  readonly series: ClickSeries;

  constructor(editor: Editor) {
    super(editor);
    this.series = new ClickSeries(editor);
    this.register([new SegmentIdle(this, editor, this.series)], 'segment_idle');
  }

  override deactivate() {
    this.series.finish();
  }
}
