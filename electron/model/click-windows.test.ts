import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { datasetsAvailable, datasetsDir } from '../../test/support/shared-data';
import { selectBackend } from './backend';
import { clickWindows, cropSpan } from './click-windows';
import { decodeImage } from './decode';
import { clampCell, computeFeaturePyramid, cutWindows } from './feature-pyramid';
import { DEFAULT_SETTINGS } from './deepmask/model';
import { windowCentredAt } from './pyramid';
import { loadTrunk, type Trunk } from './trunk';

let trunk: Trunk;
beforeAll(async () => {
  await selectBackend();
  trunk = await loadTrunk();
}, 60_000);
afterAll(() => trunk?.dispose());

describe('crops around a click', () => {
  test('crop spans cover the window plus 1 cell of margin inside the level, with an even length', () => {
    expect(cropSpan(5, 40)).toEqual({ start: 4, end: 20 }); // 16 cells = 256 px
    expect(cropSpan(-7, 40)).toEqual({ start: 0, end: 8 }); // window cells 0..6 + margin -> 8
    expect(cropSpan(-6, 40)).toEqual({ start: 0, end: 10 }); // window cells 0..7 + margin -> 9, grown at the end
    expect(cropSpan(30, 40)).toEqual({ start: 28, end: 40 }); // clipped at the far border; 29..40 is odd: grown at the start
    expect(cropSpan(-3, 8)).toEqual({ start: 0, end: 8 }); // a small level is used whole
    expect(cropSpan(5, 40, 2)).toEqual({ start: 3, end: 21 }); // a wider margin on request: 18 cells
  });

  test.skipIf(!datasetsAvailable)('windows from crops match the full-map windows (cosine > 0.85) and are zero outside the image', async () => {
    const image = await decodeImage(join(datasetsDir, 'coco128/images/000000000009.jpg'), { maxSide: 640 });
    const pyramid = await computeFeaturePyramid(trunk, image, DEFAULT_SETTINGS);
    try {
      const levels = pyramid.levels.map((features) => features.level);
      for (const [x, y] of [[320, 240], [20, 30]]) {
        const windows = await clickWindows(trunk, image, levels, x, y);
        expect(windows).toHaveLength(levels.length);
        windows.forEach((window, index) => {
          const features = pyramid.levels[index];
          const centred = windowCentredAt(features.level, x, y);
          const cell = clampCell(features, centred.cellX, centred.cellY);
          expect([window.cellX, window.cellY]).toEqual([cell.cellX, cell.cellY]);
          const full = cutWindows(features, features.data, trunk.channels, [cell]);
          let dot = 0;
          let fullNorm = 0;
          let cropNorm = 0;
          for (let k = 0; k < full.length; k++) {
            dot += full[k] * window.features[k];
            fullNorm += full[k] ** 2;
            cropNorm += window.features[k] ** 2;
          }
          expect(dot / Math.sqrt(fullNorm * cropNorm)).toBeGreaterThan(0.85);
          // A window hanging over the top-left corner: its first cell lies outside the image.
          if (window.cellX < 0 && window.cellY < 0) expect(Math.max(...window.features.subarray(0, trunk.channels).map(Math.abs))).toBe(0);
        });
      }
    } finally {
      pyramid.dispose();
    }
  }, 120_000);
});
