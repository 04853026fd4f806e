import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropBox, roiAroundBox, roiFeatures } from './roi';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('roiAroundBox', () => {
  it('keeps the centre and widens each side 1.4x, never below 24 px', () => {
    expect(roiAroundBox({ x1: 10, y1: 20, x2: 110, y2: 70 })).toEqual({ x: -10, y: 10, width: 140, height: 70 });
    expect(roiAroundBox({ x1: 50, y1: 50, x2: 52, y2: 52 })).toEqual({ x: 39, y: 39, width: 24, height: 24 });
  });
});

describe('roiFeatures', () => {
  it('samples cell centres: a ROI equal to the map at its own resolution reads the map back', () => {
    // A 32x32 stride-16 map whose value is x + 100 y: a 512-px ROI at 14 cells samples map
    // coordinates (centre / 16 - 0.5), i.e. x = ((c + 0.5) * 512 / 14) / 16 - 0.5.
    const cells = 32;
    const values = new Float32Array(cells * cells);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) values[y * cells + x] = x + 100 * y;
    const map = (channels: number, size: number): tf.Tensor4D => tf.tidy(() => tf.image.resizeBilinear(tf.tile(tf.tensor4d(values, [1, cells, cells, 1]), [1, 1, 1, channels]) as tf.Tensor4D, [size, size], true));
    const stride16 = tf.tensor4d(values, [1, cells, cells, 1]);
    const features = roiFeatures({ stride16, stride8: map(1, 64), stride4: map(1, 128) }, [{ x: 0, y: 0, width: 512, height: 512 }]);
    const f16 = features.f16.dataSync();
    const sample = (c: number): number => ((c + 0.5) * 512) / 14 / 16 - 0.5;
    for (const c of [0, 5, 13]) {
      expect(f16[c]).toBeCloseTo(sample(c) + 100 * sample(0), 3);
      expect(f16[c * 14]).toBeCloseTo(sample(0) + 100 * sample(c), 2);
    }
    tf.dispose([stride16, features.f16, features.f8, features.f4]);
  });
  it('cropBox puts the first and last samples where cropAndResize expects them', () => {
    const [y1, x1, y2, x2] = cropBox({ x: 16, y: 32, width: 64, height: 64 }, 16, 32, 4);
    expect(x1 * 31).toBeCloseTo((16 + 8) / 16 - 0.5);
    expect(x2 * 31).toBeCloseTo((16 + 56) / 16 - 0.5);
    expect(y1 * 31).toBeCloseTo((32 + 8) / 16 - 0.5);
    expect(y2 * 31).toBeCloseTo((32 + 56) / 16 - 0.5);
  });
});
