import { describe, expect, test } from 'vitest';
import { buildPyramid, makeLevel, windowCentredAt, windowRect } from './pyramid';

describe('pyramid geometry', () => {
  test('levels 2^(k/2) from the one putting 64 px objects at 128 px down to the whole image', () => {
    const levels = buildPyramid(640, 480, { minObjectSize: 64, levelsPerOctave: 2, maxLevelSide: 4000 });
    // 128/64 = 2^1 -> k = 2; 128/640 = 2^-2.32 -> k = round(-4.64) = -5.
    expect(levels.map((level) => level.scale)).toEqual([2, 2 ** 0.5, 1, 2 ** -0.5, 0.5, 2 ** -1.5, 0.25, 2 ** -2.5]);
    expect(levels.map((level) => [level.width, level.height])).toEqual([
      [1280, 960],
      [896, 672], // 905.1 -> 28 x 32, 678.8 -> 21 x 32
      [640, 480],
      [448, 352], // 452.5 -> 14 x 32, 339.4 -> 11 x 32
      [320, 256], // 240 -> 7.5 rounds to 8 x 32
      [224, 160], // 226.3 -> 7 x 32, 169.7 -> 5 x 32
      [160, 128], // 120 -> 3.75 -> 4 x 32
      [128, 96],
    ]);
    expect(levels[1].scaleX).toBeCloseTo(896 / 640, 12);
    expect(levels[1].scaleY).toBeCloseTo(672 / 480, 12);
    expect(levels.map((level) => level.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('levels larger than maxLevelSide are left out and rounding duplicates merged', () => {
    const levels = buildPyramid(640, 480, { minObjectSize: 64, levelsPerOctave: 2, maxLevelSide: 960 });
    expect(levels[0].width).toBe(896);
    const tiny = buildPyramid(40, 30, { minObjectSize: 8, levelsPerOctave: 2, maxLevelSide: 960 });
    const sizes = tiny.map((level) => `${level.width}x${level.height}`);
    expect(new Set(sizes).size).toBe(sizes.length);
    // A 40 px image is itself an object: its smallest level brings 40 px up to ~128 px (k = 3).
    expect(tiny.at(-1)).toMatchObject({ scale: 2 ** 1.5, width: 128, height: 96 });
    expect(Math.max(tiny[0].width, tiny[0].height)).toBeLessThanOrEqual(960);
  });

  test('a window maps to 224 level pixels starting at 16 px per cell, in image pixels', () => {
    const level = makeLevel(640, 480, 2, 0); // 1280 x 960, exactly 2 level px per image px
    expect(windowRect(level, 3, 4)).toEqual({ x: 24, y: 32, width: 112, height: 112 });
    expect(windowRect(level, -7, -7)).toEqual({ x: -56, y: -56, width: 112, height: 112 });
    const half = makeLevel(640, 480, 0.5, 1); // 320 x 256: y scale is 256/480, not 0.5
    expect(windowRect(half, 1, 1)).toEqual({ x: 32, y: 30, width: 448, height: 420 });
  });

  test('the window centred at a point has its centre within half a cell of it', () => {
    const level = makeLevel(640, 480, 2 ** -0.5, 0);
    for (const [x, y] of [[0, 0], [320, 240], [639, 479], [101, 37]]) {
      const { cellX, cellY } = windowCentredAt(level, x, y);
      const rect = windowRect(level, cellX, cellY);
      expect(Math.abs(rect.x + rect.width / 2 - x)).toBeLessThanOrEqual(8 / level.scaleX + 1e-9);
      expect(Math.abs(rect.y + rect.height / 2 - y)).toBeLessThanOrEqual(8 / level.scaleY + 1e-9);
    }
  });

  test('rejects empty images and empty object ranges', () => {
    expect(() => buildPyramid(0, 10, { minObjectSize: 32, levelsPerOctave: 2, maxLevelSide: 960 })).toThrow('image size must be positive');
    expect(() => buildPyramid(100, 100, { minObjectSize: 200, maxObjectSize: 100, levelsPerOctave: 2, maxLevelSide: 960 })).toThrow('is empty');
  });
});
