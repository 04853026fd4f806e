// Ephemeral tier: what the pointer is doing right now. Never saved, never undone.
import type { FlatPolygon, Instance, SegmentBox, SegmentClick } from '../../../shared/api/types';

export interface DragPreview {
  instanceId: string;
  /** The polygons as they would be if the gesture ended now (image pixels). */
  polygons: FlatPolygon[];
}

/** The segment tool's open interaction as the canvas draws it: its prompt and the uncommitted result. */
export interface SegmentInteractionView {
  imageId: string;
  /** Clicks so far, oldest first, image pixels; positive = on the object, negative = background. */
  clicks: SegmentClick[];
  /** The box prompt (image pixels), or null. */
  box: SegmentBox | null;
  /** Which scale of a single click (0 = the model's best). */
  scaleIndex: number;
  /** The model's answer, shown as a pending mask; not in the document until committed. */
  result: Instance | null;
  /** True while the model is being asked about the current prompt (the result may be for fewer clicks). */
  pending: boolean;
  /** What committing would add the result as: below the auto-accept score it stays 'proposed'. */
  commitStatus: 'accepted' | 'proposed' | null;
}

export interface EphemeralState {
  hoverInstanceId: string | null;
  dragPreview: DragPreview | null;
  /** Points clicked so far by the draw tool (flat, image pixels); null when not drawing. */
  drawingPoints: number[] | null;
  /** Where the pointer is, image pixels (for the draw tool's rubber band and the status bar). */
  pointer: { x: number; y: number } | null;
  /** True while a segment request is in flight or a committed interaction waits for its answer. */
  segmentPending: boolean;
  /** The segment tool's open interaction, or null. */
  segment: SegmentInteractionView | null;
  /** The box being dragged in the segment tool (image pixels), or null. */
  segmentBoxDraft: SegmentBox | null;
  /** Canvas viewport size in CSS pixels. */
  viewport: { width: number; height: number };
}

export const initialEphemeral: EphemeralState = {
  hoverInstanceId: null,
  dragPreview: null,
  drawingPoints: null,
  pointer: null,
  segmentPending: false,
  segment: null,
  segmentBoxDraft: null,
  viewport: { width: 800, height: 600 },
};
