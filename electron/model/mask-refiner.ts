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
// A separable 3x3 conv is a depthwise 3x3 then a pointwise matMul. The depthwise conv is tfjs's native
// one, with a gradient of its own: wasm has no kernels for the depthwise conv's backprop, so the input's
// gradient is another depthwise conv and the filter's one depthwise correlation of the input with the
// output's gradient (bench/refiner-speed.ts compares it with the earlier form built from shifted
// slices, mask-refiner-reference.ts). The last pointwise kernel and bias start at zero, so a refiner
// added to trained heads starts as the identity.
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

/** x [B, H, W, C] (*) weights [9, C] (tap k = 3 * dy + dx), zero padding, stride 1. */
export type Depthwise3x3 = (x: tf.Tensor4D, weights: tf.Tensor2D) => tf.Tensor4D;

/**
 * coarse [B, S, S] mask logits, fine8 [B, S/2, S/2, c8], fine4 [B, S, S, c4] -> refined logits [B, S, S].
 * `parameter` looks a refiner parameter up by name; `depthwise` is replaced only by the reference form.
 */
export function applyRefiner(
  parameter: (name: string) => tf.Tensor,
  hidden: number,
  coarse: tf.Tensor3D,
  fine8: tf.Tensor4D,
  fine4: tf.Tensor4D,
  depthwise: Depthwise3x3 = depthwise3x3,
): tf.Tensor3D {
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
    const h2 = tf.relu(separable3x3(depthwise, h1, parameter('refine/conv1/depthwise'), parameter('refine/conv1/pointwise'), parameter('refine/conv1/bias'))) as tf.Tensor4D;
    const correction = separable3x3(depthwise, h2, parameter('refine/conv2/depthwise'), parameter('refine/conv2/pointwise'), parameter('refine/conv2/bias'));
    return tf.add(coarse, tf.reshape(correction, [batch, size, size])) as tf.Tensor3D;
  });
}

/** Depthwise 3x3 (zero padding, 'same'), then pointwise + bias. */
export function separable3x3(conv: Depthwise3x3, x: tf.Tensor4D, depthwise: tf.Tensor, pointwise: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const spatial = conv(x, depthwise as tf.Tensor2D);
  const flat = tf.reshape(spatial, [batch * height * width, channels]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, pointwise as tf.Tensor2D), bias);
  return tf.reshape(out, [batch, height, width, pointwise.shape[1] as number]) as tf.Tensor4D;
}

/**
 * The native depthwise conv (a Depthwise3x3) with taps `dilation` cells apart, with its gradient written
 * from kernels wasm has. The input's gradient is the same conv of dy with the filter turned half a turn;
 * the filter's gradient for tap k is the sum of dy times x shifted by k (depthwiseFilterGradient).
 * (Nine shifted slices would do the same; slicing is slow on wasm, 0.9 of 1.5 s of a 32-window step.)
 */
export function dilatedDepthwise3x3(dilation: number): Depthwise3x3 {
  if (!Number.isInteger(dilation) || dilation < 1) throw new Error(`dilation must be a positive integer, got ${dilation}`);
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, weights, save] = args as [tf.Tensor4D, tf.Tensor2D, tf.GradSaveFunc];
    const channels = weights.shape[1] as number;
    const filter = tf.reshape(weights, [3, 3, channels, 1]) as tf.Tensor4D;
    save([x, weights]);
    return {
      value: tf.depthwiseConv2d(x, filter, 1, 'same', 'NHWC', dilation),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [input, kernel] = saved as [tf.Tensor4D, tf.Tensor2D];
        const [batch, height, width] = input.shape;
        const turned = tf.reverse(tf.reshape(kernel, [3, 3, channels, 1]), [0, 1]) as tf.Tensor4D;
        const dx = tf.depthwiseConv2d(dy as tf.Tensor4D, turned, 1, 'same', 'NHWC', dilation);
        // The filter's gradient in plain JS: 9 x B x H x W x C multiply-adds over the read-back arrays.
        // On wasm this is 3-5x faster than any tfjs formulation tried (folding the batch into the
        // channels and correlating with dy as a huge depthwise filter: 70 vs 15 ms for 32 x 56 x 56 x 16).
        return [dx, tf.tensor2d(depthwiseFilterGradient(input.dataSync() as Float32Array, dy.dataSync() as Float32Array, batch, height, width, channels, dilation), [9, channels])];
      },
    };
  }) as Depthwise3x3;
}

const depthwise3x3: Depthwise3x3 = dilatedDepthwise3x3(1);

/**
 * dW[k][c] = sum over b, y, x of x[b, y + d (ky - 1), x + d (kx - 1), c] * dy[b, y, x, c] (zero outside),
 * tap k = 3 ky + kx, d the dilation; inputs row-major [B, H, W, C]. Returns [9 * C], tap-major.
 */
function depthwiseFilterGradient(input: Float32Array, dy: Float32Array, batch: number, height: number, width: number, channels: number, dilation = 1): Float32Array {
  const sums = new Float64Array(9 * channels);
  const rowLength = width * channels;
  const imageLength = height * rowLength;
  for (let tap = 0; tap < 9; tap++) {
    const offsetY = (Math.floor(tap / 3) - 1) * dilation;
    const offsetX = ((tap % 3) - 1) * dilation;
    const x0 = Math.max(0, -offsetX);
    const x1 = Math.min(width, width - offsetX);
    const base = tap * channels;
    for (let b = 0; b < batch; b++) {
      for (let y = Math.max(0, -offsetY); y < Math.min(height, height - offsetY); y++) {
        const gradientRow = b * imageLength + y * rowLength;
        const inputRow = b * imageLength + (y + offsetY) * rowLength + offsetX * channels;
        for (let x = x0; x < x1; x++) {
          const g = gradientRow + x * channels;
          const i = inputRow + x * channels;
          for (let c = 0; c < channels; c++) sums[base + c] += input[i + c] * dy[g + c];
        }
      }
    }
  }
  return Float32Array.from(sums);
}
