// Feature maps read back to JS and the one routine that copies windows out of them: shared by
// inference (the feature pyramid, click crops, InstanceFCN) and training (the trainers' cached views).
/** A window's top-left cell on a feature map (stride-16 cells; may be negative past the border). */
export interface WindowPosition {
  cellX: number;
  cellY: number;
}

/** A feature map of one view: `height` x `width` cells x `channels`, row-major [y][x][c], float32. */
export interface FeatureMap {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
  /** The same view's stride-8 and stride-4 maps, for heads with a mask refiner (FeatureCacheOptions.fine). */
  fine?: { stride8: PlainFeatureMap; stride4: PlainFeatureMap };
}

export type PlainFeatureMap = Omit<FeatureMap, 'fine'>;

/**
 * Copies the `cells` x `cells` windows at `positions` (top-left cells) out of `maps` into one
 * [B, cells * factor, cells * factor, channels] buffer; cells outside a map (windows past the image
 * border) are zero. Positions and `cells` count stride-16 cells; with `factor` 2 or 4 the maps are the
 * same views' stride-8 or stride-4 maps, and the same windows are cut at that finer resolution.
 */
export function cutWindows(maps: readonly PlainFeatureMap[], stride16Positions: readonly WindowPosition[], stride16Cells: number, factor = 1): Float32Array {
  if (maps.length !== stride16Positions.length) throw new Error(`cutWindows: ${maps.length} maps for ${stride16Positions.length} positions`);
  if (maps.length === 0) return new Float32Array(0);
  const cells = stride16Cells * factor;
  const positions = factor === 1 ? stride16Positions : stride16Positions.map(({ cellX, cellY }) => ({ cellX: cellX * factor, cellY: cellY * factor }));
  const channels = maps[0].channels;
  const windowSize = cells * cells * channels;
  const out = new Float32Array(maps.length * windowSize);
  maps.forEach((map, index) => {
    if (map.channels !== channels) throw new Error(`cutWindows: maps have ${channels} and ${map.channels} channels`);
    const { cellX, cellY } = positions[index];
    for (let row = 0; row < cells; row++) {
      const y = cellY + row;
      if (y < 0 || y >= map.height) continue;
      const x0 = Math.max(cellX, 0);
      const x1 = Math.min(cellX + cells, map.width);
      if (x1 <= x0) continue;
      const source = (y * map.width + x0) * channels;
      const target = index * windowSize + (row * cells + (x0 - cellX)) * channels;
      out.set(map.data.subarray(source, source + (x1 - x0) * channels), target);
    }
  });
  return out;
}
