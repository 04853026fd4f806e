import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeRle, encodeMask, fromCocoRle, rleIou, type Rle } from '../../../shared/geometry';
import { datasetsAvailable, datasetsDir } from '../../../test/support/shared-data';
import { selectBackend } from '../backend';
import type { ProposalModel } from '../proposal-model';
import { maskNms } from '../nms';
import { loadTrunk, type Trunk } from '../trunk';
import { createInstanceFcnHeads } from './heads';
import { createInstanceFcn, INSTANCEFCN_NMS_IOU } from './model';

// Untrained narrow heads exercise the whole pipeline with the real trunk; mask quality is the
// training's business (bench/seed-table2.ts measures it), the pipeline's guarantees are tested here.
const NARROW = { sharedChannels: 16, contextChannels: 16, objectnessReduceChannels: 8, objectnessHidden: 16 };

let dir: string;
let trunk: Trunk;
let model: ProposalModel;
let photo: string;

beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'instancefcn-'));
  const heads = createInstanceFcnHeads(NARROW, 4);
  await heads.save(join(dir, 'model'), { modelVersion: 'ifcn-test-1' });
  heads.dispose();
  trunk = await loadTrunk();
  model = createInstanceFcn({ trunk, modelDir: join(dir, 'model'), maxCandidates: 80 });
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

/** A width x height mask with the rectangle [x0, x1) x [y0, y1) set. */
function rectangle(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Rle {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = 1;
  return encodeMask({ width, height, data });
}

describe('NMS at 0.8 (the InstanceFCN setting)', () => {
  test('a proposal overlapping a better one by IoU 0.75 is kept, by IoU 0.85 it is dropped', () => {
    expect(model.settings.nmsIou).toBe(INSTANCEFCN_NMS_IOU);
    expect(INSTANCEFCN_NMS_IOU).toBe(0.8);
    const best = rectangle(100, 10, 0, 0, 100, 10);
    const overlap75 = rectangle(100, 10, 0, 0, 75, 10); // IoU 75 / 100
    const overlap85 = rectangle(100, 10, 15, 0, 100, 10); // IoU 85 / 100
    expect(rleIou([overlap75], [best], [false])[0][0]).toBeCloseTo(0.75);
    expect(rleIou([overlap85], [best], [false])[0][0]).toBeCloseTo(0.85);
    const kept = maskNms(
      [
        { rle: overlap75, score: 0.5 },
        { rle: best, score: 0.9 },
        { rle: overlap85, score: 0.7 },
      ],
      model.settings.nmsIou as number,
      10,
    );
    expect(kept).toEqual([1, 0]);
  });
});

describe('InstanceFCN inference', () => {
  test('reports the backend and the version saved with the weights', () => {
    expect(model.backend?.backend).toBe('wasm');
    expect(model.modelVersion).toBe('ifcn-test-1');
  });

  test('proposals: full resolution, best first, well-formed, no two overlapping by more than the NMS IoU', async () => {
    const image = await fileImage(photo);
    const proposals = await model.propose(image, { maxProposals: 25 });
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals.length).toBeLessThanOrEqual(25);
    const scores = proposals.map((proposal) => proposal.score ?? -1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const proposal of proposals) {
      expect(proposal).toMatchObject({ status: 'proposed', source: 'model', categoryId: null, modelVersion: 'ifcn-test-1' });
      expect(proposal.rle.size).toEqual([image.height, image.width]);
      expect(decodeRle(fromCocoRle(proposal.rle)).data.includes(1)).toBe(true);
      expect(proposal.polygons.length).toBeGreaterThan(0);
    }
    // NMS runs on a coarse grid (proposal-instances.ts), so allow a few percent over the threshold.
    const rles = proposals.map((proposal) => fromCocoRle(proposal.rle));
    const ious = rleIou(rles, rles, rles.map(() => false));
    for (let i = 0; i < rles.length; i++) for (let j = i + 1; j < rles.length; j++) expect(ious[i][j]).toBeLessThan(0.85);
  });

  test('no tensors leak across propose and segmentAt calls on changing images', async () => {
    const first = await fileImage(photo);
    const secondPath = join(dir, 'second.png');
    await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 20, g: 20, b: 200 } } }).png().toFile(secondPath);
    const second = await fileImage(secondPath);
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
    model.dispose();
    const loaded = tf.memory().numTensors;
    model = createInstanceFcn({ trunk, modelDir: join(dir, 'model'), maxCandidates: 80 });
    await model.load();
    await model.propose(first, { maxProposals: 5 });
    model.dispose();
    expect(tf.memory().numTensors).toBe(loaded);
    model = createInstanceFcn({ trunk, modelDir: join(dir, 'model'), maxCandidates: 80 });
    await model.load();
  }, 60_000);

  test('click-to-segment: the window centred at the click, best scale first, other scales on request', async () => {
    const image = await fileImage(photo);
    const point = { x: image.width / 2, y: image.height / 2 };
    const best = await model.segmentAt(image, { clicks: [{ ...point, positive: true }] });
    expect(best).not.toBeNull();
    expect(best).toMatchObject({ source: 'click', status: 'proposed' });
    expect(best?.rle.size).toEqual([image.height, image.width]);
    const masks = new Set<string>();
    const scores: number[] = [];
    for (let scaleIndex = 0; scaleIndex < 4; scaleIndex++) {
      const instance = await model.segmentAt(image, { clicks: [{ ...point, positive: true }], scaleIndex });
      if (instance) {
        masks.add(instance.rle.counts);
        scores.push(instance.score ?? 0);
      }
    }
    expect(masks.size).toBeGreaterThan(1);
    expect(scores[0]).toBe(Math.max(...scores));
    // The mask's window is centred on the click: the mask's bounding box centre is within a window of it.
    expect(await model.segmentAt(image, { clicks: [{ x: -5, y: 10, positive: true }] })).toBeNull();
  });

  test('missing weights and DeepMask weights fail load() clearly', async () => {
    const missing = createInstanceFcn({ trunk, modelDir: join(dir, 'nothing-here') });
    await expect(missing.load()).rejects.toThrow(/nothing-here/);
    missing.dispose();
    expect(() => createInstanceFcn({ nmsIou: 0 })).toThrow('nmsIou must be a positive number');
  });
});
