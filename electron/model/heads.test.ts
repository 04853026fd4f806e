import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { selectBackend } from './backend';
import { registerGradients } from './gradients';
import { createHeads, loadHeads, type DeepMaskHeadsConfig } from './heads';

// A narrow config keeps the tests fast; the layer structure is the same as the default's.
const SMALL: Partial<DeepMaskHeadsConfig> = { channels: 8, sharedChannels: 12, maskReduceChannels: 4, maskBottleneck: 16, scoreReduceChannels: 6, scoreHidden: 10 };

let dir: string;
beforeAll(async () => {
  await selectBackend();
  await registerGradients();
  dir = await mkdtemp(join(tmpdir(), 'heads-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DeepMask heads', () => {
  test('mask logits are [B,56,56] and score logits [B] for the default config', () => {
    const heads = createHeads();
    const windows = tf.randomNormal([3, 14, 14, 88]) as tf.Tensor4D;
    const mask = heads.maskLogits(windows);
    const score = heads.scoreLogits(windows);
    expect(mask.shape).toEqual([3, 56, 56]);
    expect(score.shape).toEqual([3]);
    expect(heads.maskVariables.length + heads.scoreVariables.length + heads.sharedVariables.length).toBe(16);
    tf.dispose([windows, mask, score]);
    heads.dispose();
  });

  test('rejects windows of the wrong size with the expected shape in the message', () => {
    const heads = createHeads(SMALL);
    const wrong = tf.zeros([1, 12, 12, 8]) as tf.Tensor4D;
    expect(() => heads.maskLogits(wrong)).toThrow('windows must be [B,14,14,8], got [1,12,12,8]');
    wrong.dispose();
    heads.dispose();
  });

  test('scoreMap equals scoreLogits of every window cut from the map', async () => {
    const heads = createHeads(SMALL, 7);
    const features = tf.randomNormal([17, 19, 8], 0, 1, 'float32', 3) as tf.Tensor3D;
    const map = heads.scoreMap(features);
    expect(map.shape).toEqual([4, 6]);
    const positions: Array<[number, number]> = [];
    for (let row = 0; row < 4; row++) for (let col = 0; col < 6; col++) positions.push([row, col]);
    const windows = tf.stack(positions.map(([row, col]) => tf.slice(features, [row, col, 0], [14, 14, 8]))) as tf.Tensor4D;
    const direct = await heads.scoreLogits(windows).data();
    const mapped = await map.data();
    for (let index = 0; index < positions.length; index++) expect(mapped[index]).toBeCloseTo(direct[index], 4);
    // The scores differ across positions, so the comparison is not trivially between constants.
    expect(Math.max(...direct) - Math.min(...direct)).toBeGreaterThan(1e-3);
    tf.dispose([features, map, windows]);
    heads.dispose();
  });

  test('mask logits from windows of the mask cell map equal maskLogits of the same windows', async () => {
    const heads = createHeads(SMALL, 5);
    const features = tf.randomNormal([16, 15, 8], 0, 1, 'float32', 9) as tf.Tensor3D;
    const cellMap = heads.maskCellMap(features);
    expect(cellMap.shape).toEqual([16, 15, 4]);
    const positions: Array<[number, number]> = [[0, 0], [2, 1], [1, 1]];
    const windows = tf.stack(positions.map(([row, col]) => tf.slice(features, [row, col, 0], [14, 14, 8]))) as tf.Tensor4D;
    const cellWindows = tf.stack(positions.map(([row, col]) => tf.slice(cellMap, [row, col, 0], [14, 14, 4]))) as tf.Tensor4D;
    const direct = await heads.maskLogits(windows).data();
    const viaCells = await heads.maskLogitsFromCells(cellWindows).data();
    expect(viaCells.length).toBe(3 * 56 * 56);
    for (let index = 0; index < direct.length; index += 97) expect(viaCells[index]).toBeCloseTo(direct[index], 4);
    tf.dispose([features, cellMap, windows, cellWindows]);
    heads.dispose();
  });

  test('gradients flow to each branch on wasm (no conv backprop kernels needed)', () => {
    const heads = createHeads(SMALL);
    const windows = tf.randomNormal([2, 14, 14, 8]) as tf.Tensor4D;
    const { grads } = tf.variableGrads(() => tf.sum(heads.maskLogits(windows)) as tf.Scalar, [...heads.sharedVariables, ...heads.maskVariables]);
    expect(Object.keys(grads)).toHaveLength(8);
    const scoreGrads = tf.variableGrads(() => tf.sum(heads.scoreLogits(windows)) as tf.Scalar, [...heads.sharedVariables, ...heads.scoreVariables]);
    expect(Object.keys(scoreGrads.grads)).toHaveLength(10);
    tf.dispose([windows, ...Object.values(grads), ...Object.values(scoreGrads.grads), scoreGrads.value]);
    heads.dispose();
  });

  test('save then load reproduces the outputs and the metadata', async () => {
    const heads = createHeads(SMALL, 11);
    const windows = tf.randomNormal([2, 14, 14, 8]) as tf.Tensor4D;
    const target = join(dir, 'roundtrip');
    await heads.save(target, { modelVersion: 'test-1' });
    const loaded = await loadHeads(target);
    expect(loaded.config).toEqual(heads.config);
    expect(loaded.meta).toEqual({ modelVersion: 'test-1' });
    expect(Array.from(await loaded.maskLogits(windows).data())).toEqual(Array.from(await heads.maskLogits(windows).data()));
    expect(Array.from(await loaded.scoreLogits(windows).data())).toEqual(Array.from(await heads.scoreLogits(windows).data()));
    tf.dispose(windows);
    heads.dispose();
    loaded.dispose();
  });

  test('missing, truncated and corrupt weight files give clear errors', async () => {
    await expect(loadHeads(join(dir, 'nowhere'))).rejects.toThrow(/no model weights at .*heads\.json missing/);
    const heads = createHeads(SMALL);
    const target = join(dir, 'corrupt');
    await heads.save(target, {});
    heads.dispose();
    const bin = await readFile(join(target, 'heads.bin'));
    await writeFile(join(target, 'heads.bin'), bin.subarray(0, bin.byteLength - 8));
    await expect(loadHeads(target)).rejects.toThrow(/heads\.bin are corrupt/);
    await writeFile(join(target, 'heads.json'), '{"format": ');
    await expect(loadHeads(target)).rejects.toThrow(/heads\.json is corrupt: not valid JSON/);
  });

  test('invalid configs name the offending field', () => {
    expect(() => createHeads({ windowCells: 13 })).toThrow('windowCells must be even');
    expect(() => createHeads({ maskSize: 0 })).toThrow('maskSize must be a positive integer');
  });
});
