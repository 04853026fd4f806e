// The prompt-mask network: one head that turns a region of interest (ROI) of the frozen trunk's
// features, plus prompt maps, into the mask of the object the prompts point at and an estimate of that
// mask's IoU. The same weights serve three prompts:
//   - a box (detector boxes become proposals; a box the user drags),
//   - positive and negative clicks, with the previous mask (interactive segmentation, RITM-style),
//   - both (a box refined by clicks).
// Mask R-CNN's idea (a mask per box, on ROI-aligned features) on our trunk, with RITM's click maps.
//
// Inputs per ROI (ROI-aligned by roi-features.ts):
//   f16 [B,14,14,c16]  stride-16 trunk features    f8 [B,28,28,c8]    f4 [B,56,56,c4]
//   prompts [B,56,56,6]: box indicator, positive-click disks, negative-click disks, previous mask
//                        (probability), broad Gaussians around the positive and the negative clicks
// Layers (every conv is a separable 3x3 or a 1x1 matMul, so wasm can train it; mask-refiner.ts):
//   x = relu(W f16 + W avgpool4(prompts) + b) + context(mean x);  x += relu(sep_d(x)) for d = 1, 2, 4
//       (dilated: the 14 x 14 grid is seen whole, so a click can reach the object's far side)
//   y = relu(up2(W x) + W f8 + W avgpool2(prompts) + b);          y += relu(sep_d(y)) for d = 1, 2
//   z = relu(up2(W y) + W f4 + W prompts + b);                    z += relu(sep(z)) twice
//   logits = W z + b  [B,56,56]     (cell (r,c) covers ROI [c, c+1) x [r, r+1) * roi size / 56)
//   iou = sigmoid(MLP(mean x, max x, mask-weighted mean z))   the predicted IoU of the mask with the object
import * as tf from '@tensorflow/tfjs-core';
import { dilatedDepthwise3x3, separable3x3, type Depthwise3x3 } from '../mask-refiner';

export interface PromptMaskConfig {
  /** Channels of the trunk's stride-16, stride-8 and stride-4 features (88, 32, 24 for MB3-CenterNet). */
  channels16: number;
  channels8: number;
  channels4: number;
  /** Hidden widths of the three stages. */
  width16: number;
  width8: number;
  width4: number;
  /** Residual separable convs at stride 16. */
  convs16: number;
  /** Hidden units of the IoU predictor. */
  iouHidden: number;
}

/** Output grid side: mask logits per ROI (the stride-4 stage). */
export const PROMPT_MASK_SIZE = 56;
/** Prompt map channels, in order. */
export const PROMPT_CHANNELS = 6;
export const PROMPT_BOX = 0;
export const PROMPT_POSITIVE = 1;
export const PROMPT_NEGATIVE = 2;
export const PROMPT_PREVIOUS = 3;
/** Broad Gaussians around the positive / negative clicks: every cell knows where the clicks are. */
export const PROMPT_POSITIVE_NEAR = 4;
export const PROMPT_NEGATIVE_NEAR = 5;

export const DEFAULT_PROMPT_MASK_CONFIG: PromptMaskConfig = {
  channels16: 88,
  channels8: 32,
  channels4: 24,
  width16: 64,
  width8: 32,
  width4: 16,
  convs16: 3,
  iouHidden: 64,
};

export function resolvePromptMaskConfig(raw: Partial<Record<keyof PromptMaskConfig, number>> = {}): PromptMaskConfig {
  const config = { ...DEFAULT_PROMPT_MASK_CONFIG };
  for (const key of Object.keys(DEFAULT_PROMPT_MASK_CONFIG) as Array<keyof PromptMaskConfig>) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`prompt-mask config ${key} must be a positive integer, got ${String(value)}`);
    config[key] = value;
  }
  return config;
}

function separableNames(prefix: string): string[] {
  return [`${prefix}/depthwise`, `${prefix}/pointwise`, `${prefix}/bias`];
}

/**
 * Fixed input normalisation (per channel: (f - mean) * inverseStd), measured on the training views
 * before training and saved with the weights; never trained. The trunk's maps have per-channel
 * standard deviations of 4-15, which without it blow the first activations up.
 */
export const NORMALISATION_PARAMETER_NAMES = ['norm16/mean', 'norm16/inverseStd', 'norm8/mean', 'norm8/inverseStd', 'norm4/mean', 'norm4/inverseStd'] as const;

/** Every parameter name, in save order: the normalisation first, then the trained weights. */
export function promptMaskParameterNames(config: PromptMaskConfig): string[] {
  return [...NORMALISATION_PARAMETER_NAMES, ...trainedParameterNames(config)];
}

