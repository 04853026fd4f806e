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
