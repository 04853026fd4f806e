// Trains DeepMask's heads on windows cut from cached trunk features.
//
// Branches are updated alternately, as in the seed: even steps update the shared layer and the mask
// branch on a batch of positives (negatives carry no mask loss, so they would add nothing), odd steps
// update the shared layer and the score branch on a batch that is half positives, half negatives.
// Each step minimises one term of the seed's L divided by the batch size (the formula is a sum over
// windows; dividing keeps the step size independent of the batch size). Adam, one state per variable.
//
// The run is resumable bit for bit: a checkpoint holds the heads, Adam's moments, the step and the
// sampler's random state, and nothing else influences the next batch.
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from '../gradients';
import { headParameterNames, type DeepMaskHeads } from '../heads';
import { maskTarget, type MaskPixels } from '../sampler/mask-target';
import type { WindowSample, WindowSampler } from '../sampler/sampler';
import { Adam } from './adam';
import { loadCheckpoint, saveCheckpoint, type LossRecord, type TrainerState } from './checkpoint';
import type { FeatureCache } from './features';
import { cutWindows } from '../window-cut';
import { maskLoss, scoreLoss } from './loss';
import { registerFastMatMulGradient } from './matmul-gradient';

export interface TrainingSource {
  sampler: WindowSampler;
  features: FeatureCache;
  /** Mask of object `objectIndex` of image `imageIndex` at original size. */
  mask(imageIndex: number, objectIndex: number): MaskPixels;
}

interface TrainerOptions {
  /** Total optimisation steps of the run (a resumed run continues up to this count). */
  steps: number;
  /** Windows per step; bounded so one batch stays far below the wasm heap ceiling. Default 32. */
  batchSize?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Folder for checkpoints; none are written without it. */
  checkpointDir?: string;
  /** Steps between checkpoints. Default 200. */
  checkpointEvery?: number;
  /** Continue from the checkpoint in checkpointDir if there is one. */
  resume?: boolean;
  /** Stops training between steps; a checkpoint is saved first when checkpointDir is set. */
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
  /** Steps between 'training' progress events. Default 10. */
  progressEvery?: number;
  /** Compute every view's features before the first step (with progress), instead of lazily. Default true. */
  precomputeFeatures?: boolean;
  /**
   * 'refiner': train the mask refiner alone on trained heads (every step a mask step; shared, mask and
   * score weights stay as they are, so the scores and the coarse masks do not change). Default: all heads.
   */
  trainOnly?: 'refiner';
}

export type TrainingProgress =
  | { phase: 'features'; done: number; total: number }
  | {
      phase: 'training';
      step: number;
      totalSteps: number;
      /** Mean of the mask term per window over the last progress interval. */
      maskLoss: number;
      /** Mean of the score term (lambda * softplus) per window over the last progress interval. */
      scoreLoss: number;
      samplesPerSecond: number;
      etaSeconds: number;
    }
  | { phase: 'checkpoint'; step: number };

