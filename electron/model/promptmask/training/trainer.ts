// One training step of the prompt-mask head: draw a batch of examples (examples.ts) from a few views,
// ROI-align their features once, let the model make its own mistakes for each example's correcting
// rounds (RITM's iterative training: a forward pass without gradients, then the next click at the
// larger error and the prediction as the previous mask), then one trained pass:
//   loss = mean over positives of the per-pixel binary cross-entropy of the mask
//        + IOU_LOSS_WEIGHT * binary cross-entropy of the predicted IoU against the IoU the mask reaches
//          (0 for negatives)
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../../training/adam';
import { registerFastMatMulGradient } from '../../training/matmul-gradient';
import { stableSoftplus } from '../../training/loss';
import { SeededRandom } from '../../sampler/random';
import { nextClick } from '../click-simulation';
import { VIEW_SIZE } from '../detector-view';
import { applyPromptMask, initialPromptMaskValue, promptMaskParameterNames, promptMaskShapes, trainedParameterNames, PROMPT_CHANNELS, PROMPT_MASK_SIZE, type PromptMaskConfig } from '../network';
import { promptMaps, type PromptInput } from '../prompts';
import { roiFeatures, type RoiFeatures } from '../roi';
import { cellToView, drawExample, type Example, type ExampleKind } from './examples';
import type { TrainingImage, TrainingView } from './training-data';

export const IOU_LOSS_WEIGHT = 0.5;

export interface StepReport {
  maskLoss: number;
  iouLoss: number;
  /** Mean IoU of the trained pass's masks with their targets (positives only). */
  meanIou: number;
  kinds: Record<ExampleKind, number>;
}

export interface PromptTrainerOptions {
  batchSize: number;
  viewsPerBatch: number;
  learningRate: number;
  seed: number;
}

export class PromptMaskTrainer {
  /** The trained weights (what Adam updates). */
  readonly variables: Record<string, tf.Variable> = {};
  /** The input normalisation, measured once, never trained. */
  readonly fixed: Record<string, tf.Variable> = {};
  readonly optimizer: Adam;
  readonly random: SeededRandom;
  private readonly names: string[];

  constructor(
    readonly config: PromptMaskConfig,
    private readonly images: readonly TrainingImage[],
    private readonly views: readonly TrainingView[],
    private readonly options: PromptTrainerOptions,
    initial?: Map<string, tf.Tensor>,
  ) {
    registerFastMatMulGradient();
    this.names = promptMaskParameterNames(config);
    const shapes = promptMaskShapes(config);
    const normalisation = initial ? null : featureNormalisation(views, config);
    const trained = new Set(trainedParameterNames(config));
    this.names.forEach((name, index) => {
      const value = initial?.get(name) ?? normalisation?.get(name) ?? initialPromptMaskValue(name, shapes[name], options.seed * 101 + index);
      const variable = tf.variable(value, trained.has(name), `promptmask/${name}`);
      if (trained.has(name)) this.variables[name] = variable;
      else this.fixed[name] = variable;
      if (!initial?.has(name)) value.dispose();
    });
    this.optimizer = new Adam({ learningRate: options.learningRate });
    this.random = new SeededRandom(options.seed);
  }

  parameter = (name: string): tf.Tensor => {
    const variable = this.variables[name] ?? this.fixed[name];
    if (!variable) throw new Error(`no prompt-mask parameter ${name}`);
    return variable;
  };

  /** Draws a batch: `viewsPerBatch` distinct views, the same number of examples from each. */
  drawBatch(): { examples: Example[]; viewOrder: number[] } {
    const { batchSize, viewsPerBatch } = this.options;
    const perView = Math.ceil(batchSize / viewsPerBatch);
    const examples: Example[] = [];
    const viewOrder: number[] = [];
    let attempts = 0;
    while (examples.length < batchSize) {
      if (++attempts > batchSize * 50) throw new Error('prompt-mask trainer: the views yield no examples');
      const viewIndex = this.random.int(0, this.views.length - 1);
      if (viewOrder.includes(viewIndex)) continue;
      const drawn: Example[] = [];
      for (let tries = 0; drawn.length < perView && tries < perView * 4; tries++) {
        const example = drawExample(this.images, this.views, viewIndex, this.random);
        if (example) drawn.push(example);
      }
      if (drawn.length === 0) continue;
      viewOrder.push(viewIndex);
      examples.push(...drawn.slice(0, batchSize - examples.length));
    }
    return { examples, viewOrder };
  }

