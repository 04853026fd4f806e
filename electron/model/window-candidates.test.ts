import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import type { DecodedImage } from './decode';
import { PAD_CELLS, type FeaturePyramid } from './feature-pyramid';
import { makeLevel } from './pyramid';
import { topWindows, withDetectorWindows, type LevelScores } from './window-candidates';

// Two levels of a 640 x 480 image: scale 1 (640 x 480, 40 x 30 cells) and 0.5 (320 x 256, 20 x 16 cells).
const levels = [makeLevel(640, 480, 1, 0), makeLevel(640, 480, 0.5, 1)];
function fakePyramid(): FeaturePyramid {
  return {
    width: 640,
    height: 480,
    trunkMs: 0,
    dispose() {},
    levels: levels.map((level) => ({
      level,
      // Only the shape of the padded map is read (for clamping).
      padded: { shape: [level.height / 16 + 2 * PAD_CELLS, level.width / 16 + 2 * PAD_CELLS, 1] } as unknown as tf.Tensor3D,
      data: new Float32Array(0),
      derived: new Map(),
    })),
  };
}
/** Score maps: (H + 1) x (W + 1) window positions per level, all `value`, except one cell set to `peak`. */
function scores(value: number, peak?: { level: number; cellX: number; cellY: number; logit: number }): LevelScores[] {
  return levels.map((level, index) => {
    const rows = level.height / 16 + 1;
    const cols = level.width / 16 + 1;
    const values = new Float32Array(rows * cols).fill(value);
    if (peak && peak.level === index) values[(peak.cellY + PAD_CELLS) * cols + peak.cellX + PAD_CELLS] = peak.logit;
    return { rows, cols, values };
  });
}
const decoded: DecodedImage = { width: 640, height: 480, rgb: new Uint8Array(0), originalWidth: 1280, originalHeight: 960 };

describe('window candidates', () => {
  test('topWindows ranks every window of every level by score logit', () => {
    const top = topWindows(scores(-2, { level: 1, cellX: 3, cellY: -2, logit: 5 }), 3);
    expect(top[0]).toEqual({ levelIndex: 1, cellX: 3, cellY: -2, scoreLogit: 5 });
    expect(top.slice(1).every((candidate) => candidate.scoreLogit === -2)).toBe(true);
  });

  test('a detector box gets the window centred on it at the level bringing it nearest 128 px', () => {
    // A 256 x 200 px box (original pixels) = 128 x 100 in the decoded image: level scale 1 (128 px).
    // Centre (500, 400) original = (250, 200) decoded -> cell round((250 - 112) / 16) = 9, round((200 - 112) / 16) = 6 (5.5 rounds up).
    const ranked = withDetectorWindows([], [{ x1: 372, y1: 300, x2: 628, y2: 500, score: 0.9 }], decoded, fakePyramid(), scores(0));
    expect(ranked).toHaveLength(1);
    expect(ranked[0]).toMatchObject({ levelIndex: 0, cellX: 9, cellY: 6 });
    // (sigmoid(0) + 0.9) / 2 = 0.7
    expect(1 / (1 + Math.exp(-ranked[0].scoreLogit))).toBeCloseTo(0.7, 6);
    // A box twice as large goes to the half-scale level.
    const large = withDetectorWindows([], [{ x1: 200, y1: 200, x2: 712, y2: 600, score: 0.5 }], decoded, fakePyramid(), scores(0));
    expect(large[0].levelIndex).toBe(1);
  });

  test('confident detections outrank score-map windows; a window found by both is merged', () => {
    const top = [
      { levelIndex: 0, cellX: 9, cellY: 6, scoreLogit: 2 },
      { levelIndex: 0, cellX: 20, cellY: 10, scoreLogit: 3 },
    ];
    const ranked = withDetectorWindows(top, [{ x1: 372, y1: 300, x2: 628, y2: 500, score: 0.95 }], decoded, fakePyramid(), scores(2));
    expect(ranked.map((candidate) => [candidate.cellX, candidate.cellY])).toEqual([[9, 6], [20, 10]]);
    const probability = (logit: number): number => 1 / (1 + Math.exp(-logit));
    expect(probability(ranked[0].scoreLogit)).toBeCloseTo((probability(2) + 0.95) / 2, 6);
    expect(probability(ranked[1].scoreLogit)).toBeCloseTo(probability(3) / 2, 6);
  });
});
