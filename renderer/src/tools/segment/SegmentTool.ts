// Click-to-segment: a click asks the model for the mask of the object centred there and adds it as
// an editable instance; Shift-click asks for the next larger scale at the clicked point and replaces
// the previous result. A click series is one gesture: Escape bails to the mark set at its first click
// (removing what it added), finishing it (a plain click elsewhere, another tool) squashes it into
// one undo step.
import { Tool } from '../tool';
import type { ToolContext } from '../tool';
import { SegmentIdle } from './childStates/SegmentIdle';

export const SEGMENT_MARK = 'click-to-segment';

/** The last click of the series: where, which scale, and the instance it produced. */
export interface SegmentSeries {
  imageId: string;
  x: number;
  y: number;
  scaleIndex: number;
  instanceId: string | null;
}

export class SegmentTool extends Tool {
  readonly name = 'segment';
  series: SegmentSeries | null = null;

  constructor(context: ToolContext) {
    super(context);
    this.register([new SegmentIdle(this)], 'segment_idle');
  }

  /** Ends the series, keeping its result as one undo step. */
  finishSeries() {
    if (!this.series) return;
    this.context.store.getState().actions.squashToMark(SEGMENT_MARK, 'Click to segment', this.series.imageId);
    this.series = null;
  }

  override deactivate() {
    this.finishSeries();
  }
}
