// Trains InstanceFCN's heads on windows cut from cached trunk features: the DeepMask sampler's
// windows (same positives, negatives, jitter) and feature cache, with a margin of contextDilation
// cells around each 14 x 14 window for the context conv. Every step draws a balanced batch (half
// positives, half negatives), and minimises the joint loss (loss.ts) divided by the batch size with
// Adam over all variables: the paper trains both branches together.
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from '../gradients';
import { maskTarget } from '../sampler/mask-target';
import { WINDOW_GEOMETRY } from '../sampler/geometry';
import type { WindowSample } from '../sampler/sampler';
import { Adam } from '../training/adam';
import { cutWindows } from '../window-cut';
import { registerFastMatMulGradient } from '../training/matmul-gradient';
import type { TrainingSource } from '../training/trainer';
import { maskSize, paddedWindowCells, type InstanceFcnHeads } from './heads';
import { instanceFcnLoss } from './loss';

export interface InstanceFcnTrainerOptions {
  steps: number;
  /** Windows per step (even; half positives). Bounded: 64 windows of 18 x 18 x 88 plus activations
   * stay in the tens of MB, far below the wasm heap ceiling. Default 32. */
  batchSize?: number;
  learningRate?: number;
  /** Weight of the objectness term (loss.ts). */
  objectnessWeight?: number;
  signal?: AbortSignal;
  /** Steps between progress events. Default 25. */
  progressEvery?: number;
  onProgress?: (progress: InstanceFcnProgress) => void;
  /** Awaited after every snapshotEvery-th step (e.g. to save the weights so far). */
  onSnapshot?: (step: number) => Promise<void>;
  /** Steps between onSnapshot calls. Default 200. */
  snapshotEvery?: number;
}

export interface InstanceFcnProgress {
  step: number;
  totalSteps: number;
  /** Means per window over the last interval: objectness term (all windows), mask term (positives). */
  objectnessLoss: number;
  maskLoss: number;
  samplesPerSecond: number;
}

export interface InstanceFcnTrainingResult {
  steps: number;
  cancelled: boolean;
  trainingSeconds: number;
  /** Joint loss per window of every step. */
  losses: number[];
}

export const MAX_INSTANCEFCN_BATCH = 128;

/** Adam step size: 3e-3 (1e-3, DeepMask's, left the maps at 0.30 mean IoU after 747 steps; see MODEL_CARD.md). */
export const INSTANCEFCN_LEARNING_RATE = 3e-3;

