import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { datasetsAvailable, datasetsDir, datasetsSkipReason } from '../../../test/support/shared-data';
import { maskTarget } from '../sampler/mask-target';
import { WindowSampler } from '../sampler/sampler';
import { readCocoFile, trainingDatasetFromCoco } from './dataset';

// The whole chain on real annotations (COCO polygons -> masks -> views -> 56 x 56 targets): the
// target of every positive shows the object centred in the window at about 128 / 4 = 32 target pixels.
describe.skipIf(!datasetsAvailable)('training dataset from coco128', () => {
  test(`positives' mask targets show the object centred at the canonical size${datasetsAvailable ? '' : ` (${datasetsSkipReason})`}`, async () => {
    const dir = join(datasetsDir, 'coco128');
    const dataset = trainingDatasetFromCoco(await readCocoFile(join(dir, 'annotations.json')), join(dir, 'images'));
    expect(dataset.files).toHaveLength(128);
    expect(dataset.objectCount).toBe(929);
    const sampler = new WindowSampler(dataset.samplerImages, { seed: 2, maxViewSide: 1024 });
    for (let i = 0; i < 150; i++) {
      const sample = sampler.drawPositive();
      const target = maskTarget(dataset.mask(sample.imageIndex, sample.objectIndex), sample.view, sample.position);
      let minX = 56;
      let maxX = -1;
      let minY = 56;
      let maxY = -1;
      target.forEach((value, index) => {
        if (value < 0) return;
        const x = index % 56;
        const y = Math.floor(index / 56);
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      });
      expect(maxX).toBeGreaterThanOrEqual(0);
      // Bbox of the target's foreground: centre within (16 px + rounding) / 4 of the window centre 28,
      // larger side within (128 * 2^(+-1/4)) / 4 = 26.9 .. 38.1 target pixels, up to 2 px of rounding.
      expect(Math.abs((minX + maxX + 1) / 2 - 28)).toBeLessThanOrEqual(5.5);
      expect(Math.abs((minY + maxY + 1) / 2 - 28)).toBeLessThanOrEqual(5.5);
      expect(Math.max(maxX - minX + 1, maxY - minY + 1)).toBeGreaterThanOrEqual(24);
      expect(Math.max(maxX - minX + 1, maxY - minY + 1)).toBeLessThanOrEqual(40);
    }
  });
});
