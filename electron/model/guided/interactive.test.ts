import { describe, expect, it } from 'vitest';
import { PROMPT_MASK_SIZE } from '../promptmask/network';
import { gridBox, maskBox, resampleProbabilities, sampleMask } from './interactive';

const size = PROMPT_MASK_SIZE;

describe('interactive helpers', () => {
  it('gridBox is the extent of positive cells in view pixels', () => {
    const logits = new Float32Array(size * size).fill(-1);
    logits[10 * size + 20] = 3;
    logits[30 * size + 5] = 3;
    expect(gridBox(logits, { x: 0, y: 0, width: 56, height: 112 })).toEqual({ x1: 5, y1: 20, x2: 21, y2: 62 });
    expect(gridBox(new Float32Array(size * size).fill(-1), { x: 0, y: 0, width: 56, height: 56 })).toBeNull();
  });
  it('resampling onto the same ROI gives back the probabilities; outside the source ROI is 0', () => {
    const logits = new Float32Array(size * size).map((_, k) => ((k % size) - 28) / 4);
    const roi = { x: 10, y: 10, width: 100, height: 100 };
    const same = resampleProbabilities(logits, roi, roi);
    for (const k of [0, 100, 1000, size * size - 1]) expect(same[k]).toBeCloseTo(1 / (1 + Math.exp(-logits[k])), 5);
    const far = resampleProbabilities(logits, roi, { x: 500, y: 500, width: 10, height: 10 });
    expect(Math.max(...far)).toBe(0);
  });
  it('samples an image mask onto a ROI and finds a mask box in view pixels', () => {
    const mask = { width: 100, height: 50, data: new Uint8Array(100 * 50) };
    for (let y = 10; y < 20; y++) for (let x = 40; x < 60; x++) mask.data[y * 100 + x] = 1;
    // View pixels per image pixel: 2 across, 4 down (a 100 x 50 image in a 200 x 200 view).
    expect(maskBox(mask, 2, 4)).toEqual({ x1: 80, y1: 40, x2: 120, y2: 80 });
    const grid = sampleMask(mask, { x: 80, y: 40, width: 40, height: 40 }, 2, 4);
    expect(grid.reduce((sum, value) => sum + value, 0)).toBe(size * size);
    expect(sampleMask(mask, { x: 0, y: 0, width: 40, height: 40 }, 2, 4).some((value) => value > 0)).toBe(false);
    expect(maskBox({ width: 3, height: 3, data: new Uint8Array(9) }, 1, 1)).toBeNull();
  });
});