export async function trainInstanceFcn(heads: InstanceFcnHeads, source: TrainingSource, options: InstanceFcnTrainerOptions): Promise<InstanceFcnTrainingResult> {
  const batchSize = options.batchSize ?? 32;
  const progressEvery = options.progressEvery ?? 25;
  if (!Number.isInteger(options.steps) || options.steps < 0) throw new Error(`steps must be a non-negative integer, got ${options.steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize % 2 !== 0 || batchSize > MAX_INSTANCEFCN_BATCH) {
    throw new Error(`batchSize must be an even integer in [2, ${MAX_INSTANCEFCN_BATCH}], got ${batchSize}`);
  }
  if (maskSize(heads.config) !== WINDOW_GEOMETRY.maskSize || heads.config.windowCells !== WINDOW_GEOMETRY.windowCells) {
    throw new Error(`the sampler's windows are ${WINDOW_GEOMETRY.windowCells} cells with ${WINDOW_GEOMETRY.maskSize}-pixel targets; these heads use ${heads.config.windowCells} cells and ${maskSize(heads.config)}`);
  }
  await registerGradients();
  registerFastMatMulGradient();
  const adam = new Adam({ learningRate: options.learningRate ?? INSTANCEFCN_LEARNING_RATE });
  const losses: number[] = [];
  let trainingSeconds = 0;
  const interval = { started: performance.now(), samples: 0, objectness: 0, mask: 0, positives: 0 };
  try {
    for (let step = 0; step < options.steps; step++) {
      // Yield so that timers and signal handlers run between steps (a step may finish on microtasks alone).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) return { steps: step, cancelled: true, trainingSeconds, losses };
      const started = performance.now();
      const batch = source.sampler.scoreBatch(batchSize);
      const terms = await trainStep(heads, source, batch, adam, options.objectnessWeight);
      trainingSeconds += (performance.now() - started) / 1000;
      losses.push((terms.objectness + terms.mask) / batchSize);
      interval.samples += batchSize;
      interval.objectness += terms.objectness;
      interval.mask += terms.mask;
      interval.positives += batch.filter((sample) => sample.label === 1).length;
      if ((step + 1) % progressEvery === 0 || step + 1 === options.steps) {
        const seconds = (performance.now() - interval.started) / 1000;
        options.onProgress?.({
          step: step + 1,
          totalSteps: options.steps,
          objectnessLoss: interval.objectness / interval.samples,
          maskLoss: interval.mask / Math.max(1, interval.positives),
          samplesPerSecond: seconds > 0 ? interval.samples / seconds : 0,
        });
        Object.assign(interval, { started: performance.now(), samples: 0, objectness: 0, mask: 0, positives: 0 });
      }
      if (options.onSnapshot && (step + 1) % (options.snapshotEvery ?? 200) === 0 && step + 1 < options.steps) await options.onSnapshot(step + 1);
    }
    return { steps: options.steps, cancelled: false, trainingSeconds, losses };
  } finally {
    adam.dispose();
  }
}

/** One joint step; returns the batch's summed objectness and mask terms (before dividing). */
async function trainStep(heads: InstanceFcnHeads, source: TrainingSource, batch: WindowSample[], adam: Adam, objectnessWeight?: number): Promise<{ objectness: number; mask: number }> {
  const { config } = heads;
  const cells = paddedWindowCells(config);
  const maps = await Promise.all(batch.map((sample) => source.features.get(sample.imageIndex, sample.view)));
  const channels = maps[0].channels;
  if (channels !== config.channels) throw new Error(`features have ${channels} channels, the heads expect ${config.channels}`);
  const margin = config.contextDilation;
  const windowData = cutWindows(
    maps,
    batch.map(({ position }) => ({ cellX: position.cellX - margin, cellY: position.cellY - margin })),
    cells,
  );
  const size = maskSize(config);
  const targetData = new Float32Array(batch.length * size * size).fill(-1);
  batch.forEach((sample, index) => {
    if (sample.label === 1) targetData.set(maskTarget(source.mask(sample.imageIndex, sample.objectIndex), sample.view, sample.position), index * size * size);
  });
  const { value, grads, parts } = tf.tidy(() => {
    const windows = tf.tensor4d(windowData, [batch.length, cells, cells, channels]);
    const labels = tf.tensor1d(batch.map((sample) => sample.label));
    const targets = tf.tensor3d(targetData, [batch.length, size, size]);
    let termValues: tf.Tensor1D | null = null;
    const result = tf.variableGrads(() => {
      const { maskLogits, objectness } = heads.windowPredictions(windows);
      const terms = instanceFcnLoss({ maskLogits, maskTargets: targets, objectness, labels, objectnessWeight });
      termValues = tf.keep(tf.stack([terms.objectness, terms.mask]) as tf.Tensor1D);
      return tf.div(terms.total, batch.length) as tf.Scalar;
    }, Object.values(heads.variables));
    return { ...result, parts: termValues as unknown as tf.Tensor1D };
  });
  try {
    const byParameter: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(heads.variables)) byParameter[name] = grads[variable.name];
    adam.apply(heads.variables, byParameter);
    const [objectness, mask] = await parts.data();
    return { objectness, mask };
  } finally {
    value.dispose();
    parts.dispose();
    for (const gradient of Object.values(grads)) gradient.dispose();
  }
}
