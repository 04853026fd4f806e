// Trunk windows centred at a click, one per pyramid level, computed from crops around the click
// instead of whole levels: a first click on an image then costs about a fifth of a full feature
// pyramid. The crop covers the window plus CLICK_MARGIN_CELLS of context on each side (inside the
// image), starts on the 16 px cell grid so its cells coincide with the full map's, and has sides that
// are multiples of 32 px as the trunk requires. Cells of the window outside the image are zero, as in
// the zero-padded full maps (feature-pyramid.ts), so the heads see the same kind of input. Each crop
// is resized from the decoded image on its own (resizeRgbRegion), never the whole level.
//
// The margin trades agreement with the full-map path for time. On 40 clicks at coco128 object
// centres (20 images, 640 px), windows from crops picked the same scale as the full maps in 34 / 38 /
// 39 cases with margins 0 / 1 / 2 cells, with mean mask IoU against the full-map mask at that scale
// .886 / .926 / .929, and took 102 / 106 / 125 ms (median, all levels). One cell keeps nearly all the
// agreement for 19 ms less.
import * as tf from '@tensorflow/tfjs-core';
import { resizeRgbRegion, type DecodedImage } from './decode';
import { PAD_CELLS } from './feature-pyramid';
import { STRIDE, WINDOW_CELLS, windowCentredAt, type PyramidLevel } from './pyramid';
import { cutWindows as cutMapWindows } from './window-cut';
import type { Trunk } from './trunk';

const CLICK_MARGIN_CELLS = 1;

interface ClickWindow {
  levelIndex: number;
  /** Top-left cell of the window in its level (may be negative: the window hangs over the border). */
  cellX: number;
  cellY: number;
  /** [14, 14, channels] trunk features, row-major. */
  features: Float32Array;
  /** With `fine`: the window's [28, 28, c8] stride-8 and [56, 56, c4] stride-4 features (zero outside the image). */
  fine?: { stride8: Float32Array; stride4: Float32Array };
}

/**
 * The span [start, end) in cells of the crop along one axis of a level `sizeCells` cells long (even),
 * covering the window's cells inside the level plus the margin; its length is even (32 px multiples).
 */
export function cropSpan(windowStart: number, sizeCells: number, margin = CLICK_MARGIN_CELLS): { start: number; end: number } {
  let start = Math.max(0, windowStart - margin);
  let end = Math.min(sizeCells, windowStart + WINDOW_CELLS + margin);
  // The trunk needs multiples of 32 px = 2 cells: grow the crop by one cell, inside the level.
  if ((end - start) % 2 === 1) {
    if (end < sizeCells) end++;
    else start--;
  }
  return { start, end };
}

export async function clickWindows(
  trunk: Trunk,
  image: DecodedImage,
  levels: readonly PyramidLevel[],
  x: number,
  y: number,
  margin = CLICK_MARGIN_CELLS,
  fine = false,
): Promise<ClickWindow[]> {
  const windows: ClickWindow[] = [];
  for (const level of levels) {
    const widthCells = level.width / STRIDE;
    const heightCells = level.height / STRIDE;
    const centred = windowCentredAt(level, x, y);
    // Same clamping as windows cut from the padded full map.
    const cellX = Math.min(Math.max(centred.cellX, -PAD_CELLS), widthCells + PAD_CELLS - WINDOW_CELLS);
    const cellY = Math.min(Math.max(centred.cellY, -PAD_CELLS), heightCells + PAD_CELLS - WINDOW_CELLS);
    const columns = cropSpan(cellX, widthCells, margin);
    const rows = cropSpan(cellY, heightCells, margin);
    const cropWidth = (columns.end - columns.start) * STRIDE;
    const cropHeight = (rows.end - rows.start) * STRIDE;
    const crop = await resizeRgbRegion(image, level.width, level.height, { left: columns.start * STRIDE, top: rows.start * STRIDE, width: cropWidth, height: cropHeight });
    const pixels = (): tf.Tensor3D => tf.cast(tf.tensor3d(crop, [cropHeight, cropWidth, 3], 'int32'), 'float32') as tf.Tensor3D;
    const maps = fine ? tf.tidy(() => trunk.featureLevels(pixels())) : { stride16: tf.tidy(() => trunk.features(pixels())) };
    const read = async (map: tf.Tensor3D | undefined): Promise<Float32Array> => (map ? ((await map.data()) as Float32Array) : new Float32Array(0));
    const [data16, data8, data4] = await Promise.all([read(maps.stride16), read('stride8' in maps ? maps.stride8 : undefined), read('stride4' in maps ? maps.stride4 : undefined)]);
    tf.dispose(Object.values(maps));
    const cropCells = { columns: columns.end - columns.start, rows: rows.end - rows.start };
    /** The window's cells at `factor` x the stride-16 resolution, copied out of the crop's map (zero outside it). */
    const windowOf = (data: Float32Array, channels: number, factor: number): Float32Array =>
      cutMapWindows(
        [{ width: cropCells.columns * factor, height: cropCells.rows * factor, channels, data }],
        [{ cellX: cellX - columns.start, cellY: cellY - rows.start }],
        WINDOW_CELLS,
        factor,
      );
    const features = windowOf(data16, trunk.channels, 1);
    const fineWindows = fine ? { stride8: windowOf(data8, trunk.fineChannels.stride8, 2), stride4: windowOf(data4, trunk.fineChannels.stride4, 4) } : undefined;
    windows.push({ levelIndex: level.index, cellX, cellY, features, ...(fineWindows ? { fine: fineWindows } : {}) });
  }
  return windows;
}