  /** One optimisation step; returns the losses. */
  step(): StepReport {
    const { examples, viewOrder } = this.drawBatch();
    const features = stackedRoiFeatures(this.views, this.config, examples, viewOrder);
    const size = PROMPT_MASK_SIZE;
    const cells = size * size;
    const previous: Array<Float32Array | undefined> = examples.map(() => undefined);
    const prompts = (): PromptInput[] => examples.map((example, index) => ({ box: example.box, clicks: example.clicks, previous: previous[index] }));
    try {
      const maxRounds = Math.max(...examples.map((example) => example.rounds));
      for (let round = 0; round < maxRounds; round++) {
        // Only the examples still correcting take part (the forward pass costs per example).
        const active = examples.map((example, index) => (round < example.rounds && example.target ? index : -1)).filter((index) => index >= 0);
        if (active.length === 0) break;
        const all = prompts();
        const maps = promptMaps(active.map((index) => ({ roi: examples[index].roi, prompt: all[index] })));
        const logits = tf.tidy(() => {
          const indices = tf.tensor1d(active, 'int32');
          const subset = { f16: tf.gather(features.f16, indices), f8: tf.gather(features.f8, indices), f4: tf.gather(features.f4, indices) };
          return applyPromptMask(this.parameter, this.config, { ...subset, prompts: tf.tensor4d(maps, [active.length, size, size, PROMPT_CHANNELS]) }).logits;
        });
        const values = logits.dataSync() as Float32Array;
        logits.dispose();
        active.forEach((index, slot) => {
          const example = examples[index];
          const probabilities = new Float32Array(cells);
          const predicted = new Uint8Array(cells);
          for (let k = 0; k < cells; k++) {
            probabilities[k] = 1 / (1 + Math.exp(-values[slot * cells + k]));
            predicted[k] = values[slot * cells + k] > 0 ? 1 : 0;
          }
          previous[index] = probabilities;
          const click = nextClick({ width: size, height: size, data: predicted }, { width: size, height: size, data: example.target as Uint8Array });
          if (click) example.clicks.push({ ...cellToView(example.roi, click.x, click.y), positive: click.positive });
        });
      }
      const maps = promptMaps(examples.map((example, index) => ({ roi: example.roi, prompt: prompts()[index] })));
      const targets = new Float32Array(examples.length * cells);
      const positive = new Float32Array(examples.length);
      examples.forEach((example, index) => {
        if (!example.target) return;
        positive[index] = 1;
        for (let k = 0; k < cells; k++) targets[index * cells + k] = example.target[k];
      });
      let report: StepReport = { maskLoss: 0, iouLoss: 0, meanIou: 0, kinds: countKinds(examples) };
      const { value, grads } = tf.variableGrads((): tf.Scalar => {
        const promptTensor = tf.tensor4d(maps, [examples.length, size, size, PROMPT_CHANNELS]);
        const { logits, iouLogits } = applyPromptMask(this.parameter, this.config, { ...features, prompts: promptTensor });
        const achieved = achievedIous(logits.dataSync() as Float32Array, examples);
        const targetTensor = tf.tensor3d(targets, [examples.length, size, size]);
        const signs = tf.sub(tf.mul(targetTensor, 2), 1);
        const perExample = tf.mean(stableSoftplus(tf.neg(tf.mul(signs, logits))), [1, 2]);
        const weights = tf.tensor1d(positive);
        const maskLoss = tf.div(tf.sum(tf.mul(perExample, weights)), Math.max(1, positive.reduce((sum, value) => sum + value, 0)));
        const iouTarget = tf.tensor1d(achieved.ious);
        const iouLoss = tf.mean(tf.add(tf.mul(iouTarget, stableSoftplus(tf.neg(iouLogits))), tf.mul(tf.sub(1, iouTarget), stableSoftplus(iouLogits))));
        report = { ...report, maskLoss: (maskLoss.dataSync() as Float32Array)[0], iouLoss: (iouLoss.dataSync() as Float32Array)[0], meanIou: achieved.meanPositive };
        return tf.add(maskLoss, tf.mul(iouLoss, IOU_LOSS_WEIGHT)) as tf.Scalar;
      });
      const byName: Record<string, tf.Tensor> = {};
      for (const [name, variable] of Object.entries(this.variables)) byName[name] = grads[variable.name];
      this.optimizer.apply(this.variables, byName);
      tf.dispose([value, ...Object.values(grads)]);
      return report;
    } finally {
      tf.dispose([features.f16, features.f8, features.f4]);
    }
  }