interface TrainingResult {
  /** Completed steps (equals options.steps unless cancelled). */
  steps: number;
  cancelled: boolean;
  /** Step the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  trainingSeconds: number;
  history: LossRecord[];
}

const MAX_BATCH_SIZE = 256;

export async function trainHeads(heads: DeepMaskHeads, source: TrainingSource, options: TrainerOptions): Promise<TrainingResult> {
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 1e-3;
  const checkpointEvery = options.checkpointEvery ?? 200;
  const progressEvery = options.progressEvery ?? 10;
  if (!Number.isInteger(options.steps) || options.steps < 0) throw new Error(`steps must be a non-negative integer, got ${options.steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize % 2 !== 0 || batchSize > MAX_BATCH_SIZE) {
    throw new Error(`batchSize must be an even integer in [2, ${MAX_BATCH_SIZE}], got ${batchSize}`);
  }
  if (options.trainOnly === 'refiner' && heads.config.refineHidden === 0) throw new Error('trainOnly "refiner": these heads have no refiner (add one with withRefiner)');
  await registerGradients();
  registerFastMatMulGradient();
  const settings = { batchSize, learningRate, sampler: source.sampler.options, heads: heads.config, ...(options.trainOnly ? { trainOnly: options.trainOnly } : {}) };
  const variables = namedVariables(heads);
  const adam = new Adam({ learningRate });
  let state: TrainerState = { step: 0, samplerRandomState: source.sampler.getRandomState(), settings, trainingSeconds: 0, history: [] };

  try {
    if (options.resume && options.checkpointDir) {
      const checkpoint = await loadCheckpoint(options.checkpointDir);
      if (checkpoint) {
        try {
          if (JSON.stringify(checkpoint.state.settings) !== JSON.stringify(settings)) {
            throw new Error(`the checkpoint in ${options.checkpointDir} was made with other settings (${JSON.stringify(checkpoint.state.settings)}); start afresh or use the same settings`);
          }
          copyWeights(checkpoint.heads, variables);
        } finally {
          checkpoint.heads.dispose();
        }
        adam.setState(checkpoint.optimizer, Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.shape])));
        state = checkpoint.state;
        source.sampler.setRandomState(state.samplerRandomState);
      }
    }
    const resumedFrom = state.step;
    if (options.precomputeFeatures ?? true) await precompute(source, options);

    const save = async (): Promise<void> => {
      if (!options.checkpointDir) return;
      state.samplerRandomState = source.sampler.getRandomState();
      await saveCheckpoint(options.checkpointDir, heads, await adam.getState(), state);
      options.onProgress?.({ phase: 'checkpoint', step: state.step });
    };

    const interval = { started: performance.now(), samples: 0, mask: [] as number[], score: [] as number[] };
    while (state.step < options.steps) {
      // Yield to the event loop: a step can complete on microtasks alone (cached features, sync
      // kernels), and without this, timers and signal handlers (Ctrl+C) would never get to run.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        await save();
        return { steps: state.step, cancelled: true, resumedFrom, trainingSeconds: state.trainingSeconds, history: state.history };
      }
      const stepStarted = performance.now();
      const branch = options.trainOnly === 'refiner' || state.step % 2 === 0 ? 'mask' : 'score';
      const batch = branch === 'mask' ? source.sampler.maskBatch(batchSize) : source.sampler.scoreBatch(batchSize);
      const loss = await trainStep(heads, source, batch, branch, variables, adam, options.trainOnly === 'refiner');
      state.step++;
      state.trainingSeconds += (performance.now() - stepStarted) / 1000;
      state.history.push({ step: state.step, branch, loss });
      interval.samples += batchSize;
      (branch === 'mask' ? interval.mask : interval.score).push(loss);

      if (state.step % progressEvery === 0 || state.step === options.steps) {
        const seconds = (performance.now() - interval.started) / 1000;
        const secondsPerStep = state.trainingSeconds / state.step;
        options.onProgress?.({
          phase: 'training',
          step: state.step,
          totalSteps: options.steps,
          maskLoss: mean(interval.mask),
          scoreLoss: mean(interval.score),
          samplesPerSecond: seconds > 0 ? interval.samples / seconds : 0,
          etaSeconds: (options.steps - state.step) * secondsPerStep,
        });
        interval.started = performance.now();
        interval.samples = 0;
        interval.mask = [];
        interval.score = [];
      }
      if (state.step % checkpointEvery === 0 && state.step < options.steps) await save();
    }
    await save();
    return { steps: state.step, cancelled: false, resumedFrom, trainingSeconds: state.trainingSeconds, history: state.history };
  } finally {
    adam.dispose();
  }
}

/** One alternating step; returns the minimised term of L divided by the batch size. */
async function trainStep(
  heads: DeepMaskHeads,
  source: TrainingSource,
  batch: WindowSample[],
  branch: 'mask' | 'score',
  variables: Record<string, tf.Variable>,
  adam: Adam,
  refinerOnly = false,
): Promise<number> {
  const cells = heads.config.windowCells;
  const maps = await Promise.all(batch.map((sample) => source.features.get(sample.imageIndex, sample.view)));
  const channels = maps[0].channels;
  if (channels !== heads.config.channels) throw new Error(`features have ${channels} channels, the heads expect ${heads.config.channels}`);
  const positions = batch.map((sample) => sample.position);
  const windowData = cutWindows(maps, positions, cells);
  const size = heads.config.maskSize;
  const refining = branch === 'mask' && heads.config.refineHidden > 0;
  // The refiner reads the same windows at stride 8 (2x the cells) and stride 4 (4x).
  const fineWindows = (stride: 'stride8' | 'stride4', factor: number): { data: Float32Array; channels: number } => {
    const parts = maps.map((map) => {
      if (!map.fine) throw new Error('these heads have a mask refiner: the feature cache must hold stride-8 and stride-4 maps (FeatureCacheOptions.fine)');
      return map.fine[stride];
    });
    return { data: cutWindows(parts, positions, cells, factor), channels: parts[0].channels };
  };
  const fine8 = refining ? fineWindows('stride8', 2) : null;
  const fine4 = refining ? fineWindows('stride4', 4) : null;
  const targetData = branch === 'mask' ? new Float32Array(batch.length * size * size) : null;
  if (targetData) {
    batch.forEach((sample, index) => targetData.set(maskTarget(source.mask(sample.imageIndex, sample.objectIndex), sample.view, sample.position), index * size * size));
  }
  const prefix = refinerOnly ? ['refine/'] : branch === 'mask' ? ['shared/', 'mask/', 'refine/'] : ['shared/', 'score/'];
  const trained = Object.fromEntries(Object.entries(variables).filter(([name]) => prefix.some((p) => name.startsWith(p))));
  const { value, grads } = tf.tidy(() => {
    const windows = tf.tensor4d(windowData, [batch.length, cells, cells, channels]);
    const labels = tf.tensor1d(batch.map((sample) => sample.label));
    const targets = targetData ? tf.tensor3d(targetData, [batch.length, size, size]) : null;
    const maskLogits = (): tf.Tensor3D => {
      const coarse = heads.maskLogits(windows);
      if (!fine8 || !fine4) return coarse;
      return heads.refineMask(
        coarse,
        tf.tensor4d(fine8.data, [batch.length, 2 * cells, 2 * cells, fine8.channels]),
        tf.tensor4d(fine4.data, [batch.length, 4 * cells, 4 * cells, fine4.channels]),
      );
    };
    const objective = (): tf.Scalar =>
      tf.div(targets ? maskLoss(maskLogits(), targets, labels) : scoreLoss(heads.scoreLogits(windows), labels), batch.length) as tf.Scalar;
    return tf.variableGrads(objective, Object.values(trained));
  });
  try {
    const byParameter: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(trained)) byParameter[name] = grads[variable.name];
    adam.apply(trained, byParameter);
    return (await value.data())[0];
  } finally {
    value.dispose();
    for (const gradient of Object.values(grads)) gradient.dispose();
  }
}

