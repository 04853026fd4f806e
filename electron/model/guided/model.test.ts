// The detector-guided model's pipeline with untrained prompt-mask weights whose output bias is +10:
// every grid cell is foreground, so a mask is exactly its ROI within the image. That pins down the
// coordinate chain (image -> view -> ROI -> paste -> image) without depending on what training learns.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fromCocoRle, rleBbox, toCocoRle } from '../../../shared/geometry';
import { selectBackend } from '../backend';
import { saveHeadsFiles } from '../heads-io';
import { DEFAULT_PROMPT_MASK_CONFIG, initialPromptMaskValue, promptMaskParameterNames, promptMaskShapes } from '../promptmask/network';
import { createGuidedModel, type GuidedModel } from './model';

const photo = resolve(import.meta.dirname, '../../../resources/sample-photos/coffee.jpg');
const deepmaskDir = resolve(import.meta.dirname, '../../../resources/models/deepmask');
let dir: string;
let model: GuidedModel;
let size: { width: number; height: number };

beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'guided-'));
  const shapes = promptMaskShapes(DEFAULT_PROMPT_MASK_CONFIG);
  const parameters = promptMaskParameterNames(DEFAULT_PROMPT_MASK_CONFIG).map((name, index) => ({
    name,
    tensor: name === 'out/bias' ? tf.fill(shapes[name], 10) : initialPromptMaskValue(name, shapes[name], index + 1),
  }));
  await saveHeadsFiles(dir, DEFAULT_PROMPT_MASK_CONFIG, { architecture: 'guided', modelVersion: 'guided-test-1', deepmaskDir }, parameters);
  tf.dispose(parameters.map((parameter) => parameter.tensor));
  model = createGuidedModel({ modelDir: dir, windows: 40, boxMasks: 20, clickBoxes: 0 }); // the first click alone: its box prompts are tested in interactive.test.ts
  await model.load();
  const sharp = (await import('sharp')).default;
  const metadata = await sharp(photo).metadata();
  size = { width: metadata.width as number, height: metadata.height as number };
}, 180_000);

afterAll(async () => {
  model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('detector-guided model', () => {
  test('proposes image-sized masks, best first, each scored in [0, 1], at most maxProposals', async () => {
    const proposals = await model.propose({ path: photo, ...size }, { maxProposals: 15 });
    expect(model.modelVersion).toBe('guided-test-1');
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals.length).toBeLessThanOrEqual(15);
    for (const [index, proposal] of proposals.entries()) {
      expect(proposal.rle.size).toEqual([size.height, size.width]);
      expect(proposal.status).toBe('proposed');
      expect(proposal.score).toBeGreaterThanOrEqual(0);
      expect(proposal.score).toBeLessThanOrEqual(1);
      if (index > 0) expect(proposal.score as number).toBeLessThanOrEqual(proposals[index - 1].score as number);
      expect(proposal.polygons.length).toBeGreaterThan(0);
    }
  }, 120_000);

  test('a box prompt gives the box widened 1.4x (the ROI), clipped to the image', async () => {
    const box = { x1: 100, y1: 80, x2: 200, y2: 160 };
    const instance = await model.segmentAt({ path: photo, ...size }, { clicks: [], box });
    expect(instance?.source).toBe('click');
    const [x, y, width, height] = rleBbox(fromCocoRle(instance!.rle));
    // 100 x 80 widened 1.4x around (150, 120): 140 x 112 from (80, 64); pasting rounds to whole pixels.
    expect(Math.abs(x - 80)).toBeLessThanOrEqual(2);
    expect(Math.abs(y - 64)).toBeLessThanOrEqual(2);
    expect(Math.abs(width - 140)).toBeLessThanOrEqual(3);
    expect(Math.abs(height - 112)).toBeLessThanOrEqual(3);
  }, 60_000);

  test('a first click zooms from the whole view onto what it found; the previous mask steers the next ROI', async () => {
    const click = { x: 50, y: 40, positive: true };
    const first = await model.segmentAt({ path: photo, ...size }, { clicks: [click] });
    // Everything is foreground on the whole view, so the zoomed ROI covers the image: the whole image.
    expect(rleBbox(fromCocoRle(first!.rle))).toEqual([0, 0, size.width, size.height]);
    const small = { x1: 200, y1: 150, x2: 260, y2: 200 };
    const boxed = await model.segmentAt({ path: photo, ...size }, { clicks: [], box: small });
    const refined = await model.segmentAt({ path: photo, ...size }, { clicks: [{ x: 230, y: 175, positive: true }], previousMask: boxed!.rle });
    const [x, y, width, height] = rleBbox(fromCocoRle(refined!.rle));
    // The ROI is the previous mask's box (84 x 70 around (230, 175)) widened 1.4x again.
    expect(Math.abs(x + width / 2 - 230)).toBeLessThanOrEqual(3);
    expect(Math.abs(y + height / 2 - 175)).toBeLessThanOrEqual(3);
    expect(Math.abs(width - 84 * 1.4)).toBeLessThanOrEqual(4);
  }, 60_000);

  test('refuses a previous mask of another size and leaks no tensors', async () => {
    await expect(model.segmentAt({ path: photo, ...size }, { clicks: [{ x: 5, y: 5, positive: true }], previousMask: toCocoRle({ height: 10, width: 10, counts: [100] }) })).rejects.toThrow(/previous mask is 10x10/);
    const before = tf.memory().numTensors;
    await model.propose({ path: photo, ...size }, { maxProposals: 5 });
    await model.segmentAt({ path: photo, ...size }, { clicks: [{ x: 60, y: 60, positive: true }] });
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

