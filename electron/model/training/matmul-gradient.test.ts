import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, test } from 'vitest';
import { registerGradients } from '../gradients';
import { registerFastMatMulGradient } from './matmul-gradient';

// Loading tfjs's gradient module takes seconds, minutes on a machine busy with other jobs.
beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
}, 600_000);

const cases = [
  { transposeA: false, transposeB: false, a: [5, 3], b: [3, 4] },
  { transposeA: false, transposeB: true, a: [5, 3], b: [4, 3] },
  { transposeA: true, transposeB: false, a: [3, 5], b: [3, 4] },
  { transposeA: true, transposeB: true, a: [3, 5], b: [4, 3] },
  { transposeA: false, transposeB: false, a: [2, 5, 3], b: [2, 3, 4] },
];

function gradients(): number[][][] {
  return cases.map(({ transposeA, transposeB, a, b }, index) =>
    tf.tidy(() => {
      const x = tf.randomNormal(a, 0, 1, 'float32', index + 1);
      const y = tf.randomNormal(b, 0, 1, 'float32', index + 11);
      const weights = tf.randomNormal(tf.matMul(x, y, transposeA, transposeB).shape, 0, 1, 'float32', index + 21);
      const [gx, gy] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, transposeA, transposeB), weights)))([x, y]);
      return [Array.from(gx.dataSync()), Array.from(gy.dataSync())];
    }),
  );
}

test('the fast matMul gradient equals tfjs own for every transpose combination', () => {
  const reference = gradients();
  const original = tf.getGradient(tf.BatchMatMul);
  registerFastMatMulGradient();
  expect(tf.getGradient(tf.BatchMatMul)).not.toBe(original);
  const fast = gradients();
  fast.forEach((pair, index) =>
    pair.forEach((values, input) => values.forEach((value, k) => expect(value).toBeCloseTo(reference[index][input][k], 4))),
  );
});
