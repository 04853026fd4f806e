import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { selectBackend } from '../backend';
import type { ImageView } from '../sampler/geometry';
import type { MaskPixels } from '../sampler/mask-target';
import { WindowSampler, type SamplerImage } from '../sampler/sampler';
import { FeatureCache, type FeatureMap } from '../training/features';
import type { TrainingSource } from '../training/trainer';
import { createInstanceFcnHeads } from './heads';
import { INSTANCEFCN_LEARNING_RATE, trainInstanceFcn } from './trainer';

// Synthetic scenes: ellipses on 256 x 192 images; the stand-in "trunk" writes, per cell, whether the
// cell is inside an object plus a few position functions, so there is something to learn without the
// real trunk (scripts/train-instancefcn.ts trains on it).
const WIDTH = 256;
const HEIGHT = 192;
const scenes = [
  [
    { cx: 70, cy: 80, rx: 50, ry: 40 },
    { cx: 180, cy: 120, rx: 30, ry: 60 },
  ],
  [{ cx: 128, cy: 96, rx: 70, ry: 45 }],
];
const masks: MaskPixels[][] = scenes.map((ellipses) =>
  ellipses.map(({ cx, cy, rx, ry }) => {
    const data = new Uint8Array(WIDTH * HEIGHT);
    for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) if (((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1) data[y * WIDTH + x] = 1;
    return { width: WIDTH, height: HEIGHT, data };
  }),
);
const images: SamplerImage[] = scenes.map((ellipses) => ({
  width: WIDTH,
  height: HEIGHT,
  objects: ellipses.map(({ cx, cy, rx, ry }) => ({ bbox: [cx - rx, cy - ry, 2 * rx, 2 * ry] as const, iscrowd: false })),
}));
const CHANNELS = 6;

async function syntheticFeatures(imageIndex: number, view: ImageView): Promise<FeatureMap> {
  const width = view.width / 16;
  const height = view.height / 16;
  const data = new Float32Array(width * height * CHANNELS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const viewX = (x + 0.5) * 16;
      const originalX = Math.floor((view.flipped ? view.width - viewX : viewX) / view.scaleX);
      const originalY = Math.floor(((y + 0.5) * 16) / view.scaleY);
      const inside = masks[imageIndex].some((mask) => mask.data[originalY * WIDTH + originalX] === 1) ? 1 : 0;
      data.set([inside, view.scaleX, Math.sin(x), Math.cos(y), inside * view.scaleX, 1], (y * width + x) * CHANNELS);
    }
  }
  return { width, height, channels: CHANNELS, data };
}

function source(): TrainingSource {
  return {
    sampler: new WindowSampler(images, { seed: 5, maxViewSide: 512 }),
    features: new FeatureCache(syntheticFeatures, { maxBytes: 64 * 1024 * 1024 }),
    mask: (imageIndex, objectIndex) => masks[imageIndex][objectIndex],
  };
}

const NARROW = { channels: CHANNELS, sharedChannels: 8, contextChannels: 8, objectnessReduceChannels: 4, objectnessHidden: 8 };

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('InstanceFCN trainer', () => {
  test('a short run lowers the joint loss, reports progress and leaks no tensors', async () => {
    const heads = createInstanceFcnHeads(NARROW, 2);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await trainInstanceFcn(heads, source(), { steps: 80, batchSize: 8, learningRate: 0.01, progressEvery: 20, onProgress: (event) => progress.push(event.step) });
    expect(result.steps).toBe(80);
    expect(result.cancelled).toBe(false);
    expect(progress).toEqual([20, 40, 60, 80]);
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = mean(result.losses.slice(0, 15));
    const last = mean(result.losses.slice(-15));
    expect(last).toBeLessThan(first * 0.8);
    expect(tf.memory().numTensors).toBe(before);
    heads.dispose();
  }, 120_000);

  test('snapshots: awaited every snapshotEvery steps with the weights of that step, not at the end', async () => {
    const heads = createInstanceFcnHeads(NARROW, 4);
    const seen: Array<{ step: number; bias: number[] }> = [];
    const result = await trainInstanceFcn(heads, source(), {
      steps: 10,
      batchSize: 4,
      snapshotEvery: 4,
      onSnapshot: async (step) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push({ step, bias: Array.from(await heads.variables['maps/bias'].data()) });
      },
    });
    expect(result.steps).toBe(10);
    expect(seen.map((entry) => entry.step)).toEqual([4, 8]);
    expect(seen[0].bias).not.toEqual(seen[1].bias);
    heads.dispose();
  }, 60_000);

  test('default Adam step size is 3e-3 (DeepMask\'s 1e-3 left the maps blurry): the first step moves each trained weight by it', async () => {
    const heads = createInstanceFcnHeads(NARROW, 5);
    const before = Array.from(await heads.variables['maps/bias'].data());
    await trainInstanceFcn(heads, source(), { steps: 1, batchSize: 4 });
    const after = Array.from(await heads.variables['maps/bias'].data());
    // Adam's bias-corrected first step is lr * g / |g| for every weight with a gradient.
    const moves = after.map((value, index) => Math.abs(value - before[index])).filter((move) => move > 1e-6);
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) expect(move).toBeCloseTo(INSTANCEFCN_LEARNING_RATE, 5);
    expect(INSTANCEFCN_LEARNING_RATE).toBe(3e-3);
    heads.dispose();
  });

  test('stops between steps when aborted; rejects bad batch sizes', async () => {
    const heads = createInstanceFcnHeads(NARROW, 3);
    const controller = new AbortController();
    controller.abort();
    const result = await trainInstanceFcn(heads, source(), { steps: 10, batchSize: 4, signal: controller.signal });
    expect(result).toMatchObject({ steps: 0, cancelled: true });
    await expect(trainInstanceFcn(heads, source(), { steps: 1, batchSize: 3 })).rejects.toThrow(/even/);
    await expect(trainInstanceFcn(heads, source(), { steps: 1, batchSize: 1000 })).rejects.toThrow(/batchSize/);
    heads.dispose();
  });
});
