// The mask refiner written the plain way: the depthwise 3x3 as nine shifted slices scaled per channel,
// differentiated by tfjs's autodiff. Slow on wasm (slicing is), so the product uses the native conv of
// mask-refiner.ts; this form is the reference its custom gradient is tested against and the bench
// compares speeds with. Everything else is the product's applyRefiner.
import * as tf from '@tensorflow/tfjs-core';
import { applyRefiner, type Depthwise3x3 } from './mask-refiner';

/** Depthwise 3x3 (zero padding, 'same', taps `dilation` apart) as nine shifted slices scaled per channel. */
export function slicedDilatedDepthwise3x3(dilation: number): Depthwise3x3 {
  return (x, weights) => {
    const [batch, height, width, channels] = x.shape;
    const padded = tf.pad(x, [[0, 0], [dilation, dilation], [dilation, dilation], [0, 0]]);
    let sum: tf.Tensor = tf.zerosLike(x);
    for (let tap = 0; tap < 9; tap++) {
      const tapWeights = tf.reshape(tf.slice(weights, [tap, 0], [1, channels]), [channels]);
      sum = tf.add(sum, tf.mul(tf.slice(padded, [0, Math.floor(tap / 3) * dilation, (tap % 3) * dilation, 0], [batch, height, width, channels]), tapWeights));
    }
    return sum as tf.Tensor4D;
  };
}

const slicedDepthwise3x3: Depthwise3x3 = slicedDilatedDepthwise3x3(1);

/** applyRefiner with the sliced depthwise 3x3: plain autodiff, slow. */
export function referenceRefiner(parameter: (name: string) => tf.Tensor, hidden: number, coarse: tf.Tensor3D, fine8: tf.Tensor4D, fine4: tf.Tensor4D): tf.Tensor3D {
  return applyRefiner(parameter, hidden, coarse, fine8, fine4, slicedDepthwise3x3);
}
