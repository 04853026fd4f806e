import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerGradients } from '../gradients';
import { createHeads, withRefiner, type DeepMaskHeads, type DeepMaskHeadsConfig } from '../heads';
import type { ImageView } from '../sampler/geometry';
import type { MaskPixels } from '../sampler/mask-target';
import { WindowSampler, type SamplerImage } from '../sampler/sampler';
import { FeatureCache, type FeatureMap } from './features';
import { namedVariables, trainHeads, type TrainingProgress, type TrainingSource } from './trainer';

// Two synthetic 256 x 192 images with elliptic objects; the "trunk" is a stand-in that, per cell,
// writes the object coverage of the cell and a few fixed functions of the cell position, so the
// heads have something learnable without running the real trunk (which the e2e training script does).
const SMALL: Partial<DeepMaskHeadsConfig> = { channels: 6, sharedChannels: 12, maskReduceChannels: 4, maskBottleneck: 16, scoreReduceChannels: 4, scoreHidden: 12 };

interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}
const scenes: Ellipse[][] = [
  [
    { cx: 70, cy: 80, rx: 50, ry: 40 },
    { cx: 180, cy: 120, rx: 30, ry: 60 },
  ],
  [{ cx: 128, cy: 96, rx: 70, ry: 45 }],
];
const WIDTH = 256;
const HEIGHT = 192;

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

async function syntheticFeatures(imageIndex: number, view: ImageView): Promise<FeatureMap> {
  const width = view.width / 16;
  const height = view.height / 16;
  const channels = SMALL.channels as number;
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const viewX = (x + 0.5) * 16;
      const originalX = Math.floor((view.flipped ? view.width - viewX : viewX) / view.scaleX);
      const originalY = Math.floor(((y + 0.5) * 16) / view.scaleY);
      const inside = masks[imageIndex].some((mask) => mask.data[originalY * WIDTH + originalX] === 1) ? 1 : 0;
      const base = (y * width + x) * channels;
      data.set([inside, view.scaleX, Math.sin(x), Math.cos(y), inside * view.scaleX, 1], base);
    }
  }
  return { width, height, channels, data };
}

/** The stand-in trunk's finer maps: per cell, the object coverage at its centre and a constant. */
function syntheticFineMap(imageIndex: number, view: ImageView, stride: number) {
  const width = view.width / stride;
  const height = view.height / stride;
  const data = new Float32Array(width * height * 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const viewX = (x + 0.5) * stride;
      const originalX = Math.min(WIDTH - 1, Math.floor((view.flipped ? view.width - viewX : viewX) / view.scaleX));
      const originalY = Math.min(HEIGHT - 1, Math.floor(((y + 0.5) * stride) / view.scaleY));
      const inside = masks[imageIndex].some((mask) => mask.data[originalY * WIDTH + originalX] === 1) ? 1 : 0;
      data.set([inside, 1], (y * width + x) * 2);
    }
  }
  return { width, height, channels: 2, data };
}

async function syntheticFeaturesWithFine(imageIndex: number, view: ImageView): Promise<FeatureMap> {
  return { ...(await syntheticFeatures(imageIndex, view)), fine: { stride8: syntheticFineMap(imageIndex, view, 8), stride4: syntheticFineMap(imageIndex, view, 4) } };
}

function source(seed = 5): TrainingSource {
  return {
    sampler: new WindowSampler(images, { seed, maxViewSide: 512 }),
    features: new FeatureCache(syntheticFeatures, { maxBytes: 64 * 1024 * 1024 }),
    mask: (imageIndex, objectIndex) => masks[imageIndex][objectIndex],
  };
}

async function weights(heads: DeepMaskHeads): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, variable] of Object.entries(namedVariables(heads))) out[name] = (await variable.data()) as Float32Array;
  return out;
}

