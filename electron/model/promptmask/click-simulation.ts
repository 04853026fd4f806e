// The field's standard click simulation for interactive segmentation (RITM, Sofiiuk et al. 2022;
// the NoC protocol of Xu et al. 2016): the first click goes to the interior-most point of the object;
// each next click goes to the interior-most point of the larger error, positive where the mask misses
// object, negative where it covers background. "Interior-most" = farthest from the region's boundary,
// the grid's own border counting as boundary (RITM pads the error maps with background before the
// distance transform). Used by the trainer on the 56 x 56 ROI grid and by bench/click-noc.ts on full
// images.

/** A binary grid, row-major, 1 = inside. */
export interface Grid {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Squared Euclidean distance from each inside cell to the nearest outside cell (cells past the
 * border are outside); 0 for outside cells. Felzenszwalb & Huttenlocher's exact two-pass transform.
 */
export function squaredDistanceToOutside(grid: Grid): Float64Array {
  const { width, height, data } = grid;
  if (data.length !== width * height) throw new Error(`grid holds ${data.length} cells, expected ${width}x${height}`);
  // Pad by one outside cell on every side, so the border is boundary.
  const paddedWidth = width + 2;
  const paddedHeight = height + 2;
  const infinity = 1e20;
  const field = new Float64Array(paddedWidth * paddedHeight);
  for (let y = 0; y < paddedHeight; y++) {
    for (let x = 0; x < paddedWidth; x++) {
      const inside = x > 0 && y > 0 && x <= width && y <= height && data[(y - 1) * width + (x - 1)] === 1;
      field[y * paddedWidth + x] = inside ? infinity : 0;
    }
  }
  const line = new Float64Array(Math.max(paddedWidth, paddedHeight));
  const result = new Float64Array(Math.max(paddedWidth, paddedHeight));
  const parabolas = new Int32Array(Math.max(paddedWidth, paddedHeight));
  const bounds = new Float64Array(Math.max(paddedWidth, paddedHeight) + 1);
  for (let x = 0; x < paddedWidth; x++) {
    for (let y = 0; y < paddedHeight; y++) line[y] = field[y * paddedWidth + x];
    transform1d(line, paddedHeight, result, parabolas, bounds);
    for (let y = 0; y < paddedHeight; y++) field[y * paddedWidth + x] = result[y];
  }
  for (let y = 0; y < paddedHeight; y++) {
    for (let x = 0; x < paddedWidth; x++) line[x] = field[y * paddedWidth + x];
    transform1d(line, paddedWidth, result, parabolas, bounds);
    for (let x = 0; x < paddedWidth; x++) field[y * paddedWidth + x] = result[x];
  }
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = field[(y + 1) * paddedWidth + (x + 1)];
  return out;
}

/** 1-D squared distance transform of sampled function f (lower envelope of parabolas). */
function transform1d(f: Float64Array, n: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const d = q - v[k];
    out[q] = d * d + f[v[k]];
  }
}

/** The inside cell farthest from the outside, and that distance (cells); null for an empty grid. */
export function interiorMostPoint(grid: Grid): { x: number; y: number; distance: number } | null {
  const distances = squaredDistanceToOutside(grid);
  let best = -1;
  let bestValue = 0;
  for (let i = 0; i < distances.length; i++) {
    if (distances[i] > bestValue) {
      bestValue = distances[i];
      best = i;
    }
  }
  if (best < 0) return null;
  return { x: best % grid.width, y: Math.floor(best / grid.width), distance: Math.sqrt(bestValue) };
}

/**
 * The next click: the interior-most point of the larger error region (false negatives give a
 * positive click, false positives a negative one), "larger" meaning the farther interior point, as
 * in RITM. `ignore` (optional) marks cells whose errors do not count. Null when nothing is wrong.
 */
export function nextClick(prediction: Grid, target: Grid, ignore?: Uint8Array): { x: number; y: number; positive: boolean; distance: number } | null {
  const { width, height } = target;
  if (prediction.width !== width || prediction.height !== height) throw new Error('nextClick: prediction and target differ in size');
  const missed = new Uint8Array(width * height);
  const extra = new Uint8Array(width * height);
  for (let i = 0; i < missed.length; i++) {
    if (ignore && ignore[i]) continue;
    const p = prediction.data[i];
    const t = target.data[i];
    if (t && !p) missed[i] = 1;
    else if (p && !t) extra[i] = 1;
  }
  const positive = interiorMostPoint({ width, height, data: missed });
  const negative = interiorMostPoint({ width, height, data: extra });
  if (!positive && !negative) return null;
  if (positive && (!negative || positive.distance >= negative.distance)) return { ...positive, positive: true };
  return { ...(negative as { x: number; y: number; distance: number }), positive: false };
}
