// Candidate mask refinements measured by bench/mask-ceiling.ts (the colour fusion that helped is in
// the product as postprocess.colourRefine; this copy takes the bin count as a parameter). Each takes
// a window's logits pasted into the image (postprocess.pasteLogits) and returns a new logit map of
// the same geometry, thresholded like pasteMask.
//   colour:  Bayesian fusion of the mask with a per-proposal colour model (RGB histograms of the
//            confident inside / outside pixels of the window): logit += lambda * log(P(c|fg)/P(c|bg))
//   guided:  the probability map through a guided filter (He et al.) with the grey image as guide,
//            which snaps a blurry mask's edges to image edges
import { pasteLogits, type RectLogits } from '../../electron/model/postprocess';

/** Interpolated logits over the pixels of a window within the image (column-major, like RectMask). */
export type LogitMap = RectLogits;
export { pasteLogits };

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export function colourRefine(map: LogitMap, rgb: Uint8Array, imageWidth: number, lambda: number, bins = 8): LogitMap {
  const shift = 8 - Math.log2(bins);
  const cells = bins * bins * bins;
  const fg = new Float64Array(cells);
  const bg = new Float64Array(cells);
  const binOf = new Int32Array(map.data.length);
  let nf = 0;
  let nb = 0;
  for (let i = 0; i < map.width; i++) {
    for (let j = 0; j < map.height; j++) {
      const p = ((map.y + j) * imageWidth + map.x + i) * 3;
      const bin = ((rgb[p] >> shift) * bins + (rgb[p + 1] >> shift)) * bins + (rgb[p + 2] >> shift);
      const k = i * map.height + j;
      binOf[k] = bin;
      const prob = sigmoid(map.data[k]);
      if (prob > 0.7) {
        fg[bin]++;
        nf++;
      } else if (prob < 0.2) {
        bg[bin]++;
        nb++;
      }
    }
  }
  const data = new Float32Array(map.data.length);
  if (nf < 50 || nb < 50) {
    data.set(map.data);
    return { ...map, data };
  }
  const alpha = 1;
  const ratio = new Float32Array(cells);
  for (let b = 0; b < cells; b++) ratio[b] = clamp(Math.log((fg[b] + alpha) / (nf + cells * alpha)) - Math.log((bg[b] + alpha) / (nb + cells * alpha)), -4, 4);
  for (let k = 0; k < data.length; k++) data[k] = map.data[k] + lambda * ratio[binOf[k]];
  return { ...map, data };
}

/** Box mean of a column-major width x height map with radius r (clamped window), via a summed-area table. */
function boxMean(values: Float64Array, width: number, height: number, r: number): Float64Array {
  const sat = new Float64Array((width + 1) * (height + 1));
  for (let i = 0; i < width; i++) {
    let column = 0;
    for (let j = 0; j < height; j++) {
      column += values[i * height + j];
      sat[(i + 1) * (height + 1) + j + 1] = sat[i * (height + 1) + j + 1] + column;
    }
  }
  const out = new Float64Array(width * height);
  for (let i = 0; i < width; i++) {
    const a = Math.max(0, i - r);
    const b = Math.min(width, i + r + 1);
    for (let j = 0; j < height; j++) {
      const c = Math.max(0, j - r);
      const d = Math.min(height, j + r + 1);
      const sum = sat[b * (height + 1) + d] - sat[a * (height + 1) + d] - sat[b * (height + 1) + c] + sat[a * (height + 1) + c];
      out[i * height + j] = sum / ((b - a) * (d - c));
    }
  }
  return out;
}