let dir: string;
// Loading tfjs's gradient module takes seconds, minutes on a machine busy with other jobs.
beforeAll(async () => {
  await tf.setBackend('cpu');
  await registerGradients();
  dir = await mkdtemp(join(tmpdir(), 'trainer-'));
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Generous per-test limits: these train real (small) heads, and CI machines may be busy.
const SLOW = 300_000;

describe('trainHeads', () => {
  test('both losses decrease on a tiny dataset', async () => {
    const heads = createHeads(SMALL, 3);
    const result = await trainHeads(heads, source(), { steps: 160, batchSize: 16, learningRate: 3e-3 });
    const of = (branch: 'mask' | 'score') => result.history.filter((record) => record.branch === branch).map((record) => record.loss);
    const head = (values: number[]) => values.slice(0, 10).reduce((a, b) => a + b) / 10;
    const tail = (values: number[]) => values.slice(-10).reduce((a, b) => a + b) / 10;
    expect(result.steps).toBe(160);
    expect(tail(of('mask'))).toBeLessThan(0.7 * head(of('mask')));
    expect(tail(of('score'))).toBeLessThan(0.7 * head(of('score')));
    heads.dispose();
  }, SLOW);

  test('progress events report step, both losses, samples/s and ETA', async () => {
    const heads = createHeads(SMALL, 3);
    const events: TrainingProgress[] = [];
    await trainHeads(heads, source(), { steps: 20, batchSize: 8, progressEvery: 5, onProgress: (event) => events.push(event) });
    const training = events.filter((event) => event.phase === 'training');
    expect(training.map((event) => event.step)).toEqual([5, 10, 15, 20]);
    for (const event of training) {
      expect(event.maskLoss).toBeGreaterThan(0);
      expect(event.scoreLoss).toBeGreaterThan(0);
      expect(event.samplesPerSecond).toBeGreaterThan(0);
      expect(event.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(training.at(-1)?.etaSeconds).toBe(0);
    expect(events.some((event) => event.phase === 'features')).toBe(true);
    heads.dispose();
  }, SLOW);

  test('stopping at a checkpoint and resuming gives exactly the weights of an uninterrupted run', async () => {
    const straight = createHeads(SMALL, 3);
    await trainHeads(straight, source(), { steps: 24, batchSize: 8, checkpointDir: join(dir, 'straight') });

    const first = createHeads(SMALL, 3);
    await trainHeads(first, source(), { steps: 11, batchSize: 8, checkpointDir: join(dir, 'resumed') });
    first.dispose();
    const second = createHeads(SMALL, 99); // different initial weights: the checkpoint must override them
    const result = await trainHeads(second, source(), { steps: 24, batchSize: 8, checkpointDir: join(dir, 'resumed'), resume: true });
    expect(result.resumedFrom).toBe(11);
    expect(await weights(second)).toEqual(await weights(straight));
    straight.dispose();
    second.dispose();
  }, SLOW);

  test('a timer (as Ctrl+C or a time limit) can cancel a running training loop', async () => {
    const heads = createHeads(SMALL, 3);
    const controller = new AbortController();
    const warm = source();
    // Fill the feature cache first, so every step completes on microtasks alone.
    await trainHeads(heads, warm, { steps: 2, batchSize: 8 });
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const result = await trainHeads(heads, warm, { steps: 1_000_000, batchSize: 8, signal: controller.signal, precomputeFeatures: false });
    expect(result.steps).toBeGreaterThan(0);
    expect(result.cancelled).toBe(true);
    expect(result.steps).toBeLessThan(1_000_000);
    expect(performance.now() - started).toBeLessThan(15_000);
    heads.dispose();
  }, SLOW);

  test('a resume with other settings is refused', async () => {
    const heads = createHeads(SMALL, 3);
    await trainHeads(heads, source(), { steps: 2, batchSize: 8, checkpointDir: join(dir, 'settings') });
    await expect(trainHeads(heads, source(), { steps: 4, batchSize: 16, checkpointDir: join(dir, 'settings'), resume: true })).rejects.toThrow(/other settings/);
    heads.dispose();
  }, SLOW);

  test('cancelling stops before the next step and saves a checkpoint', async () => {
    const heads = createHeads(SMALL, 3);
    const controller = new AbortController();
    const checkpoints: number[] = [];
    const started = performance.now();
    const result = await trainHeads(heads, source(), {
      steps: 100_000,
      batchSize: 8,
      progressEvery: 1,
      checkpointDir: join(dir, 'cancel'),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'training' && event.step === 7) controller.abort();
        if (event.phase === 'checkpoint') checkpoints.push(event.step);
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.steps).toBe(7);
    expect(checkpoints).toEqual([7]);
    expect(performance.now() - started).toBeLessThan(20_000);
    const resumed = await trainHeads(heads, source(), { steps: 9, batchSize: 8, checkpointDir: join(dir, 'cancel'), resume: true });
    expect(resumed.resumedFrom).toBe(7);
    heads.dispose();
  }, SLOW);

  test('heads with a mask refiner train it with the mask branch, from the finer feature maps', async () => {
    const heads = withRefiner(createHeads(SMALL, 3), 4, 2, 2);
    const before = await weights(heads);
    const fineSource: TrainingSource = { ...source(), features: new FeatureCache(syntheticFeaturesWithFine, { maxBytes: 64 * 1024 * 1024, fine: true }) };
    // Few small steps: the refiner's 56 x 56 maps are slow on the cpu backend these tests use.
    const result = await trainHeads(heads, fineSource, { steps: 40, batchSize: 8, learningRate: 3e-3 });
    const mask = result.history.filter((record) => record.branch === 'mask').map((record) => record.loss);
    const mean = (values: number[]) => values.reduce((a, b) => a + b) / values.length;
    expect(mean(mask.slice(-5))).toBeLessThan(0.8 * mean(mask.slice(0, 5)));
    const after = await weights(heads);
    expect(after['refine/conv2/pointwise']).not.toEqual(before['refine/conv2/pointwise']);
    expect(after['refine/fine4/kernel']).not.toEqual(before['refine/fine4/kernel']);
    // Without the finer maps the trainer says what is missing instead of failing inside tfjs.
    await expect(trainHeads(heads, source(), { steps: 2, batchSize: 8 })).rejects.toThrow(/stride-8 and stride-4 maps/);
    heads.dispose();
  }, SLOW);

  test('trainOnly "refiner" trains the refiner alone: scores and coarse masks stay as they were', async () => {
    const trained = createHeads(SMALL, 3);
    await trainHeads(trained, source(), { steps: 20, batchSize: 8, learningRate: 3e-3 });
    const heads = withRefiner(trained, 4, 2, 2);
    trained.dispose();
    const before = await weights(heads);
    const fineSource: TrainingSource = { ...source(), features: new FeatureCache(syntheticFeaturesWithFine, { maxBytes: 64 * 1024 * 1024, fine: true }) };
    const result = await trainHeads(heads, fineSource, { steps: 30, batchSize: 8, learningRate: 3e-3, trainOnly: 'refiner' });
    expect(result.history.every((record) => record.branch === 'mask')).toBe(true);
    const mask = result.history.map((record) => record.loss);
    const mean = (values: number[]) => values.reduce((a, b) => a + b) / values.length;
    expect(mean(mask.slice(-5))).toBeLessThan(mean(mask.slice(0, 5)));
    const after = await weights(heads);
    for (const name of Object.keys(before)) {
      if (name.startsWith('refine/')) continue;
      expect(after[name], name).toEqual(before[name]);
    }
    expect(after['refine/conv2/pointwise']).not.toEqual(before['refine/conv2/pointwise']);
    heads.dispose();
    const plain = createHeads(SMALL, 3);
    await expect(trainHeads(plain, source(), { steps: 2, batchSize: 8, trainOnly: 'refiner' })).rejects.toThrow(/no refiner/);
    plain.dispose();
  }, SLOW);
});
