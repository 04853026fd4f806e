// Regions of interest of the prompt-mask head and their features. A ROI is a rectangle in view pixels
// (it may hang over the view's border; features there are zero). The head sees it as a 56 x 56 grid
// whose cell (r, c) is centred at (x + (c + 0.5) w / 56, y + (r + 0.5) h / 56): ROI-align with one
// bilinear sample per cell, done by tf.image.cropAndResize on each feature map.
import * as tf from '@tensorflow/tfjs-core';
import { PROMPT_MASK_SIZE } from './network';

export interface Roi {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much a box is widened, per side, into the ROI the head sees: room to grow past a loose box. */
export const BOX_ROI_EXPANSION = 1.4;
/** A ROI is never narrower than this many view pixels (one stride-16 cell on each side of a click). */
export const MIN_ROI_SIDE = 24;

/** The ROI of a box: the same centre, each side BOX_ROI_EXPANSION times longer, at least MIN_ROI_SIDE. */
export function roiAroundBox(box: { x1: number; y1: number; x2: number; y2: number }, expansion = BOX_ROI_EXPANSION): Roi {
  const width = Math.max(MIN_ROI_SIDE, (box.x2 - box.x1) * expansion);
  const height = Math.max(MIN_ROI_SIDE, (box.y2 - box.y1) * expansion);
  return { x: (box.x1 + box.x2) / 2 - width / 2, y: (box.y1 + box.y2) / 2 - height / 2, width, height };
}

/** Centre of grid cell (column, row) of a ROI with `size` cells per side, in view pixels. */
export function cellCentre(roi: Roi, column: number, row: number, size = PROMPT_MASK_SIZE): { x: number; y: number } {
  return { x: roi.x + ((column + 0.5) * roi.width) / size, y: roi.y + ((row + 0.5) * roi.height) / size };
}

/**
 * cropAndResize's box for a ROI on a map of `cells` x `cells` (square) at `stride` view pixels per
 * cell, so that output cell c samples the map at (centre_c / stride - 0.5): cropAndResize places
 * sample c at y1 (M - 1) + c (y2 - y1) (M - 1) / (n - 1).
 */
export function cropBox(roi: Roi, stride: number, cells: number, size: number): [number, number, number, number] {
  const first = (origin: number, extent: number): number => (origin + (0.5 * extent) / size) / stride - 0.5;
  const last = (origin: number, extent: number): number => (origin + ((size - 0.5) * extent) / size) / stride - 0.5;
  const scale = cells - 1;
  return [first(roi.y, roi.height) / scale, first(roi.x, roi.width) / scale, last(roi.y, roi.height) / scale, last(roi.x, roi.width) / scale];
}

export interface RoiFeatures {
  f16: tf.Tensor4D;
  f8: tf.Tensor4D;
  f4: tf.Tensor4D;
}

/**
 * ROI-aligned features of `rois`; `maps` hold one or more views stacked on the batch axis (all of
 * the same size) and `viewIndices[i]` says which view ROI i is on (default: view 0).
 */
export function roiFeatures(maps: { stride16: tf.Tensor4D; stride8: tf.Tensor4D; stride4: tf.Tensor4D }, rois: readonly Roi[], viewIndices?: readonly number[]): RoiFeatures {
  const size = PROMPT_MASK_SIZE;
  const crop = (map: tf.Tensor4D, stride: number, out: number): tf.Tensor4D => {
    const cells = map.shape[1];
    if (map.shape[2] !== cells) throw new Error(`roiFeatures: feature maps must be square, got [${map.shape}]`);
    const boxes = tf.tensor2d(rois.flatMap((roi) => cropBox(roi, stride, cells, out)), [rois.length, 4]);
    const indices = tf.tensor1d(viewIndices ? [...viewIndices] : rois.map(() => 0), 'int32');
    const result = tf.image.cropAndResize(map, boxes, indices, [out, out], 'bilinear', 0);
    tf.dispose([boxes, indices]);
    return result;
  };
  return { f16: crop(maps.stride16, 16, size / 4), f8: crop(maps.stride8, 8, size / 2), f4: crop(maps.stride4, 4, size) };
}
