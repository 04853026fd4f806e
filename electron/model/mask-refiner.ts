// The mask refiner: SharpMask's idea (refine a coarse mask with the trunk's finer layers) in a form the
// wasm backend can train. The mask branch reads only stride-16 features through a low-rank FC, which
// memorises the people it was fine-tuned on but does not carry their outlines to new ones
// (docs/learning-loop.md: 86% of seen windows at IoU >= .85 after 800 steps, none of the unseen); a
// small convolution over stride-8 and stride-4 features sees edges instead of shapes and generalises:
// +.07-.08 window IoU on unseen pennfudan people (bench/refine-head-prototype.ts).
//
// Per stride-4 cell of the window (the 56 x 56 grid of the mask logits):
//   h1    = relu(W4 . s4 + up2(W8 . s8) + wc * coarse + b1)            (hidden channels)
//   h2    = relu(separable3x3(h1) + b2)
//   logit = coarse + separable3x3(h2) -> 1 channel + b3
// A separable 3x3 conv is a depthwise 3x3 then a pointwise matMul. To be trained on wasm the depthwise
// part is nine shifted slices scaled per channel, ops that all have wasm gradients (the depthwise
// conv's backprop kernels do not exist there); inference uses the native depthwise conv, which computes
// the same sums (to float rounding) several times faster. The last pointwise kernel and bias start at
// zero, so a refiner added to trained heads starts as the identity.
import * as tf from '@tensorflow/tfjs-core';

export const REFINER_PARAMETER_NAMES: readonly string[] = [
  'refine/fine8/kernel',
  'refine/fine4/kernel',
  'refine/coarse/kernel',
  'refine/input/bias',
  'refine/conv1/depthwise',
  'refine/conv1/pointwise',
  'refine/conv1/bias',
  'refine/conv2/depthwise',
  'refine/conv2/pointwise',
  'refine/conv2/bias',
];

export function refinerShapes(hidden: number, channels8: number, channels4: number): Record<string, number[]> {
  return {
    'refine/fine8/kernel': [channels8, hidden],
    'refine/fine4/kernel': [channels4, hidden],
    'refine/coarse/kernel': [1, hidden],
    'refine/input/bias': [hidden],
    'refine/conv1/depthwise': [9, hidden],
    'refine/conv1/pointwise': [hidden, hidden],
    'refine/conv1/bias': [hidden],
    'refine/conv2/depthwise': [9, hidden],
    'refine/conv2/pointwise': [hidden, 1],
    'refine/conv2/bias': [1],
  };
}

/** He-normal for the layers feeding a ReLU, zero for biases and for the output layer (identity start). */
export function initialRefinerValue(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.endsWith('/bias') || name === 'refine/conv2/pointwise') return tf.zeros(shape);
  return tf.truncatedNormal(shape, 0, Math.sqrt(2 / shape[0]), 'float32', seed);
}

export interface RefinerOptions {
  /** Build the graph from ops with wasm gradients (training); default false: the faster native conv. */
  differentiable?: boolean;
}

/**
 * coarse [B, S, S] mask logits, fine8 [B, S/2, S/2, c8], fine4 [B, S, S, c4] -> refined logits [B, S, S].
 * `parameter` looks a refiner parameter up by name.
 */
export function applyRefiner(
  parameter: (name: string) => tf.Tensor,
  hidden: number,
  coarse: tf.Tensor3D,
  fine8: tf.Tensor4D,
  fine4: tf.Tensor4D,
  options: RefinerOptions = {},
): tf.Tensor3D {
  const separable3x3 = options.differentiable ? separable3x3BySlices : separable3x3Native;
  const [batch, size] = coarse.shape;
  const channels8 = parameter('refine/fine8/kernel').shape[0];
  const channels4 = parameter('refine/fine4/kernel').shape[0];
  if (fine8.shape.join() !== [batch, size / 2, size / 2, channels8].join() || fine4.shape.join() !== [batch, size, size, channels4].join()) {
    throw new Error(`refiner inputs must be [${batch},${size / 2},${size / 2},${channels8}] and [${batch},${size},${size},${channels4}], got [${fine8.shape}] and [${fine4.shape}]`);
  }
  return tf.tidy(() => {
    const project = (input: tf.Tensor, channels: number, kernel: string, cells: number): tf.Tensor4D =>
      tf.reshape(tf.matMul(tf.reshape(input, [batch * cells * cells, channels]) as tf.Tensor2D, parameter(kernel) as tf.Tensor2D), [batch, cells, cells, hidden]) as tf.Tensor4D;
    const from8 = tf.image.resizeBilinear(project(fine8, channels8, 'refine/fine8/kernel', size / 2), [size, size], false, true);
    const from4 = project(fine4, channels4, 'refine/fine4/kernel', size);
    const fromCoarse = project(coarse, 1, 'refine/coarse/kernel', size);
    const h1 = tf.relu(tf.add(tf.add(tf.add(from4, from8), fromCoarse), parameter('refine/input/bias'))) as tf.Tensor4D;
    const h2 = tf.relu(separable3x3(h1, parameter('refine/conv1/depthwise'), parameter('refine/conv1/pointwise'), parameter('refine/conv1/bias'))) as tf.Tensor4D;
    const correction = separable3x3(h2, parameter('refine/conv2/depthwise'), parameter('refine/conv2/pointwise'), parameter('refine/conv2/bias'));
    return tf.add(coarse, tf.reshape(correction, [batch, size, size])) as tf.Tensor3D;
  });
}

/** Depthwise 3x3 (zero padding, 'same') as nine shifted slices scaled per channel, then pointwise + bias. */
function separable3x3BySlices(x: tf.Tensor4D, depthwise: tf.Tensor, pointwise: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  let sum: tf.Tensor | null = null;
  for (let tap = 0; tap < 9; tap++) {
    const weights = tf.reshape(tf.slice(depthwise, [tap, 0], [1, channels]), [channels]);
    const shifted = tf.mul(tf.slice(padded, [0, Math.floor(tap / 3), tap % 3, 0], [batch, height, width, channels]), weights);
    sum = sum ? tf.add(sum, shifted) : shifted;
  }
  const flat = tf.reshape(sum as tf.Tensor, [batch * height * width, channels]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, pointwise as tf.Tensor2D), bias);
  return tf.reshape(out, [batch, height, width, pointwise.shape[1] as number]) as tf.Tensor4D;
}

/** The same as separable3x3BySlices with the native depthwise conv (tap k = 3 * dy + dx is filter[dy][dx]). */
function separable3x3Native(x: tf.Tensor4D, depthwise: tf.Tensor, pointwise: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const filter = tf.reshape(depthwise, [3, 3, channels, 1]) as tf.Tensor4D;
  const spatial = tf.depthwiseConv2d(x, filter, 1, 'same');
  const flat = tf.reshape(spatial, [batch * height * width, channels]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, pointwise as tf.Tensor2D), bias);
  return tf.reshape(out, [batch, height, width, pointwise.shape[1] as number]) as tf.Tensor4D;
}
