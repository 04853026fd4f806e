import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { selectBackend } from './backend';
import { registerGradients } from './gradients';
import { createHeads, loadHeads, withRefiner, type DeepMaskHeadsConfig } from './heads';
import { dilatedDepthwise3x3, REFINER_PARAMETER_NAMES } from './mask-refiner';
import { referenceRefiner, slicedDilatedDepthwise3x3 } from './mask-refiner-reference';
import { maskLoss } from './training/loss';

const SMALL: Partial<DeepMaskHeadsConfig> = { channels: 8, sharedChannels: 12, maskReduceChannels: 4, maskBottleneck: 16, scoreReduceChannels: 6, scoreHidden: 10 };

let dir: string;
beforeAll(async () => {
  await selectBackend();
  await registerGradients();
  dir = await mkdtemp(join(tmpdir(), 'refiner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inputs = (batch: number) => ({
  windows: tf.randomNormal([batch, 14, 14, 8], 0, 1, 'float32', 1) as tf.Tensor4D,
  fine8: tf.randomNormal([batch, 28, 28, 5], 0, 1, 'float32', 2) as tf.Tensor4D,
  fine4: tf.randomNormal([batch, 56, 56, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
});

describe('mask refiner', () => {
  test('added to trained heads it starts as the identity, and leaves the original heads untouched', async () => {
    const plain = createHeads(SMALL, 4);
    const heads = withRefiner(plain, 6, 5, 3);
    const { windows, fine8, fine4 } = inputs(2);
    const coarse = heads.maskLogits(windows);
    const refined = heads.refineMask(coarse, fine8, fine4);
    expect(Array.from(await refined.data())).toEqual(Array.from(await coarse.data()));
    expect(Array.from(await plain.maskLogits(windows).data())).toEqual(Array.from(await coarse.data()));
    expect(heads.config).toMatchObject({ refineHidden: 6, refineChannels8: 5, refineChannels4: 3 });
    expect(heads.refineVariables).toHaveLength(10);
    expect(plain.refineVariables).toHaveLength(0);
    expect(() => plain.refineMask(coarse, fine8, fine4)).toThrow('no refiner');
    expect(() => withRefiner(heads, 6, 5, 3)).toThrow('already have a refiner');
    tf.dispose([windows, fine8, fine4, coarse, refined]);
    heads.dispose();
    plain.dispose();
  });

  test('the mask loss trains it on wasm: one step of gradient descent lowers the loss and changes its output', async () => {
    const heads = withRefiner(createHeads(SMALL, 4), 6, 5, 3);
    const { windows, fine8, fine4 } = inputs(4);
    // Target: the left half of every window is the object.
    const targets = tf.tidy(() => tf.tile(tf.concat([tf.ones([1, 56, 28]), tf.fill([1, 56, 28], -1)], 2), [4, 1, 1]) as tf.Tensor3D);
    const labels = tf.ones([4]) as tf.Tensor1D;
    const loss = () => maskLoss(heads.refineMask(heads.maskLogits(windows), fine8, fine4), targets, labels);
    const before = (await loss().data())[0];
    for (let step = 0; step < 5; step++) {
      const { value, grads } = tf.variableGrads(loss, heads.refineVariables);
      for (const variable of heads.refineVariables) variable.assign(tf.sub(variable, tf.mul(grads[variable.name], 0.05)));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const after = (await loss().data())[0];
    expect(after).toBeLessThan(before);
    const coarse = heads.maskLogits(windows);
    const refined = heads.refineMask(coarse, fine8, fine4);
    expect(Array.from(await refined.data())).not.toEqual(Array.from(await coarse.data()));
    tf.dispose([windows, fine8, fine4, targets, labels, coarse, refined]);
    heads.dispose();
  });

  test('the depthwise conv and its own gradient equal a reference built from shifted slices', async () => {
    const heads = withRefiner(createHeads(SMALL, 4), 6, 5, 3, 9);
    // Give the zero-initialised output layer weights so the whole refiner shows in the output.
    const output = heads.refineVariables[8];
    output.assign(tf.randomNormal(output.shape, 0, 0.5, 'float32', 5));
    const { windows, fine8, fine4 } = inputs(3);
    const coarse = heads.maskLogits(windows);
    const weight = tf.randomNormal([3, 56, 56], 0, 1, 'float32', 6);
    const objective = () => tf.sum(tf.mul(heads.refineMask(coarse, fine8, fine4), weight)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(objective, heads.refineVariables);
    // The reference: the same refiner with the depthwise 3x3 written as nine shifted slices (autodiff).
    const parameter = (name: string) => heads.refineVariables[REFINER_PARAMETER_NAMES.indexOf(name)];
    const reference = () => tf.sum(tf.mul(referenceRefiner(parameter, 6, coarse, fine8, fine4), weight)) as tf.Scalar;
    const expected = tf.variableGrads(reference, heads.refineVariables);
    expect(Math.abs((await value.data())[0] - (await expected.value.data())[0])).toBeLessThan(1e-3);
    for (const variable of heads.refineVariables) {
      const got = await grads[variable.name].data();
      const want = await expected.grads[variable.name].data();
      const scale = Math.max(1, ...Array.from(want, Math.abs));
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]) / scale, variable.name).toBeLessThan(1e-4);
    }
    const moved = tf.max(tf.abs(tf.sub(heads.refineMask(coarse, fine8, fine4), coarse)));
    expect((await moved.data())[0]).toBeGreaterThan(0.1);
    tf.dispose([windows, fine8, fine4, coarse, weight, value, expected.value, moved, ...Object.values(grads), ...Object.values(expected.grads)]);
    heads.dispose();
  });

  test('the dilated depthwise conv and its gradients equal the sliced reference (dilation 1, 2, 3)', async () => {
    const x = tf.randomNormal([2, 9, 11, 4], 0, 1, 'float32', 11) as tf.Tensor4D;
    const w = tf.randomNormal([9, 4], 0, 1, 'float32', 12) as tf.Tensor2D;
    const r = tf.randomNormal([2, 9, 11, 4], 0, 1, 'float32', 13);
    for (const dilation of [1, 2, 3]) {
      const native = dilatedDepthwise3x3(dilation);
      const sliced = slicedDilatedDepthwise3x3(dilation);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(native(a as tf.Tensor4D, b as tf.Tensor2D), r)))([x, w]);
      const [rx, rw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(sliced(a as tf.Tensor4D, b as tf.Tensor2D), r)))([x, w]);
      const value = await tf.max(tf.abs(tf.sub(native(x, w), sliced(x, w)))).data();
      expect(value[0], `value, dilation ${dilation}`).toBeLessThan(1e-4);
      expect((await tf.max(tf.abs(tf.sub(gx, rx))).data())[0], `input gradient, dilation ${dilation}`).toBeLessThan(1e-4);
      expect((await tf.max(tf.abs(tf.sub(gw, rw))).data())[0], `filter gradient, dilation ${dilation}`).toBeLessThan(1e-3);
    }
  });

  test('rejects inputs of the wrong shape, naming the expected ones', () => {
    const heads = withRefiner(createHeads(SMALL, 4), 6, 5, 3);
    const { windows, fine8, fine4 } = inputs(1);
    const coarse = heads.maskLogits(windows);
    const wrong = tf.zeros([1, 28, 28, 4]) as tf.Tensor4D;
    expect(() => heads.refineMask(coarse, wrong, fine4)).toThrow('refiner inputs must be [1,28,28,5] and [1,56,56,3], got [1,28,28,4] and [1,56,56,3]');
    tf.dispose([windows, fine8, fine4, coarse, wrong]);
    heads.dispose();
  });

  test('save then load keeps the refiner; heads saved before refiners existed load without one', async () => {
    const heads = withRefiner(createHeads(SMALL, 4), 6, 5, 3);
    for (const variable of heads.refineVariables) variable.assign(tf.randomNormal(variable.shape, 0, 0.1, 'float32', 9));
    await heads.save(join(dir, 'refined'), { version: 'r1' });
    const loaded = await loadHeads(join(dir, 'refined'));
    expect(loaded.config).toEqual(heads.config);
    const { windows, fine8, fine4 } = inputs(1);
    const expected = heads.refineMask(heads.maskLogits(windows), fine8, fine4);
    const actual = loaded.refineMask(loaded.maskLogits(windows), fine8, fine4);
    expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));

    // A manifest from before refiners: no refine fields in its config, no refine parameters.
    const plain = createHeads(SMALL, 4);
    await plain.save(join(dir, 'old'), {});
    const manifestPath = join(dir, 'old', 'heads.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    for (const key of ['refineHidden', 'refineChannels8', 'refineChannels4']) delete manifest.config[key];
    await writeFile(manifestPath, JSON.stringify(manifest));
    const old = await loadHeads(join(dir, 'old'));
    expect(old.config.refineHidden).toBe(0);
    expect(old.refineVariables).toHaveLength(0);
    tf.dispose([windows, fine8, fine4, expected, actual]);
    for (const h of [heads, loaded, plain, old]) h.dispose();
  });
});
