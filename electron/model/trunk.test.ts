import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { selectBackend } from './backend';
import { loadTrunk, type Trunk } from './trunk';

let trunk: Trunk;
beforeAll(async () => {
  await selectBackend();
  trunk = await loadTrunk();
});
afterAll(() => trunk?.dispose());

describe('trunk', () => {
  test('stride-16 features with 88 channels at several sizes', () => {
    expect(trunk.stride).toBe(16);
    expect(trunk.channels).toBe(88);
    for (const [height, width] of [[224, 224], [480, 640], [64, 96]]) {
      const image = tf.zeros([height, width, 3]) as tf.Tensor3D;
      const features = trunk.features(image);
      expect(features.shape).toEqual([height / 16, width / 16, 88]);
      tf.dispose([image, features]);
    }
  });

  test('rejects sizes that are not multiples of 32 and non-RGB input', () => {
    const odd = tf.zeros([100, 64, 3]) as tf.Tensor3D;
    expect(() => trunk.features(odd)).toThrow('multiples of 32, got 100x64');
    const gray = tf.zeros([64, 64, 1]) as tf.Tensor3D;
    expect(() => trunk.features(gray)).toThrow('[H,W,3] RGB');
    tf.dispose([odd, gray]);
  });

  test('does not leak tensors', () => {
    const image = tf.zeros([64, 64, 3]) as tf.Tensor3D;
    trunk.features(image).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trunk.features(image).dispose();
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
