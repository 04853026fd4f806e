import { describe, expect, test } from 'vitest';
import { displayLevel, fitCamera, screenToImage, zoomAround } from './session';

describe('camera', () => {
  test('zooming around a screen point keeps the image point under it fixed', () => {
    const camera = { x: 40, y: -10, scale: 0.5 };
    const before = screenToImage(camera, 300, 200);
    const zoomed = zoomAround(camera, 3, 300, 200);
    expect(zoomed.scale).toBeCloseTo(1.5);
    const after = screenToImage(zoomed, 300, 200);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  test('fit centres the whole image with a margin', () => {
    const camera = fitCamera(4000, 3000, 848, 648, 24);
    expect(camera.scale).toBeCloseTo(0.2);
    expect(camera.x).toBeCloseTo(24);
    expect(camera.y).toBeCloseTo((648 - 600) / 2);
  });
});

describe('display level', () => {
  test('a 20-megapixel photo shown small is fetched small, never the full bitmap', () => {
    // 5472 x 3648 fitted into ~900 px: scale ~0.16, so ~900 screen pixels: the 1024 level.
    expect(displayLevel(5472, 0.16)).toBe(1024);
    expect(displayLevel(5472, 0.16, 2)).toBe(2048);
  });

  test('zoomed in past the original size, the original is used', () => {
    expect(displayLevel(5472, 1)).toBe(5472);
    expect(displayLevel(640, 4)).toBe(640);
  });

  test('levels are powers of two, at least what the screen shows', () => {
    for (const scale of [0.05, 0.1, 0.3, 0.5, 0.9]) {
      const level = displayLevel(6000, scale);
      expect(level).toBeGreaterThanOrEqual(Math.min(6000, 6000 * scale));
      if (level < 6000) expect(Math.log2(level) % 1).toBe(0);
    }
  });
});
