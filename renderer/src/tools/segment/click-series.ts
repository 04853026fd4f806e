// The click series the segment tool's states share: where the last click was, which scale, and the
// instance it produced. A series is one gesture: a mark is set at its first click; Escape bails to
// it (removing what the series added), finishing squashes it into one undo step.
import type { Editor } from '../editor';

export const SEGMENT_MARK = 'click-to-segment';

/** The last click of the series: where (image pixels), which scale, and the instance it produced. */
export interface SegmentSeries {
  imageId: string;
  x: number;
  y: number;
  scaleIndex: number;
  instanceId: string | null;
}

export class ClickSeries {
  current: SegmentSeries | null = null;
  constructor(private readonly editor: Editor) {}

  /** Ends the series, keeping its result as one undo step. */
  finish() {
    if (!this.current) return;
    this.editor.getState().actions.squashToMark(SEGMENT_MARK, 'Click to segment', this.current.imageId);
    this.current = null;
  }
}
