import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeRle, fromCocoRle } from '../../../shared/geometry';
import { datasetsAvailable, datasetsDir } from '../../../test/support/shared-data';
import { selectBackend } from '../backend';
import { createDeepMask, type DeepMask } from './model';
import { createHeads, loadHeads, withRefiner } from '../heads';
import { loadTrunk, type Trunk } from '../trunk';

// Untrained heads (narrow, seeded) exercise the whole pipeline; what the masks look like is the
// training's business, what the pipeline guarantees (shapes, coordinates, order, memory) is tested here.
const NARROW = { sharedChannels: 16, maskReduceChannels: 8, maskBottleneck: 32, scoreReduceChannels: 8, scoreHidden: 16 };

let dir: string;
let trunk: Trunk;
let model: DeepMask;
let photo: string;

beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'deepmask-'));
  const heads = createHeads(NARROW, 3);
  await heads.save(join(dir, 'model'), { modelVersion: 'test-heads-1' });
  heads.dispose();
  trunk = await loadTrunk();
  model = createDeepMask({ trunk, modelDir: join(dir, 'model'), maxCandidates: 60 });
  await model.load();
  photo = join(dir, 'photo.png');
  if (datasetsAvailable) await sharp(join(datasetsDir, 'coco128/images/000000000034.jpg')).toFile(photo);
  else await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 60 } } }).png().toFile(photo);
}, 120_000);

