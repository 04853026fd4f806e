// Bringing masks computed on a downscaled working image back to the original image's resolution
// without ever materialising the full-resolution mask (12000 x 9000 = 108 MB per proposal): the COCO
// RLE is written straight from the small mask with nearest-neighbour sampling, column by column.
import type { FlatPolygon } from '../../shared/api/types';
import type { BinaryMask, Rle } from '../../shared/geometry';

/** Source index of each target index for nearest-neighbour scaling of `source` -> `target` samples. */
function nearestIndices(source: number, target: number): Int32Array {
  const indices = new Int32Array(target);
  for (let i = 0; i < target; i++) indices[i] = Math.min(source - 1, Math.floor(((i + 0.5) * source) / target));
  return indices;
}

/** COCO RLE (column-major, first run background) of `mask` scaled to width x height (nearest). */
export function scaledMaskToRle(mask: BinaryMask, width: number, height: number): Rle {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  const push = (pixelValue: number, length: number): void => {
    if (length <= 0) return;
    if (pixelValue === value) {
      run += length;
      return;
    }
    counts.push(run);
    value = pixelValue;
    run = length;
  };
  const sourceColumns = nearestIndices(mask.width, width);
  const sourceRows = nearestIndices(mask.height, height);
  // Target rows covered by each source row: a contiguous range, since sourceRows is non-decreasing.
  const firstRow = new Int32Array(mask.height).fill(-1);
  const rowCount = new Int32Array(mask.height);
  for (let y = 0; y < height; y++) {
    const sourceRow = sourceRows[y];
    if (firstRow[sourceRow] < 0) firstRow[sourceRow] = y;
    rowCount[sourceRow]++;
  }
  for (let x = 0; x < width; x++) {
    const sourceColumn = sourceColumns[x];
    for (let sourceRow = 0; sourceRow < mask.height; sourceRow++) {
      if (rowCount[sourceRow] === 0) continue;
      push(mask.data[sourceRow * mask.width + sourceColumn] ? 1 : 0, rowCount[sourceRow]);
    }
  }
  counts.push(run);
  return { height, width, counts };
}

/** Polygons of a mask of the working image, in original-image pixels. */
export function scalePolygons(polygons: FlatPolygon[], scaleX: number, scaleY: number): FlatPolygon[] {
  if (scaleX === 1 && scaleY === 1) return polygons;
  return polygons.map((ring) => ring.map((value, index) => (index % 2 === 0 ? value * scaleX : value * scaleY)));
}