/** The heads' variables keyed by parameter name ('shared/kernel', 'mask/fc1/bias', ...). */
export function namedVariables(heads: DeepMaskHeads): Record<string, tf.Variable> {
  const all = [...heads.sharedVariables, ...heads.maskVariables, ...heads.scoreVariables, ...heads.refineVariables];
  const names = headParameterNames(heads.config);
  if (all.length !== names.length) throw new Error(`heads expose ${all.length} variables, expected ${names.length}`);
  return Object.fromEntries(names.map((name, index) => [name, all[index]]));
}

function copyWeights(from: DeepMaskHeads, to: Record<string, tf.Variable>): void {
  const source = namedVariables(from);
  for (const [name, variable] of Object.entries(to)) {
    if (source[name].shape.join() !== variable.shape.join()) throw new Error(`checkpoint parameter ${name} has shape [${source[name].shape}], expected [${variable.shape}]`);
    variable.assign(source[name]);
  }
}

async function precompute(source: TrainingSource, options: TrainerOptions): Promise<void> {
  const jobs = source.sampler.images.flatMap((_, imageIndex) => source.sampler.views(imageIndex).map((view) => ({ imageIndex, view })));
  let done = 0;
  for (const { imageIndex, view } of jobs) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) return;
    await source.features.get(imageIndex, view);
    done++;
    if (done % 20 === 0 || done === jobs.length) options.onProgress?.({ phase: 'features', done, total: jobs.length });
  }
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}