/** The parameters that training changes. */
export function trainedParameterNames(config: PromptMaskConfig): string[] {
  const names = ['in16/features', 'in16/prompts', 'in16/bias', 'context/kernel', 'context/bias'];
  for (let i = 1; i <= config.convs16; i++) names.push(...separableNames(`conv16_${i}`));
  names.push('in8/up', 'in8/features', 'in8/prompts', 'in8/bias', ...separableNames('conv8_1'), ...separableNames('conv8_2'));
  names.push('in4/up', 'in4/features', 'in4/prompts', 'in4/bias', ...separableNames('conv4_1'), ...separableNames('conv4_2'));
  names.push('out/kernel', 'out/bias', 'iou/hidden', 'iou/hiddenBias', 'iou/out', 'iou/outBias');
  return names;
}

export function promptMaskShapes(config: PromptMaskConfig): Record<string, number[]> {
  const { width16: w16, width8: w8, width4: w4 } = config;
  const shapes: Record<string, number[]> = {
    'norm16/mean': [config.channels16],
    'norm16/inverseStd': [config.channels16],
    'norm8/mean': [config.channels8],
    'norm8/inverseStd': [config.channels8],
    'norm4/mean': [config.channels4],
    'norm4/inverseStd': [config.channels4],
    'in16/features': [config.channels16, w16],
    'in16/prompts': [PROMPT_CHANNELS, w16],
    'in16/bias': [w16],
    'context/kernel': [w16, w16],
    'context/bias': [w16],
    'in8/up': [w16, w8],
    'in8/features': [config.channels8, w8],
    'in8/prompts': [PROMPT_CHANNELS, w8],
    'in8/bias': [w8],
    'in4/up': [w8, w4],
    'in4/features': [config.channels4, w4],
    'in4/prompts': [PROMPT_CHANNELS, w4],
    'in4/bias': [w4],
    'out/kernel': [w4, 1],
    'out/bias': [1],
    'iou/hidden': [2 * w16 + w4, config.iouHidden],
    'iou/hiddenBias': [config.iouHidden],
    'iou/out': [config.iouHidden, 1],
    'iou/outBias': [1],
  };
  const separable = (prefix: string, width: number): void => {
    shapes[`${prefix}/depthwise`] = [9, width];
    shapes[`${prefix}/pointwise`] = [width, width];
    shapes[`${prefix}/bias`] = [width];
  };
  for (let i = 1; i <= config.convs16; i++) separable(`conv16_${i}`, w16);
  separable('conv8_1', w8);
  separable('conv8_2', w8);
  separable('conv4_1', w4);
  separable('conv4_2', w4);
  return shapes;
}

/**
 * He-normal for layers feeding a ReLU, half that for the residual convs' pointwise kernels, small
 * output layers (logits start near 0), zero biases; the identity normalisation until measured.
 */
export function initialPromptMaskValue(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.endsWith('/mean') || name.endsWith('bias') || name.endsWith('Bias')) return tf.zeros(shape);
  if (name.endsWith('/inverseStd')) return tf.ones(shape);
  if (name === 'out/kernel' || name === 'iou/out') return tf.truncatedNormal(shape, 0, 0.01, 'float32', seed);
  const fanIn = name.endsWith('/depthwise') ? 9 : shape[0];
  const scale = name.endsWith('/pointwise') ? 0.5 : 1;
  return tf.truncatedNormal(shape, 0, scale * Math.sqrt(2 / fanIn), 'float32', seed);
}

export interface PromptMaskInputs {
  f16: tf.Tensor4D;
  f8: tf.Tensor4D;
  f4: tf.Tensor4D;
  prompts: tf.Tensor4D;
}

export interface PromptMaskOutputs {
  /** [B, 56, 56] mask logits over the ROI. */
  logits: tf.Tensor3D;
  /** [B] logits of the predicted IoU (sigmoid gives the IoU estimate). */
  iouLogits: tf.Tensor1D;
}

