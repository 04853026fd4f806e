// One calibrated score for every proposal, whatever made it (issue #16): the estimated share of COCO's
// ten IoU thresholds (.50, .55, ..., .95) at which the mask matches some object, i.e. the probability
// that it matches an object at a threshold drawn from those AR averages over (0: no object overlaps
// it at IoU .5; 1: some object at IoU >= .95; a mask at IoU .72 with its object scores .5). Issue
// #16 asked for P(IoU >= .5); fitted that way, DeepMask's windows (coarse masks that often just clear
// .5) outrank the detector-box masks, and AR@10 on the calibration half fell from .163 to .128
// (bench/results/calibration.json notes). A logistic model per source, on features each source has:
//   detector box   [logit(detector score), logit(predicted IoU), stability, 1]
//   DeepMask window [window score logit, stability, box overlap, 1]
// box overlap = the window mask's largest IoU with a detector-box mask of the same image. A window is
// fitted against the objects no box mask matches at IoU >= .5 (bench/calibrate-scores.ts): windows are
// there for what the detector misses, and one on an object a box already gives adds nothing to the
// ranking; without that, near-copies of box masks filled the top 10 (AR@10 .132 against .159 on the
// calibration half).
// stability = the share of the mask's cells above logit -1 that are also above +1 (SAM's stability
// score on the 56 x 56 grid: a mask that does not move when the threshold does is a confident one).
// The weights are fitted on the validation split (bench/calibrate-scores.ts) and saved in the model's
// heads.json; DEFAULT_CALIBRATION is what an uncalibrated model uses.

export interface ScoreCalibration {
  box: number[];
  window: number[];
}

export const DEFAULT_CALIBRATION: ScoreCalibration = { box: [1, 1, 0, 0], window: [0.5, 0, -4, -3] };

export type CandidateSource = 'box' | 'window';

export function boxFeatures(detectorScore: number, predictedIou: number, stability: number): number[] {
  return [logit(detectorScore), logit(predictedIou), stability, 1];
}

export function windowFeatures(scoreLogit: number, stability: number, boxOverlap: number): number[] {
  return [scoreLogit, stability, boxOverlap, 1];
}

export function calibratedScore(calibration: ScoreCalibration, source: CandidateSource, features: readonly number[]): number {
  const weights = calibration[source];
  if (weights.length !== features.length) throw new Error(`score calibration for ${source} has ${weights.length} weights for ${features.length} features`);
  let z = 0;
  for (let i = 0; i < weights.length; i++) z += weights[i] * features[i];
  return 1 / (1 + Math.exp(-z));
}

/** COCO's IoU thresholds, .50:.05:.95. */
const IOU_THRESHOLDS = Array.from({ length: 10 }, (_, k) => 0.5 + 0.05 * k);

/** The share of COCO's IoU thresholds a mask with best IoU `iou` against the objects meets: what the score estimates. */
export function matchShare(iou: number): number {
  return IOU_THRESHOLDS.filter((threshold) => iou >= threshold).length / IOU_THRESHOLDS.length;
}

/** Stability of a grid of mask logits (1 for an empty mask, which no threshold changes). */
export function maskStability(logits: Float32Array): number {
  let loose = 0;
  let tight = 0;
  for (const value of logits) {
    if (value > -1) loose++;
    if (value > 1) tight++;
  }
  return loose === 0 ? 1 : tight / loose;
}

/** The calibration in a heads.json meta, or the default when absent or malformed. */
export function calibrationFromMeta(meta: Record<string, unknown>): ScoreCalibration {
  const raw = meta.calibration as { box?: unknown; window?: unknown } | undefined;
  const valid = (value: unknown, length: number): value is number[] => Array.isArray(value) && value.length === length && value.every((entry) => Number.isFinite(entry));
  if (raw && valid(raw.box, DEFAULT_CALIBRATION.box.length) && valid(raw.window, DEFAULT_CALIBRATION.window.length)) return { box: raw.box, window: raw.window };
  return DEFAULT_CALIBRATION;
}

/**
 * Logistic regression by Newton's method (IRLS) with a small ridge: the weights maximising the
 * (quasi-)likelihood of `labels` (0/1, or shares in [0, 1]) given `features` (rows of equal length,
 * a constant 1 included).
 */
export function fitLogistic(features: readonly number[][], labels: readonly number[], ridge = 1e-3, iterations = 50): number[] {
  const dimension = features[0]?.length ?? 0;
  const weights = new Array<number>(dimension).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(dimension).fill(0);
    const hessian = Array.from({ length: dimension }, () => new Array<number>(dimension).fill(0));
    features.forEach((row, index) => {
      let z = 0;
      for (let i = 0; i < dimension; i++) z += weights[i] * row[i];
      const p = 1 / (1 + Math.exp(-z));
      const w = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < dimension; i++) {
        gradient[i] += (p - labels[index]) * row[i];
        for (let j = 0; j < dimension; j++) hessian[i][j] += w * row[i] * row[j];
      }
    });
    for (let i = 0; i < dimension; i++) {
      gradient[i] += ridge * weights[i];
      hessian[i][i] += ridge;
    }
    const step = solve(hessian, gradient);
    let change = 0;
    for (let i = 0; i < dimension; i++) {
      weights[i] -= step[i];
      change = Math.max(change, Math.abs(step[i]));
    }
    if (change < 1e-8) break;
  }
  return weights;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (small, dense, symmetric positive A). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) if (Math.abs(a[row][column]) > Math.abs(a[pivot][column])) pivot = row;
    [a[column], a[pivot]] = [a[pivot], a[column]];
    for (let row = column + 1; row < n; row++) {
      const factor = a[row][column] / a[column][column];
      for (let k = column; k <= n; k++) a[row][k] -= factor * a[column][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row][n];
    for (let k = row + 1; k < n; k++) sum -= a[row][k] * x[k];
    x[row] = sum / a[row][row];
  }
  return x;
}

function logit(probability: number): number {
  const p = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(p / (1 - p));
}
