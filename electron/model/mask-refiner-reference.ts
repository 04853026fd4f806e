// The mask refiner written the plain way: the depthwise 3x3 as nine shifted slices scaled per channel,
// differentiated by tfjs's autodiff. Slow on wasm (slicing is), so the product uses mask-refiner.ts;
// this form is the reference its custom gradient is tested against and the bench compares speeds with.
import * as tf from '@tensorflow/tfjs-core';

/** applyRefiner with the depthwise 3x3 as nine shifted slices scaled per channel: plain autodiff, slow. */
export function referenceRefiner(parameter: (name: string) => tf.Tensor, hidden: number, coarse: tf.Tensor3D, fine8: tf.Tensor4D, fine4: tf.Tensor4D): tf.Tensor3D {
  const [batch, size] = coarse.shape;
  const project = (input: tf.Tensor, kernel: string, cells: number): tf.Tensor4D => {
    const channels = input.shape[input.rank - 1] as number;
    const flat = input.rank === 3 ? tf.reshape(input, [batch * cells * cells, 1]) : tf.reshape(input, [batch * cells * cells, channels]);
    return tf.reshape(tf.matMul(flat as tf.Tensor2D, parameter(kernel) as tf.Tensor2D), [batch, cells, cells, hidden]) as tf.Tensor4D;
  };
  const separable = (x: tf.Tensor4D, layer: string): tf.Tensor4D => {
    const [, height, width, channels] = x.shape;
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    let sum: tf.Tensor = tf.zerosLike(x);
    for (let tap = 0; tap < 9; tap++) {
      const weights = tf.reshape(tf.slice(parameter(`refine/${layer}/depthwise`), [tap, 0], [1, channels]), [channels]);
      sum = tf.add(sum, tf.mul(tf.slice(padded, [0, Math.floor(tap / 3), tap % 3, 0], [batch, height, width, channels]), weights));
    }
    const pointwise = parameter(`refine/${layer}/pointwise`) as tf.Tensor2D;
    const out = tf.add(tf.matMul(tf.reshape(sum, [batch * height * width, channels]) as tf.Tensor2D, pointwise), parameter(`refine/${layer}/bias`));
    return tf.reshape(out, [batch, height, width, pointwise.shape[1]]) as tf.Tensor4D;
  };
  const from8 = tf.image.resizeBilinear(project(fine8, 'refine/fine8/kernel', size / 2), [size, size], false, true);
  const h1 = tf.relu(tf.add(tf.add(tf.add(project(fine4, 'refine/fine4/kernel', size), from8), project(coarse, 'refine/coarse/kernel', size)), parameter('refine/input/bias'))) as tf.Tensor4D;
  const h2 = tf.relu(separable(h1, 'conv1')) as tf.Tensor4D;
  return tf.add(coarse, tf.reshape(separable(h2, 'conv2'), [batch, size, size])) as tf.Tensor3D;
}