/** The forward pass; `parameter` looks a weight up by name. Call inside tf.tidy or dispose the outputs. */
export function applyPromptMask(parameter: (name: string) => tf.Tensor, config: PromptMaskConfig, inputs: PromptMaskInputs): PromptMaskOutputs {
  const { f16, f8, f4, prompts } = inputs;
  const batch = f16.shape[0];
  const size = PROMPT_MASK_SIZE;
  const expect = (tensor: tf.Tensor, shape: number[], what: string): void => {
    if (tensor.shape.join() !== shape.join()) throw new Error(`prompt-mask ${what} must be [${shape}], got [${tensor.shape}]`);
  };
  expect(f16, [batch, size / 4, size / 4, config.channels16], 'stride-16 features');
  expect(f8, [batch, size / 2, size / 2, config.channels8], 'stride-8 features');
  expect(f4, [batch, size, size, config.channels4], 'stride-4 features');
  expect(prompts, [batch, size, size, PROMPT_CHANNELS], 'prompt maps');
  const p = parameter;
  const normalised = (input: tf.Tensor4D, level: string): tf.Tensor4D => tf.mul(tf.sub(input, p(`${level}/mean`)), p(`${level}/inverseStd`)) as tf.Tensor4D;
  const project = (input: tf.Tensor, kernel: string): tf.Tensor4D => {
    const [b, h, w, c] = input.shape as [number, number, number, number];
    const weights = p(kernel) as tf.Tensor2D;
    return tf.reshape(tf.matMul(tf.reshape(input, [b * h * w, c]) as tf.Tensor2D, weights), [b, h, w, weights.shape[1]]) as tf.Tensor4D;
  };
  const residual = (x: tf.Tensor4D, prefix: string, dilation = 1): tf.Tensor4D =>
    tf.add(x, tf.relu(separable3x3(depthwiseWithDilation(dilation), x, p(`${prefix}/depthwise`), p(`${prefix}/pointwise`), p(`${prefix}/bias`)))) as tf.Tensor4D;
  const up2 = (x: tf.Tensor4D): tf.Tensor4D => tf.image.resizeBilinear(x, [x.shape[1] * 2, x.shape[2] * 2], false, true);

  const prompts28 = tf.avgPool(prompts, 2, 2, 'valid');
  const prompts14 = tf.avgPool(prompts28, 2, 2, 'valid');
  let x = tf.relu(tf.add(tf.add(project(normalised(f16, 'norm16'), 'in16/features'), project(prompts14, 'in16/prompts')), p('in16/bias'))) as tf.Tensor4D;
  const context = tf.relu(tf.add(tf.matMul(tf.mean(x, [1, 2]) as tf.Tensor2D, p('context/kernel') as tf.Tensor2D), p('context/bias')));
  x = tf.add(x, tf.reshape(context, [batch, 1, 1, config.width16])) as tf.Tensor4D;
  for (let i = 1; i <= config.convs16; i++) x = residual(x, `conv16_${i}`, 2 ** (i - 1));

  let y = tf.relu(tf.add(tf.add(tf.add(up2(project(x, 'in8/up')), project(normalised(f8, 'norm8'), 'in8/features')), project(prompts28, 'in8/prompts')), p('in8/bias'))) as tf.Tensor4D;
  y = residual(residual(y, 'conv8_1'), 'conv8_2', 2);

  let z = tf.relu(tf.add(tf.add(tf.add(up2(project(y, 'in4/up')), project(normalised(f4, 'norm4'), 'in4/features')), project(prompts, 'in4/prompts')), p('in4/bias'))) as tf.Tensor4D;
  z = residual(residual(z, 'conv4_1'), 'conv4_2');

  const logits = tf.reshape(tf.add(project(z, 'out/kernel'), p('out/bias')), [batch, size, size]) as tf.Tensor3D;

  // IoU estimate from the coarse stage and the fine features under the predicted mask.
  const weights = tf.expandDims(tf.sigmoid(logits), 3);
  const underMask = tf.div(tf.sum(tf.mul(z, weights), [1, 2]), tf.add(tf.sum(weights, [1, 2]), 1));
  const pooled = tf.concat([tf.mean(x, [1, 2]), tf.max(x, [1, 2]), underMask], 1) as tf.Tensor2D;
  const hidden = tf.relu(tf.add(tf.matMul(pooled, p('iou/hidden') as tf.Tensor2D), p('iou/hiddenBias'))) as tf.Tensor2D;
  const iouLogits = tf.reshape(tf.add(tf.matMul(hidden, p('iou/out') as tf.Tensor2D), p('iou/outBias')), [batch]) as tf.Tensor1D;
  return { logits, iouLogits };
}

const depthwiseByDilation = new Map<number, Depthwise3x3>();
function depthwiseWithDilation(dilation: number): Depthwise3x3 {
  let conv = depthwiseByDilation.get(dilation);
  if (!conv) {
    conv = dilatedDepthwise3x3(dilation);
    depthwiseByDilation.set(dilation, conv);
  }
  return conv;
}
