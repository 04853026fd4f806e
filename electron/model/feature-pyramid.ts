// Trunk features of every pyramid level of one image, zero-padded so that windows hanging over the
// border (centred on objects at the edge) can be cut like any other, plus the window cutting itself.
// The maps are tfjs tensors owned by the FeaturePyramid: dispose() releases them.
import * as tf from '@tensorflow/tfjs-core';
import { resizeRgb, type DecodedImage } from './decode';
import { buildPyramid, WINDOW_CELLS, type PyramidLevel, type PyramidOptions } from './pyramid';
import type { Trunk } from './trunk';

/** Cells of zero padding on every side of a level's feature map: window centres reach the border. */
export const PAD_CELLS = WINDOW_CELLS / 2;

export interface LevelFeatures {
  level: PyramidLevel;
  /** [height/16 + 2 PAD_CELLS, width/16 + 2 PAD_CELLS, channels]; cell (x, y) of the level is at (x + PAD_CELLS, y + PAD_CELLS). */
  padded: tf.Tensor3D;
}

export interface FeaturePyramid {
  /** Size of the (possibly downscaled) image the levels were built from, pixels. */
  width: number;
  height: number;
  levels: LevelFeatures[];
  /** Milliseconds spent resizing and running the trunk. */
  trunkMs: number;
  dispose(): void;
}

export async function computeFeaturePyramid(trunk: Trunk, image: DecodedImage, options: PyramidOptions): Promise<FeaturePyramid> {
  const started = performance.now();
  const levels = buildPyramid(image.width, image.height, options);
  const computed: LevelFeatures[] = [];
  try {
    for (const level of levels) {
      const rgb = await resizeRgb(image, level.width, level.height);
      const padded = tf.tidy(() => {
        const pixels = tf.cast(tf.tensor3d(rgb, [level.height, level.width, 3], 'int32'), 'float32') as tf.Tensor3D;
        const features = trunk.features(pixels);
        return tf.pad(features, [[PAD_CELLS, PAD_CELLS], [PAD_CELLS, PAD_CELLS], [0, 0]]) as tf.Tensor3D;
      });
      computed.push({ level, padded });
    }
  } catch (error) {
    for (const entry of computed) entry.padded.dispose();
    throw error;
  }
  let disposed = false;
  return {
    width: image.width,
    height: image.height,
    levels: computed,
    trunkMs: performance.now() - started,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const entry of computed) entry.padded.dispose();
    },
  };
}

/**
 * Stacks the windows with top-left level cells `cells` (may be negative, down to -PAD_CELLS) into
 * [B, 14, 14, C]. Positions are clamped into the padded map, so a window never reads outside it.
 */
export function cutWindows(features: LevelFeatures, cells: ReadonlyArray<{ cellX: number; cellY: number }>): tf.Tensor4D {
  const [paddedHeight, paddedWidth, channels] = features.padded.shape;
  return tf.tidy(() => {
    const windows = cells.map(({ cellX, cellY }) => {
      const row = clamp(cellY + PAD_CELLS, 0, paddedHeight - WINDOW_CELLS);
      const col = clamp(cellX + PAD_CELLS, 0, paddedWidth - WINDOW_CELLS);
      return tf.slice(features.padded, [row, col, 0], [WINDOW_CELLS, WINDOW_CELLS, channels]);
    });
    return tf.stack(windows) as tf.Tensor4D;
  });
}

/** Clamps a window's top-left cell so the whole window lies inside the padded map. */
export function clampCell(features: LevelFeatures, cellX: number, cellY: number): { cellX: number; cellY: number } {
  const [paddedHeight, paddedWidth] = features.padded.shape;
  return {
    cellX: clamp(cellX + PAD_CELLS, 0, Math.max(0, paddedWidth - WINDOW_CELLS)) - PAD_CELLS,
    cellY: clamp(cellY + PAD_CELLS, 0, Math.max(0, paddedHeight - WINDOW_CELLS)) - PAD_CELLS,
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
