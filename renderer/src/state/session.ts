// Session tier: where the user is and what they are doing. Not undone; not part of the saved
// annotations (the current image is remembered locally so reopening returns to it).
import type { ImageId } from '../../../shared/api/types';

export type ToolName = 'select' | 'draw' | 'segment';

/** Screen = image * scale + (x, y). `scale` is screen pixels per image pixel. */
export interface Camera {
  x: number;
  y: number;
  scale: number;
}

/** A vertex of an instance: ring index into `polygons`, point index within the ring (pairs, not numbers). */
export interface VertexRef {
  ring: number;
  index: number;
}

export interface Selection {
  instanceId: string;
  vertex: VertexRef | null;
}

export interface SessionState {
  currentImageId: ImageId | null;
  /** Position of the current image in the project's list, or -1 while unknown. */
  currentIndex: number;
  selection: Selection | null;
  tool: ToolName;
  camera: Camera;
  /** Proposals scoring below this (0..1) are hidden and skipped by Tab / accept-all. */
  scoreThreshold: number;
  /** At most this many pending proposals are shown, best first (0: all above the threshold). */
  proposalLimit: number;
  /** Douglas-Peucker tolerance in image pixels for re-simplifying an instance from its mask. */
  simplifyTolerance: number;
  showRejected: boolean;
  /** Propose automatically when an image without instances is opened and the model is ready. */
  autoPropose: boolean;
  /** The model panel (versions, fine-tuning, statistics) is shown beside the instances. */
  modelPanelOpen: boolean;
  /** The quick category picker (C or /: type to filter, Enter assigns) is open. */
  categoryPickerOpen: boolean;
  /** The export dialog (format, images, unassigned instances, what was written) is open. */
  exportDialogOpen: boolean;
  /** The import dialog (files or a folder; COCO, YOLO segmentation, LabelMe) is open. */
  importDialogOpen: boolean;
}

export const initialSession: SessionState = {
  currentImageId: null,
  currentIndex: -1,
  selection: null,
  tool: 'select',
  camera: { x: 0, y: 0, scale: 1 },
  // The bundled guided model scores a proposal by the share of COCO's ten IoU thresholds (.5:.95) it is
  // expected to meet; below 0.02 is near-certain clutter. The list shows the best ten anyway.
  scoreThreshold: 0.02,
  proposalLimit: 10,
  simplifyTolerance: 1.5,
  showRejected: false,
  autoPropose: true,
  modelPanelOpen: false,
  categoryPickerOpen: false,
  exportDialogOpen: false,
  importDialogOpen: false,
};

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 32;

/** Zooms by `factor` keeping the image point under the screen point (sx, sy) fixed. */
export function zoomAround(camera: Camera, factor: number, sx: number, sy: number): Camera {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, camera.scale * factor));
  const ratio = scale / camera.scale;
  return { scale, x: sx - (sx - camera.x) * ratio, y: sy - (sy - camera.y) * ratio };
}

/** The camera that shows the whole image centred in the viewport with a margin (screen pixels). */
export function fitCamera(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number, margin = 24): Camera {
  if (imageWidth <= 0 || imageHeight <= 0 || viewWidth <= 0 || viewHeight <= 0) return { x: 0, y: 0, scale: 1 };
  const scale = Math.min((viewWidth - 2 * margin) / imageWidth, (viewHeight - 2 * margin) / imageHeight);
  const safe = Math.max(MIN_SCALE, scale > 0 ? scale : MIN_SCALE);
  return { scale: safe, x: (viewWidth - imageWidth * safe) / 2, y: (viewHeight - imageHeight * safe) / 2 };
}

/** 100%: one image pixel per screen pixel, keeping the viewport centre fixed. */
export function actualSizeCamera(camera: Camera, viewWidth: number, viewHeight: number): Camera {
  return zoomAround(camera, 1 / camera.scale, viewWidth / 2, viewHeight / 2);
}

export function screenToImage(camera: Camera, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - camera.x) / camera.scale, y: (sy - camera.y) / camera.scale };
}

/**
 * The long side (pixels) to fetch the image at for this zoom: the next power of two at or above
 * what the screen shows (times the device pixel ratio), never above the original. Fetching levels
 * instead of the full bitmap keeps a 20-megapixel photo cheap when zoomed out.
 */
export function displayLevel(imageLongSide: number, scale: number, devicePixelRatio = 1): number {
  const needed = imageLongSide * scale * devicePixelRatio;
  let level = 256;
  while (level < needed && level < imageLongSide) level *= 2;
  return Math.min(level, imageLongSide);
}
