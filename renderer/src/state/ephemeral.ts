// Ephemeral tier: what the pointer is doing right now. Never saved, never undone.
import type { FlatPolygon } from '../../../shared/api/types';

export interface DragPreview {
  instanceId: string;
  /** The polygons as they would be if the gesture ended now (image pixels). */
  polygons: FlatPolygon[];
}

export interface EphemeralState {
  hoverInstanceId: string | null;
  dragPreview: DragPreview | null;
  /** Points clicked so far by the draw tool (flat, image pixels); null when not drawing. */
  drawingPoints: number[] | null;
  /** Where the pointer is, image pixels (for the draw tool's rubber band and the status bar). */
  pointer: { x: number; y: number } | null;
  /** True while a click-to-segment request is in flight. */
  segmentPending: boolean;
  /** Canvas viewport size in CSS pixels. */
  viewport: { width: number; height: number };
}

export const initialEphemeral: EphemeralState = {
  hoverInstanceId: null,
  dragPreview: null,
  drawingPoints: null,
  pointer: null,
  segmentPending: false,
  viewport: { width: 800, height: 600 },
};
