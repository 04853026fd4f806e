import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { registerGradients } from '../gradients';
import { deepMaskLoss, SCORE_LOSS_WEIGHT, stableSoftplus } from './loss';

// Loading tfjs's gradient module takes seconds, minutes on a machine busy with other jobs.
beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
}, 600_000);

describe('deepMaskLoss', () => {
  // Two windows with 2 x 2 masks (w_o = h_o = 2), so 2 w_o h_o = 8.
  // Window 1, positive (y = +1): f = [[2, -1], [0, 3]], m = [[+1, +1], [-1, -1]]
  //   -m*f = [[-2, +1], [0, +3]] (m = -1 where f = 0 and f = 3)
  //   log(1+e^-2) = 0.126928011, log(1+e^1) = 1.313261688, log(1+e^0) = 0.693147181, log(1+e^3) = 3.048587352
  //   sum = 5.181924231; weight (1+1)/8 = 0.25 -> mask term 1.295481058
  // Window 2, negative (y = -1): weight (1-1)/8 = 0, so its (huge) mask logits contribute nothing.
  // Scores s = [1.5, -0.5], y = [+1, -1]: log(1+e^-1.5) = 0.201413278, log(1+e^-0.5) = 0.474076984
  //   score term = (0.201413278 + 0.474076984) / 32 = 0.021109071
  // L = 1.295481058 + 0.021109071 = 1.316590128
  test('matches the hand-computed value of the seed formula', () => {
    const terms = tf.tidy(() => {
      const { mask, score, total } = deepMaskLoss({
        maskLogits: tf.tensor3d([2, -1, 0, 3, 500, -700, 900, 40], [2, 2, 2]),
        maskTargets: tf.tensor3d([1, 1, -1, -1, -1, 1, -1, 1], [2, 2, 2]),
        scoreLogits: tf.tensor1d([1.5, -0.5]),
        labels: tf.tensor1d([1, -1]),
      });
      return [mask.dataSync()[0], score.dataSync()[0], total.dataSync()[0]];
    });
    expect(terms[0]).toBeCloseTo(1.295481058, 5);
    expect(terms[1]).toBeCloseTo(0.021109071, 6);
    expect(terms[2]).toBeCloseTo(1.316590128, 5);
    expect(SCORE_LOSS_WEIGHT).toBe(1 / 32);
  });

  test('softplus is finite and exact for large magnitudes', () => {
    const values = tf.tidy(() => stableSoftplus(tf.tensor1d([-1000, -30, 0, 30, 1000])).dataSync());
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
    expect(values[0]).toBe(0);
    expect(values[2]).toBeCloseTo(Math.LN2, 6);
    expect(values[4]).toBeCloseTo(1000, 3);
  });

  test('gradients exist only where the formula puts them: none into negatives\' mask logits', () => {
    const maskLogits = tf.tensor3d([0.3, -0.2, 0.1, 0.4, 0.3, -0.2, 0.1, 0.4], [2, 2, 2]);
    const gradient = tf.grad((logits: tf.Tensor) =>
      deepMaskLoss({
        maskLogits: logits as tf.Tensor3D,
        maskTargets: tf.tensor3d([1, -1, 1, -1, 1, -1, 1, -1], [2, 2, 2]),
        scoreLogits: tf.tensor1d([0, 0]),
        labels: tf.tensor1d([1, -1]),
      }).total,
    )(maskLogits);
    const values = Array.from(gradient.dataSync());
    expect(values.slice(0, 4).every((value) => value !== 0)).toBe(true);
    expect(values.slice(4).map(Math.abs)).toEqual([0, 0, 0, 0]);
  });

  test('rejects mismatched shapes', () => {
    expect(() =>
      deepMaskLoss({
        maskLogits: tf.zeros([2, 2, 2]) as tf.Tensor3D,
        maskTargets: tf.zeros([2, 3, 3]) as tf.Tensor3D,
        scoreLogits: tf.zeros([2]) as tf.Tensor1D,
        labels: tf.zeros([2]) as tf.Tensor1D,
      }),
    ).toThrow(/differ in shape/);
  });
});
