import { describe, expect, test } from 'vitest';
import { encodeMask } from '../../shared/geometry';
import { scaledMaskToRle } from './mask-scale';
import { colourRefine, logit, pasteLogits, pasteMask, rectMaskToFull, rectMaskToRle, thresholdLogits } from './postprocess';

function rows(mask: { width: number; height: number; data: Uint8Array }): string[] {
  const out: string[] = [];
  for (let y = 0; y < mask.height; y++) out.push(Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width)).join(''));
  return out;
}

describe('pasting window masks into the image', () => {
  test('a uniformly positive mask fills exactly its window', () => {
    const mask = pasteMask(new Float32Array(4).fill(2), 2, { x: 10, y: 20, width: 8, height: 4 }, 40, 30, 0);
    expect(mask).toMatchObject({ x: 10, y: 20, width: 8, height: 4 });
    const full = rectMaskToFull(mask);
    let count = 0;
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) {
      const inside = x >= 10 && x < 18 && y >= 20 && y < 24;
      expect(full.data[y * 40 + x]).toBe(inside ? 1 : 0);
      count += full.data[y * 40 + x];
    }
    expect(count).toBe(32);
  });

  test('bilinear upsampling with half-pixel centres (hand-computed 2x2 -> 4x4)', () => {
    // logits [[1, -1], [-1, 1]]; e.g. pixel (1, 1) samples u = v = 0.25: 0.75*(0.75*1 + 0.25*-1) + 0.25*(0.75*-1 + 0.25*1) = 0.25 > 0.
    const mask = pasteMask(Float32Array.from([1, -1, -1, 1]), 2, { x: 0, y: 0, width: 4, height: 4 }, 4, 4, 0);
    expect(rows(rectMaskToFull(mask))).toEqual(['1100', '1100', '0011', '0011']);
    // The same logits with threshold 0.4: pixel (1, 1) at 0.25 drops out, (0, 1) at 0.5 stays.
    const strict = pasteMask(Float32Array.from([1, -1, -1, 1]), 2, { x: 0, y: 0, width: 4, height: 4 }, 4, 4, 0.4);
    expect(rows(rectMaskToFull(strict))).toEqual(['1100', '1000', '0001', '0011']);
  });

  test('windows hanging over the image border are clipped', () => {
    const mask = pasteMask(new Float32Array(16).fill(1), 4, { x: -6, y: 5, width: 12, height: 12 }, 10, 10, 0);
    expect(mask).toMatchObject({ x: 0, y: 5, width: 6, height: 5 });
    const outside = pasteMask(new Float32Array(16).fill(1), 4, { x: 20, y: 0, width: 12, height: 12 }, 10, 10, 0);
    expect(outside.width * outside.height).toBe(0);
    expect(rectMaskToRle(outside)).toEqual({ height: 10, width: 10, counts: [100] });
  });

  test('RLE of a rect mask equals COCO encoding of the full mask', () => {
    let seed = 5;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const logits = Float32Array.from({ length: 64 }, () => random() * 2 - 1);
      const rect = { x: random() * 30 - 10, y: random() * 30 - 10, width: 5 + random() * 30, height: 5 + random() * 30 };
      const mask = pasteMask(logits, 8, rect, 23, 17, 0);
      expect(rectMaskToRle(mask)).toEqual(encodeMask(rectMaskToFull(mask)));
    }
  });

  test('logit() inverts the sigmoid and rejects thresholds outside (0, 1)', () => {
    expect(logit(0.5)).toBe(0);
    expect(1 / (1 + Math.exp(-logit(0.2)))).toBeCloseTo(0.2, 12);
    expect(() => logit(1)).toThrow('threshold must be in (0, 1)');
  });
});

describe('masks scaled back to the original resolution', () => {
  test('nearest-neighbour RLE equals encoding the naively upscaled mask', () => {
    const small = { width: 3, height: 2, data: Uint8Array.from([1, 0, 1, 0, 1, 1]) };
    for (const [width, height] of [[6, 4], [7, 5], [3, 2], [10, 3]]) {
      const big = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
        const sx = Math.min(2, Math.floor(((x + 0.5) * 3) / width));
        const sy = Math.min(1, Math.floor(((y + 0.5) * 2) / height));
        big[y * width + x] = small.data[sy * 3 + sx];
      }
      expect(scaledMaskToRle(small, width, height)).toEqual(encodeMask({ width, height, data: big }));
    }
  });
});

describe('colour refinement of a pasted mask', () => {
  // A 40 x 40 window over a 40 x 40 image: a red person (columns 0..19) on a blue wall (20..39), and a
  // mask whose logits fall linearly from +4 at column 0 to -4 at column 39: blurry, its 0.4 threshold
  // crosses at column ~21.5, two columns into the wall.
  const size = 40;
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rgb.set(x < 20 ? [200, 30, 30] : [30, 30, 200], (y * size + x) * 3);
  const logits = new Float32Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) logits[r * size + c] = 4 - (8 * c) / (size - 1);
  const rect = { x: 0, y: 0, width: size, height: size };
  const columnsInside = (mask: { width: number; height: number; data: Uint8Array }): number[] => {
    const out: number[] = [];
    for (let i = 0; i < mask.width; i++) if (mask.data[i * mask.height + 5]) out.push(i);
    return out;
  };

  test('pasteLogits thresholded is pasteMask', () => {
    const small = Float32Array.from({ length: 16 }, (_, k) => Math.sin(k) * 3);
    const window = { x: -3.5, y: 2.25, width: 21, height: 17 };
    const expected = pasteMask(small, 4, window, 30, 20, logit(0.4));
    expect(thresholdLogits(pasteLogits(small, 4, window, 30, 20), 30, 20, logit(0.4))).toEqual(expected);
  });

  test('the refined edge moves to where the colours change; weight 0 leaves the mask as it was', () => {
    const map = pasteLogits(logits, size, rect, size, size);
    const before = columnsInside(thresholdLogits(map, size, size, logit(0.4)));
    expect(before.at(-1)).toBe(21);
    const refined = colourRefine(map, rgb, size, 2);
    expect(columnsInside(thresholdLogits(refined, size, size, logit(0.4)))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(columnsInside(thresholdLogits(colourRefine(map, rgb, size, 0), size, size, logit(0.4)))).toEqual(before);
    expect(map.data[0]).toBeCloseTo(4, 5);
  });

  test('too few confident pixels on one side: the colour model is not trusted', () => {
    const flat = pasteLogits(new Float32Array(size * size).fill(3), size, rect, size, size);
    expect(colourRefine(flat, rgb, size, 2).data).toEqual(flat.data);
  });
});