export function guidedRefine(map: LogitMap, rgb: Uint8Array, imageWidth: number, radius: number, eps: number): LogitMap {
  const n = map.data.length;
  const guide = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < map.width; i++) {
    for (let j = 0; j < map.height; j++) {
      const q = ((map.y + j) * imageWidth + map.x + i) * 3;
      const k = i * map.height + j;
      guide[k] = (0.299 * rgb[q] + 0.587 * rgb[q + 1] + 0.114 * rgb[q + 2]) / 255;
      p[k] = sigmoid(map.data[k]);
    }
  }
  const ii = new Float64Array(n);
  const ip = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    ii[k] = guide[k] * guide[k];
    ip[k] = guide[k] * p[k];
  }
  const { width, height } = map;
  const meanI = boxMean(guide, width, height, radius);
  const meanP = boxMean(p, width, height, radius);
  const meanII = boxMean(ii, width, height, radius);
  const meanIP = boxMean(ip, width, height, radius);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const variance = meanII[k] - meanI[k] * meanI[k];
    a[k] = (meanIP[k] - meanI[k] * meanP[k]) / (variance + eps);
    b[k] = meanP[k] - a[k] * meanI[k];
  }
  const meanA = boxMean(a, width, height, radius);
  const meanB = boxMean(b, width, height, radius);
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const q = clamp(meanA[k] * guide[k] + meanB[k], 1e-4, 1 - 1e-4);
    data[k] = Math.log(q / (1 - q));
  }
  return { ...map, data };
}

/** Mean probability of several logit maps (e.g. neighbouring windows of one object) on `target`'s pixels. */
export function averageMaps(target: LogitMap, maps: readonly LogitMap[]): LogitMap {
  const sum = new Float64Array(target.data.length);
  for (const map of maps) {
    for (let i = 0; i < target.width; i++) {
      const x = target.x + i;
      for (let j = 0; j < target.height; j++) {
        const y = target.y + j;
        const mi = x - map.x;
        const mj = y - map.y;
        const inside = mi >= 0 && mj >= 0 && mi < map.width && mj < map.height;
        sum[i * target.height + j] += inside ? sigmoid(map.data[mi * map.height + mj]) : 0;
      }
    }
  }
  const data = new Float32Array(target.data.length);
  for (let k = 0; k < data.length; k++) {
    const q = clamp(sum[k] / maps.length, 1e-4, 1 - 1e-4);
    data[k] = Math.log(q / (1 - q));
  }
  return { ...target, data };
}

/** IoU of a thresholded logit map with a full row-major mask of known area. */
export function mapIou(map: LogitMap, threshold: number, truth: { width: number; data: Uint8Array }, truthArea: number): number {
  let inter = 0;
  let area = 0;
  for (let i = 0; i < map.width; i++) {
    for (let j = 0; j < map.height; j++) {
      if (map.data[i * map.height + j] <= threshold) continue;
      area++;
      if (truth.data[(map.y + j) * truth.width + map.x + i]) inter++;
    }
  }
  const union = area + truthArea - inter;
  return union > 0 ? inter / union : 0;
}

export interface CrfOptions {
  /** Pairwise (Potts) weight in logit units per neighbour. */
  pairwise: number;
  iterations: number;
  /** Colour term weight (0: no colour model). */
  colour: number;
  bins: number;
  /** Colour model estimates: 1 = from the prior's confident pixels only; 2+ = re-estimated from the labels (GrabCut). */
  rounds: number;
}

/**
 * A contrast-sensitive CRF over the window's pixels (8-connected), solved by mean field: unary = the
 * mask's logit + colour * log(P(c|fg)/P(c|bg)); pairwise Potts weight pairwise * exp(-|dI|^2 / (2 mean |dI|^2))
 * (diagonals / sqrt 2), so label changes are cheap across image edges and expensive elsewhere.
 */
