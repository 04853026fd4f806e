import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { assembleWindowMaps, assembleWindows, partIndices } from './assemble';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** maps [H, W, 9] where map t holds 100 * t + (row * W + column): every value says where it came from. */
function labelledMaps(height: number, width: number): tf.Tensor3D {
  const data = new Float32Array(height * width * 9);
  for (let row = 0; row < height; row++) for (let column = 0; column < width; column++) for (let t = 0; t < 9; t++) data[(row * width + column) * 9 + t] = 100 * t + row * width + column;
  return tf.tensor3d(data, [height, width, 9]);
}

describe('instance assembling module', () => {
  test('a 6 x 6 window, k = 3: each 2 x 2 part comes from its own map at the same pixels', async () => {
    const maps = labelledMaps(8, 8);
    const assembled = assembleWindows(maps, [{ x: 1, y: 2 }], 6, 3);
    expect(assembled.shape).toEqual([1, 6, 6]);
    // Pixel (p, q) of the window is image pixel (row 2 + p, column 1 + q) = 8 * (2 + p) + 1 + q,
    // taken from map floor(p / 2) * 3 + floor(q / 2).
    const expected = [
      [17, 18, 119, 120, 221, 222],
      [25, 26, 127, 128, 229, 230],
      [333, 334, 435, 436, 537, 538],
      [341, 342, 443, 444, 545, 546],
      [649, 650, 751, 752, 853, 854],
      [657, 658, 759, 760, 861, 862],
    ];
    expect(await assembled.array()).toEqual([expected]);
    maps.dispose();
    assembled.dispose();
  });

  test('constant maps give the mosaic of their constants; parts of a 56-pixel window are 19, 19, 18 wide', async () => {
    const data = new Float32Array(56 * 56 * 9);
    for (let i = 0; i < data.length; i++) data[i] = i % 9;
    const maps = tf.tensor3d(data, [56, 56, 9]);
    const assembled = (await assembleWindows(maps, [{ x: 0, y: 0 }], 56, 3).array())[0];
    expect(assembled[0][0]).toBe(0);
    expect(assembled[0][18]).toBe(0);
    expect(assembled[0][19]).toBe(1);
    expect(assembled[0][38]).toBe(2);
    expect(assembled[18][55]).toBe(2);
    expect(assembled[19][0]).toBe(3);
    expect(assembled[30][30]).toBe(4);
    expect(assembled[55][55]).toBe(8);
    const counts = [0, 0, 0];
    for (const part of partIndices(56, 3).slice(0, 56)) counts[part]++;
    expect(counts).toEqual([19, 19, 18]);
    maps.dispose();
  });

  test('a batch of windows, including one hanging over the edge (pixels off the map are the outside logit)', async () => {
    const maps = labelledMaps(5, 5);
    const assembled = await assembleWindows(maps, [{ x: 0, y: 0 }, { x: 3, y: -1 }], 3, 3, -50).array();
    expect(assembled[0]).toEqual([
      [0, 101, 202],
      [305, 406, 507],
      [610, 711, 812],
    ]);
    expect(assembled[1]).toEqual([
      [-50, -50, -50],
      [303, 404, -50],
      [608, 709, -50],
    ]);
    maps.dispose();
  });

  test('the selector form used in training equals the gather form', async () => {
    const maps = tf.randomNormal([20, 24, 9], 0, 1, 'float32', 7) as tf.Tensor3D;
    const corners = [{ x: 0, y: 0 }, { x: 5, y: 3 }, { x: 10, y: 6 }];
    const gathered = assembleWindows(maps, corners, 14, 3);
    const cut = tf.stack(corners.map(({ x, y }) => tf.slice(maps, [y, x, 0], [14, 14, 9]))) as tf.Tensor4D;
    const selected = assembleWindowMaps(cut, 3);
    expect(Array.from(await selected.data())).toEqual(Array.from(await gathered.data()));
    tf.dispose([maps, gathered, cut, selected]);
  });

  test('bad inputs fail with a clear error', () => {
    const maps = tf.zeros([4, 4, 4]) as tf.Tensor3D;
    expect(() => assembleWindows(maps, [{ x: 0, y: 0 }], 3, 3)).toThrow(/\[H,W,9\]/);
    const nine = tf.zeros([4, 4, 9]) as tf.Tensor3D;
    expect(() => assembleWindows(nine, [{ x: 0.5, y: 0 }], 3, 3)).toThrow(/integer/);
    expect(() => partIndices(2, 3)).toThrow(/windowSize >= k/);
    tf.dispose([maps, nine]);
  });
});