afterAll(async () => {
  model?.dispose();
  trunk?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function fileImage(path: string): Promise<{ path: string; width: number; height: number }> {
  const metadata = await sharp(path).metadata();
  return { path, width: metadata.width ?? 0, height: metadata.height ?? 0 };
}

describe('DeepMask inference', () => {
  test('reports backend and the model version saved with the weights', () => {
    expect(model.backend?.backend).toBe('wasm');
    expect(model.modelVersion).toBe('test-heads-1');
  });

  test('proposals are full-resolution, best first, deduplicated and well-formed', async () => {
    const image = await fileImage(photo);
    const proposals = await model.propose(image, { maxProposals: 20 });
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals.length).toBeLessThanOrEqual(20);
    const scores = proposals.map((proposal) => proposal.score ?? -1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const proposal of proposals) {
      expect(proposal).toMatchObject({ status: 'proposed', source: 'model', categoryId: null, modelVersion: 'test-heads-1' });
      expect(proposal.score).toBeGreaterThan(0);
      expect(proposal.score).toBeLessThan(1);
      expect(proposal.rle.size).toEqual([image.height, image.width]);
      expect(decodeRle(fromCocoRle(proposal.rle)).data.includes(1)).toBe(true);
      expect(proposal.polygons.length).toBeGreaterThan(0);
    }
    expect(new Set(proposals.map((proposal) => proposal.id)).size).toBe(proposals.length);
    expect(model.lastTimings.total).toBeGreaterThan(0);
  });

  test('no tensors leak across propose and segmentAt calls on changing images', async () => {
    const first = await fileImage(photo);
    const secondPath = join(dir, 'second.png');
    await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 20, g: 20, b: 200 } } }).png().toFile(secondPath);
    const second = await fileImage(secondPath);
    // The pyramid of the last image stays cached, so the count depends on which image came last.
    const expected = new Map<string, number>();
    for (const image of [first, second]) {
      await model.propose(image, { maxProposals: 5 });
      await model.segmentAt(image, { clicks: [{ x: 50, y: 40, positive: true }] });
      expected.set(image.path, tf.memory().numTensors);
    }
    for (const image of [first, second, first, second]) {
      await model.propose(image, { maxProposals: 5 });
      await model.segmentAt(image, { clicks: [{ x: 50, y: 40, positive: true }] });
      expect(tf.memory().numTensors).toBe(expected.get(image.path));
    }
    // Clicks on an image whose pyramid is not cached take the crop path; it must not leak either.
    const beforeColdClicks = tf.memory().numTensors;
    await model.segmentAt(first, { clicks: [{ x: 30, y: 30, positive: true }] });
    await model.segmentAt(first, { clicks: [{ x: 100, y: 60, positive: true }], scaleIndex: 2 });
    expect(tf.memory().numTensors).toBe(beforeColdClicks);
    model.dispose();
    model = createDeepMask({ trunk, modelDir: join(dir, 'model'), maxCandidates: 60 });
    const loaded = tf.memory().numTensors;
    await model.load();
    await model.propose(first, { maxProposals: 5 });
    model.dispose();
    // Disposing releases the heads and the cached pyramid: back to the trunk's own tensors.
    expect(tf.memory().numTensors).toBe(loaded);
    model = createDeepMask({ trunk, modelDir: join(dir, 'model'), maxCandidates: 60 });
    await model.load();
  });

  test('click-to-segment returns a click instance at image resolution; scale index cycles through scales', async () => {
    const image = await fileImage(photo);
    const best = await model.segmentAt(image, { clicks: [{ x: image.width / 2, y: image.height / 2, positive: true }] });
    expect(best).not.toBeNull();
    expect(best).toMatchObject({ source: 'click', status: 'proposed' });
    expect(best?.rle.size).toEqual([image.height, image.width]);
    const masks = new Set<string>();
    for (let scaleIndex = 0; scaleIndex < 4; scaleIndex++) {
      const instance = await model.segmentAt(image, { clicks: [{ x: image.width / 2, y: image.height / 2, positive: true }], scaleIndex });
      if (instance) masks.add(instance.rle.counts);
    }
    expect(masks.size).toBeGreaterThan(1);
    expect(await model.segmentAt(image, { clicks: [{ x: -5, y: 10, positive: true }] })).toBeNull();
  });

  test('an image larger than the working size is proposed at its full resolution', async () => {
    const big = join(dir, 'big.png');
    await sharp({ create: { width: 3000, height: 1000, channels: 3, background: { r: 200, g: 180, b: 20 } } }).png().toFile(big);
    const small = createDeepMask({ trunk, modelDir: join(dir, 'model'), maxDecodeSide: 600, maxCandidates: 20 });
    await small.load();
    try {
      const proposals = await small.propose({ path: big, width: 3000, height: 1000 }, { maxProposals: 3 });
      expect(proposals.length).toBeGreaterThan(0);
      for (const proposal of proposals) {
        expect(proposal.rle.size).toEqual([1000, 3000]);
        const xs = proposal.polygons.flatMap((ring) => ring.filter((_, index) => index % 2 === 0));
        expect(Math.max(...xs)).toBeLessThanOrEqual(3000);
      }
    } finally {
      small.dispose();
    }
  });

  test('a 1x1 image gets proposals without crashing', async () => {
    const tiny = join(dir, 'tiny.png');
    await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toFile(tiny);
    const proposals = await model.propose({ path: tiny, width: 1, height: 1 }, { maxProposals: 3 });
    for (const proposal of proposals) expect(proposal.rle.size).toEqual([1, 1]);
  });

  test('missing weights fail load() with the directory in the message; bad options are rejected', async () => {
    const missing = createDeepMask({ trunk, modelDir: join(dir, 'nothing-here') });
    await expect(missing.load()).rejects.toThrow(/no model weights at .*nothing-here/);
    missing.dispose();
    expect(() => createDeepMask({ nmsIou: 0 })).toThrow('nmsIou must be a positive number');
    expect(() => createDeepMask({ colourWeight: -1 })).toThrow('colourWeight must be a positive number');
    expect(createDeepMask({ trunk, colourWeight: 0 }).settings.colourWeight).toBe(0);
    await expect(model.propose({ path: photo, width: 1, height: 1 }, { maxProposals: 0 })).rejects.toThrow('maxProposals must be a positive integer');
  });

  test('a fresh mask refiner changes nothing (it starts as the identity); a trained one changes the first refineTop proposals and clicks', async () => {
    const plain = await loadHeads(join(dir, 'model'));
    const refined = withRefiner(plain, 8, trunk.fineChannels.stride8, trunk.fineChannels.stride4);
    const image = await fileImage(photo);
    const withRefinerModel = createDeepMask({ trunk, heads: refined, maxCandidates: 60 });
    const clickModel = createDeepMask({ trunk, heads: refined, maxCandidates: 60 });
    await withRefinerModel.load();
    await clickModel.load();
    try {
      const expected = await model.propose(image, { maxProposals: 20, withPolygons: false });
      const actual = await withRefinerModel.propose(image, { maxProposals: 20, withPolygons: false });
      expect(actual.map((instance) => instance.rle)).toEqual(expected.map((instance) => instance.rle));
      const point = { x: image.width / 2, y: image.height / 2 };
      const expectedClick = await model.segmentAt(image, { clicks: [{ ...point, positive: true }] });
      // Both click paths: the pyramid computed by propose, and crops around the click on a fresh model.
      expect((await withRefinerModel.segmentAt(image, { clicks: [{ ...point, positive: true }] }))?.rle).toEqual(expectedClick?.rle);
      const numTensors = tf.memory().numTensors;
      const cropClick = await clickModel.segmentAt(image, { clicks: [{ ...point, positive: true }] });
      expect(tf.memory().numTensors).toBe(numTensors);

      // The refiner is really applied, on the first refineTop proposals and on clicks: a bias that
      // pushes every logit up makes exactly those masks grow.
      const bias = refined.refineVariables.find((variable) => variable.name.endsWith('refine/conv2/bias'))!;
      bias.assign(tf.tensor1d([3]));
      const grown = await withRefinerModel.propose(image, { maxProposals: 20, withPolygons: false });
      const area = (rle: { size: [number, number]; counts: string }) => decodeRle(fromCocoRle(rle)).data.reduce((sum, value) => sum + value, 0);
      const refinedCount = withRefinerModel.settings.refineTop;
      expect(refinedCount).toBeGreaterThan(0);
      grown.forEach((instance, index) => {
        if (index < Math.min(refinedCount, grown.length)) expect(area(instance.rle)).toBeGreaterThan(area(expected[index].rle));
        else expect(instance.rle).toEqual(expected[index].rle);
      });
      expect(area((await withRefinerModel.segmentAt(image, { clicks: [{ ...point, positive: true }] }))!.rle)).toBeGreaterThan(area(expectedClick!.rle));
      expect(area((await clickModel.segmentAt(image, { clicks: [{ ...point, positive: true }] }))!.rle)).toBeGreaterThan(area(cropClick!.rle));
    } finally {
      withRefinerModel.dispose();
      clickModel.dispose();
      refined.dispose();
      plain.dispose();
    }
  }, 120_000);
});
