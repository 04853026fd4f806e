import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bboxIou, fromCocoRle, rleArea, rleBbox } from '../../shared/geometry';
import { datasetsAvailable, datasetsDir } from '../../test/support/shared-data';
import { createDetectorBoxBaseline, type DetectorBoxBaseline } from './detector-baseline';

let baseline: DetectorBoxBaseline;
beforeAll(async () => {
  baseline = createDetectorBoxBaseline();
  await baseline.load();
}, 60_000);
afterAll(() => baseline?.dispose());

describe('detector-box baseline', () => {
  // coco128 000000000034.jpg (640x425): one zebra, ground-truth bbox [0.96, 20.06, 441.23, 379.15] (x, y, w, h).
  // Finding it with a high score also confirms the detector's 0..255 input scaling.
  test.skipIf(!datasetsAvailable)('the best box is the zebra in coco128 000000000034.jpg', async () => {
    const image = { path: join(datasetsDir, 'coco128/images/000000000034.jpg'), width: 640, height: 425 };
    const proposals = await baseline.propose(image, { maxProposals: 50 });
    expect(proposals.length).toBeGreaterThan(10);
    expect(proposals.length).toBeLessThanOrEqual(50);
    const best = proposals[0];
    expect(best.score).toBeGreaterThan(0.5);
    expect(best.rle.size).toEqual([425, 640]);
    const box = rleBbox(fromCocoRle(best.rle));
    expect(bboxIou([box], [[0.96, 20.06, 441.23, 379.15]], [false])[0][0]).toBeGreaterThan(0.7);
    // Rectangles: the mask fills its bounding box exactly.
    expect(rleArea(fromCocoRle(best.rle))).toBe(box[2] * box[3]);
    const scores = proposals.map((proposal) => proposal.score ?? 0);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  }, 60_000);

  test('decoded pixels of any size work, boxes stay inside the image, and nothing leaks', async () => {
    const rgb = new Uint8Array(300 * 200 * 3).map((_, index) => (index * 7) % 256);
    const image = { width: 300, height: 200, rgb, originalWidth: 300, originalHeight: 200 };
    await baseline.boxes(image, 20);
    const before = tf.memory().numTensors;
    const boxes = await baseline.boxes(image, 20);
    expect(tf.memory().numTensors).toBe(before);
    for (const box of boxes) {
      expect(box.x1).toBeGreaterThanOrEqual(0);
      expect(box.x2).toBeLessThanOrEqual(300);
      expect(box.y2).toBeLessThanOrEqual(200);
    }
  }, 60_000);
});
