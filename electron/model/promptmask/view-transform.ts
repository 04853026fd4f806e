// Where a 512 x 512 detector view comes from: a rectangle of the image (the whole image, or a crop
// used as a training view or a zoomed click view) resized to fill the view, optionally mirrored.
import { VIEW_SIZE } from './detector-view';

export interface ViewTransform {
  /** The image rectangle the view shows (image pixels). */
  crop: { x: number; y: number; width: number; height: number };
  /** Mirrored left-right after resizing. */
  flipped: boolean;
}

export function wholeImageTransform(width: number, height: number): ViewTransform {
  return { crop: { x: 0, y: 0, width, height }, flipped: false };
}

export function imageToView(transform: ViewTransform, x: number, y: number): { x: number; y: number } {
  const { crop } = transform;
  const vx = ((x - crop.x) * VIEW_SIZE) / crop.width;
  return { x: transform.flipped ? VIEW_SIZE - vx : vx, y: ((y - crop.y) * VIEW_SIZE) / crop.height };
}

export function viewToImage(transform: ViewTransform, x: number, y: number): { x: number; y: number } {
  const { crop } = transform;
  const vx = transform.flipped ? VIEW_SIZE - x : x;
  return { x: crop.x + (vx * crop.width) / VIEW_SIZE, y: crop.y + (y * crop.height) / VIEW_SIZE };
}

/** An image-pixel box in view pixels (x1 < x2 even when mirrored). */
export function boxToView(transform: ViewTransform, box: { x1: number; y1: number; x2: number; y2: number }): { x1: number; y1: number; x2: number; y2: number } {
  const a = imageToView(transform, box.x1, box.y1);
  const b = imageToView(transform, box.x2, box.y2);
  return { x1: Math.min(a.x, b.x), y1: Math.min(a.y, b.y), x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
}

/** A view-pixel box in image pixels. */
export function boxToImage(transform: ViewTransform, box: { x1: number; y1: number; x2: number; y2: number }): { x1: number; y1: number; x2: number; y2: number } {
  const a = viewToImage(transform, box.x1, box.y1);
  const b = viewToImage(transform, box.x2, box.y2);
  return { x1: Math.min(a.x, b.x), y1: Math.min(a.y, b.y), x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
}