  /** Every parameter, normalisation included, by name (for saving). */
  allParameters(): Array<{ name: string; tensor: tf.Tensor }> {
    return this.names.map((name) => ({ name, tensor: this.parameter(name) }));
  }

  dispose(): void {
    for (const variable of [...Object.values(this.variables), ...Object.values(this.fixed)]) variable.dispose();
    this.optimizer.dispose();
  }
}

/** IoU of each example's thresholded mask with its target (0 for negatives) and the mean over positives. */
export function achievedIous(logits: Float32Array, examples: readonly Example[]): { ious: Float32Array; meanPositive: number } {
  const cells = PROMPT_MASK_SIZE * PROMPT_MASK_SIZE;
  const ious = new Float32Array(examples.length);
  let sum = 0;
  let count = 0;
  examples.forEach((example, index) => {
    if (!example.target) return;
    let overlap = 0;
    let union = 0;
    for (let k = 0; k < cells; k++) {
      const predicted = logits[index * cells + k] > 0;
      const target = example.target[k] === 1;
      if (predicted && target) overlap++;
      if (predicted || target) union++;
    }
    ious[index] = union > 0 ? overlap / union : 0;
    sum += ious[index];
    count++;
  });
  return { ious, meanPositive: count > 0 ? sum / count : 0 };
}

function countKinds(examples: readonly Example[]): Record<ExampleKind, number> {
  const kinds: Record<ExampleKind, number> = { 'detector-box': 0, 'jittered-box': 0, clicks: 0, 'negative-box': 0 };
  for (const example of examples) kinds[example.kind]++;
  return kinds;
}

/** Features of the examples' ROIs, with their views (indices into `views`) stacked in `viewOrder`. */
export function stackedRoiFeatures(views: readonly TrainingView[], config: PromptMaskConfig, examples: readonly Example[], viewOrder: readonly number[]): RoiFeatures {
  const stack = (pick: (view: TrainingView) => Float32Array, cells: number, channels: number): tf.Tensor4D => {
    const buffer = new Float32Array(viewOrder.length * cells * cells * channels);
    viewOrder.forEach((viewIndex, slot) => buffer.set(pick(views[viewIndex]), slot * cells * cells * channels));
    return tf.tensor4d(buffer, [viewOrder.length, cells, cells, channels]);
  };
  const maps = {
    stride16: stack((view) => view.stride16, VIEW_SIZE / 16, config.channels16),
    stride8: stack((view) => view.stride8, VIEW_SIZE / 8, config.channels8),
    stride4: stack((view) => view.stride4, VIEW_SIZE / 4, config.channels4),
  };
  const result = roiFeatures(maps, examples.map((example) => example.roi), examples.map((example) => viewOrder.indexOf(example.viewIndex)));
  tf.dispose([maps.stride16, maps.stride8, maps.stride4]);
  return result;
}

/** Per-channel mean and 1/std of the views' feature maps (every 7th view), as normalisation parameters. */
export function featureNormalisation(views: readonly TrainingView[], config: PromptMaskConfig): Map<string, tf.Tensor> {
  const result = new Map<string, tf.Tensor>();
  const levels: Array<[string, (view: TrainingView) => Float32Array, number]> = [
    ['norm16', (view) => view.stride16, config.channels16],
    ['norm8', (view) => view.stride8, config.channels8],
    ['norm4', (view) => view.stride4, config.channels4],
  ];
  for (const [level, pick, channels] of levels) {
    const sum = new Float64Array(channels);
    const squares = new Float64Array(channels);
    let count = 0;
    for (let v = 0; v < views.length; v += 7) {
      const data = pick(views[v]);
      for (let i = 0; i < data.length; i++) {
        sum[i % channels] += data[i];
        squares[i % channels] += data[i] * data[i];
      }
      count += data.length / channels;
    }
    const mean = Float32Array.from(sum, (value) => value / Math.max(1, count));
    const inverseStd = Float32Array.from(squares, (value, channel) => 1 / Math.sqrt(Math.max(1e-6, value / Math.max(1, count) - mean[channel] ** 2)));
    result.set(`${level}/mean`, tf.tensor1d(mean));
    result.set(`${level}/inverseStd`, tf.tensor1d(inverseStd));
  }
  return result;
}