export function crfRefine(map: LogitMap, rgb: Uint8Array, imageWidth: number, options: CrfOptions): LogitMap {
  const { width, height } = map;
  const n = width * height;
  const prior = map.data;
  const colours = new Float32Array(n * 3);
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < height; j++) {
      const p = ((map.y + j) * imageWidth + map.x + i) * 3;
      const k = (i * height + j) * 3;
      colours[k] = rgb[p];
      colours[k + 1] = rgb[p + 1];
      colours[k + 2] = rgb[p + 2];
    }
  }
  const dist = (a: number, b: number): number => {
    const d0 = colours[a * 3] - colours[b * 3];
    const d1 = colours[a * 3 + 1] - colours[b * 3 + 1];
    const d2 = colours[a * 3 + 2] - colours[b * 3 + 2];
    return d0 * d0 + d1 * d1 + d2 * d2;
  };
  // Edge weights: down (k, k+1), right (k, k+h), down-right (k, k+h+1), up-right (k, k+h-1).
  const down = new Float32Array(n);
  const right = new Float32Array(n);
  const downRight = new Float32Array(n);
  const upRight = new Float32Array(n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < height; j++) {
      const k = i * height + j;
      if (j + 1 < height) { sum += dist(k, k + 1); count++; }
      if (i + 1 < width) { sum += dist(k, k + height); count++; }
    }
  }
  const beta = count > 0 && sum > 0 ? 1 / (2 * (sum / count)) : 0;
  const diagonal = options.pairwise / Math.SQRT2;
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < height; j++) {
      const k = i * height + j;
      if (j + 1 < height) down[k] = options.pairwise * Math.exp(-beta * dist(k, k + 1));
      if (i + 1 < width) {
        right[k] = options.pairwise * Math.exp(-beta * dist(k, k + height));
        if (j + 1 < height) downRight[k] = diagonal * Math.exp(-beta * dist(k, k + height + 1));
        if (j > 0) upRight[k] = diagonal * Math.exp(-beta * dist(k, k + height - 1));
      }
    }
  }
  const shift = 8 - Math.log2(options.bins);
  const cells = options.bins ** 3;
  const binOf = new Int32Array(n);
  for (let k = 0; k < n; k++) binOf[k] = ((colours[k * 3] >> shift) * options.bins + (colours[k * 3 + 1] >> shift)) * options.bins + (colours[k * 3 + 2] >> shift);
  const unary = new Float32Array(n);
  const q = new Float32Array(n);
  const field = new Float32Array(n);
  let labels: Float32Array = Float32Array.from(prior, (v) => sigmoid(v));
  for (let round = 0; round < Math.max(1, options.rounds); round++) {
    unary.set(prior);
    if (options.colour > 0) {
      const fg = new Float64Array(cells);
      const bg = new Float64Array(cells);
      let nf = 0;
      let nb = 0;
      for (let k = 0; k < n; k++) {
        const p = labels[k];
        const inside = round === 0 ? p > 0.7 : p > 0.5;
        const outside = round === 0 ? p < 0.2 : p <= 0.5;
        if (inside) { fg[binOf[k]]++; nf++; } else if (outside) { bg[binOf[k]]++; nb++; }
      }
      if (nf >= 50 && nb >= 50) {
        const ratio = new Float32Array(cells);
        for (let b = 0; b < cells; b++) ratio[b] = options.colour * clamp(Math.log((fg[b] + 1) / (nf + cells)) - Math.log((bg[b] + 1) / (nb + cells)), -4, 4);
        for (let k = 0; k < n; k++) unary[k] += ratio[binOf[k]];
      }
    }
    for (let k = 0; k < n; k++) q[k] = sigmoid(unary[k]);
    for (let iteration = 0; iteration < options.iterations; iteration++) {
      field.set(unary);
      for (let k = 0; k < n; k++) {
        const m = 2 * q[k] - 1;
        let w = down[k];
        if (w) { field[k] += w * (2 * q[k + 1] - 1); field[k + 1] += w * m; }
        w = right[k];
        if (w) { field[k] += w * (2 * q[k + height] - 1); field[k + height] += w * m; }
        w = downRight[k];
        if (w) { field[k] += w * (2 * q[k + height + 1] - 1); field[k + height + 1] += w * m; }
        w = upRight[k];
        if (w) { field[k] += w * (2 * q[k + height - 1] - 1); field[k + height - 1] += w * m; }
      }
      for (let k = 0; k < n; k++) q[k] = sigmoid(field[k]);
    }
    labels = q.slice();
  }
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const p = clamp(q[k], 1e-6, 1 - 1e-6);
    data[k] = Math.log(p / (1 - p));
  }
  return { ...map, data };
}
