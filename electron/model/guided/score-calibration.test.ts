import { describe, expect, it } from 'vitest';
import { calibratedScore, calibrationFromMeta, DEFAULT_CALIBRATION, fitLogistic, maskStability, matchShare } from './score-calibration';

describe('fitLogistic', () => {
  it('recovers the weights that generated the labels', () => {
    // Labels drawn from p = sigmoid(2 x - 1) with a fixed pseudo-random sequence.
    let seed = 3;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const features: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = random() * 6 - 3;
      features.push([x, 1]);
      labels.push(random() < 1 / (1 + Math.exp(-(2 * x - 1))) ? 1 : 0);
    }
    const [slope, intercept] = fitLogistic(features, labels);
    expect(slope).toBeCloseTo(2, 0);
    expect(intercept).toBeCloseTo(-1, 0);
    expect(Math.abs(slope - 2)).toBeLessThan(0.15);
  });
});

describe('calibrated scores', () => {
  it('are probabilities from the source-specific weights; bad meta falls back to the default', () => {
    expect(calibratedScore({ box: [0, 0, 0, 0], window: [0, 0, 0] }, 'box', [5, 5, 1, 1])).toBe(0.5);
    expect(calibratedScore({ box: [1, 0, 0, 0], window: [0, 0, 0] }, 'box', [2, 0, 0, 1])).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(() => calibratedScore(DEFAULT_CALIBRATION, 'window', [1, 2])).toThrow(/4 weights for 2 features/);
    expect(calibrationFromMeta({ calibration: { box: [1, 2, 3, 4], window: [5, 6, 7, 8] } })).toEqual({ box: [1, 2, 3, 4], window: [5, 6, 7, 8] });
    expect(calibrationFromMeta({ calibration: { box: [1, 2], window: [5, 6, 7, 8] } })).toBe(DEFAULT_CALIBRATION);
    expect(calibrationFromMeta({ calibration: { box: [1, 2, 3, 4], window: [5, 6, 7] } })).toBe(DEFAULT_CALIBRATION);
  });
  it('stability is the share of the loose mask that survives the tight threshold', () => {
    expect(maskStability(new Float32Array([5, 5, 0, -5]))).toBeCloseTo(2 / 3);
    expect(maskStability(new Float32Array([-5, -5]))).toBe(1);
  });
});

describe('matchShare', () => {
  it("the share of COCO's ten IoU thresholds a mask meets", () => {
    expect([0, 0.49, 0.5, 0.72, 0.75, 0.949, 0.95, 1].map(matchShare)).toEqual([0, 0, 0.1, 0.5, 0.6, 0.9, 1, 1]);
  });

  it('a logistic fit on shares recovers their mean where a feature carries no information', () => {
    const features = Array.from({ length: 400 }, (_, k) => [k % 2, 1]);
    const labels = features.map((_, k) => [0.1, 0.5, 0.9, 0.5][k % 4]);
    const weights = fitLogistic(features, labels);
    expect(calibratedScore({ box: [0, 0, 0, 0], window: [weights[0], 0, 0, weights[1]] }, 'window', [1, 0, 0, 1])).toBeCloseTo(0.5, 3);
  });
});
