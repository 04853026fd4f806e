// Trunk features of every pyramid level of one image, zero-padded so that windows hanging over the
// border (centred on objects at the edge) can be cut like any other, plus the window cutting itself.
// The maps are tfjs tensors owned by the FeaturePyramid: dispose() releases them.
import * as tf from '@tensorflow/tfjs-core';
import { resizeRgb, type DecodedImage } from './decode';
import { buildPyramid, WINDOW_CELLS, type PyramidLevel, type PyramidOptions } from './pyramid';
import { cutWindows as cutMapWindows } from './window-cut';
import type { Trunk } from './trunk';
import { clamp } from '../../shared/geometry/clamp';

/** Cells of zero padding on every side of a level's feature map: window centres reach the border. */
export const PAD_CELLS = WINDOW_CELLS / 2;

export interface LevelFeatures {
  level: PyramidLevel;
  /** [height/16 + 2 PAD_CELLS, width/16 + 2 PAD_CELLS, channels]; cell (x, y) of the level is at (x + PAD_CELLS, y + PAD_CELLS). */
  padded: tf.Tensor3D;
  /** The same map read back once (row-major [y][x][c]): windows are cut from it in JS, which is far
   * cheaper on wasm than hundreds of tf.slice calls. */
  data: Float32Array;
  /** Per-level cache of derived maps (e.g. the heads' mask cell map), same layout, owned here. */
  derived: Map<string, { channels: number; data: Float32Array }>;
  /** Stride-8 and stride-4 maps for a mask refiner (computeFeaturePyramid's `fine`), zero-padded by 2 and 4 x PAD_CELLS. */
  fine?: { stride8: PaddedMap; stride4: PaddedMap };
}

/** A zero-padded feature map read back to JS: `height` x `width` cells (padding included) x `channels`. */
interface PaddedMap {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
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

/** `fine`: also keep each level's stride-8 and stride-4 maps (same trunk pass), for heads with a refiner. */
export async function computeFeaturePyramid(trunk: Trunk, image: DecodedImage, options: PyramidOptions, fine = false): Promise<FeaturePyramid> {
  const started = performance.now();
  const levels = buildPyramid(image.width, image.height, options);
  const computed: LevelFeatures[] = [];
  try {
    for (const level of levels) {
      const rgb = await resizeRgb(image, level.width, level.height);
      const pixels = (): tf.Tensor3D => tf.cast(tf.tensor3d(rgb, [level.height, level.width, 3], 'int32'), 'float32') as tf.Tensor3D;
      const pad = (map: tf.Tensor3D, cells: number): tf.Tensor3D => tf.pad(map, [[cells, cells], [cells, cells], [0, 0]]) as tf.Tensor3D;
      if (!fine) {
        const padded = tf.tidy(() => pad(trunk.features(pixels()), PAD_CELLS));
        computed.push({ level, padded, data: padded.dataSync() as Float32Array, derived: new Map() });
        continue;
      }
      const { padded, padded8, padded4 } = tf.tidy(() => {
        const levels = trunk.featureLevels(pixels());
        return { padded: pad(levels.stride16, PAD_CELLS), padded8: pad(levels.stride8, 2 * PAD_CELLS), padded4: pad(levels.stride4, 4 * PAD_CELLS) };
      });
      const read = (map: tf.Tensor3D): PaddedMap => {
        const [height, width, channels] = map.shape;
        const data = map.dataSync() as Float32Array;
        map.dispose();
        return { width, height, channels, data };
      };
      computed.push({ level, padded, data: padded.dataSync() as Float32Array, derived: new Map(), fine: { stride8: read(padded8), stride4: read(padded4) } });
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
 * Copies the windows with top-left level cells `cells` (may be negative, down to -PAD_CELLS) out of a
 * padded map (`data`, row-major [y][x][c] with the level's padded height and width) into one
 * [B, 14, 14, channels] buffer. Positions are clamped into the padded map, so a window never reads
 * outside it.
 */
export function cutWindows(
  features: LevelFeatures,
  data: Float32Array,
  channels: number,
  cells: ReadonlyArray<{ cellX: number; cellY: number }>,
): Float32Array {
  const [paddedHeight, paddedWidth] = features.padded.shape;
  if (data.length !== paddedHeight * paddedWidth * channels) throw new Error(`cutWindows: map holds ${data.length} values, expected ${paddedHeight}x${paddedWidth}x${channels}`);
  const rowLength = WINDOW_CELLS * channels;
  const windowSize = WINDOW_CELLS * rowLength;
  const out = new Float32Array(cells.length * windowSize);
  cells.forEach(({ cellX, cellY }, index) => {
    const row = clamp(cellY + PAD_CELLS, 0, paddedHeight - WINDOW_CELLS);
    const col = clamp(cellX + PAD_CELLS, 0, paddedWidth - WINDOW_CELLS);
    for (let y = 0; y < WINDOW_CELLS; y++) {
      const source = ((row + y) * paddedWidth + col) * channels;
      out.set(data.subarray(source, source + rowLength), index * windowSize + y * rowLength);
    }
  });
  return out;
}

/**
 * The refiner's inputs for windows with top-left level cells `cells` (clamped as cutWindows clamps
 * them): [B, 28, 28, c8] from the stride-8 map and [B, 56, 56, c4] from the stride-4 map.
 */
export function cutFineWindows(features: LevelFeatures, cells: ReadonlyArray<{ cellX: number; cellY: number }>): { stride8: Float32Array; stride4: Float32Array } {
  if (!features.fine) throw new Error('this pyramid was computed without the stride-8 and stride-4 maps a mask refiner needs');
  const clamped = cells.map(({ cellX, cellY }) => clampCell(features, cellX, cellY));
  // The maps are padded and the cells clamped into them, so no window reaches past a map.
  const cut = (map: PaddedMap, factor: number): Float32Array =>
    cutMapWindows(
      clamped.map(() => map),
      clamped.map(({ cellX, cellY }) => ({ cellX: cellX + PAD_CELLS, cellY: cellY + PAD_CELLS })),
      WINDOW_CELLS,
      factor,
    );
  return { stride8: cut(features.fine.stride8, 2), stride4: cut(features.fine.stride4, 4) };
}

/** Clamps a window's top-left cell so the whole window lies inside the padded map. */
export function clampCell(features: LevelFeatures, cellX: number, cellY: number): { cellX: number; cellY: number } {
  const [paddedHeight, paddedWidth] = features.padded.shape;
  return {
    cellX: clamp(cellX + PAD_CELLS, 0, Math.max(0, paddedWidth - WINDOW_CELLS)) - PAD_CELLS,
    cellY: clamp(cellY + PAD_CELLS, 0, Math.max(0, paddedHeight - WINDOW_CELLS)) - PAD_CELLS,
  };
}
