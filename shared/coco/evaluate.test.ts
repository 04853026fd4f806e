import { describe, expect, test } from 'vitest';
import { encodeMask, type Rle } from '../geometry';
import { COCO_AR_PARAMS, evaluateProposals, type ArParams, type EvaluationImage, type GroundTruthMask } from './evaluate';

const SIZE = 40;

/** A SIZE x SIZE mask with the rectangle [x, x + width) x [y, y + height) set. */
function rect(x: number, y: number, width: number, height: number): Rle {
  const data = new Uint8Array(SIZE * SIZE);
  for (let row = y; row < y + height; row++) for (let col = x; col < x + width; col++) data[row * SIZE + col] = 1;
  return encodeMask({ width: SIZE, height: SIZE, data });
}

function gt(rle: Rle, area: number, isCrowd = false): GroundTruthMask {
  return { rle, area, isCrowd };
}

describe('evaluateProposals (hand-derived answers)', () => {
  test('one ground truth, one perfect proposal: recall 1 at every threshold and maxDets', () => {
    const square = rect(0, 0, 10, 10);
    const report = evaluateProposals([{ groundTruth: [gt(square, 100)], proposals: [{ rle: square, score: 0.9 }] }]);
    expect(report['AR@10']).toBe(1);
    expect(report['AR@100']).toBe(1);
    expect(report['AR@1000']).toBe(1);
    // 100 px is small (<= 32^2): medium and large have no ground truth, so -1 as in cocoeval.
    expect(report['AR_small@1000']).toBe(1);
    expect(report['AR_medium@1000']).toBe(-1);
    expect(report['AR_large@1000']).toBe(-1);
    expect(report.recall_per_iou_all['10']).toEqual(new Array(10).fill(1));
  });

  test('a proposal at IoU 0.72 is recalled at thresholds .50 .55 .60 .65 .70 only: 5 of 10 -> 0.5', () => {
    // Ground truth 10x10 = 100 px; proposal 9x8 = 72 px inside it: IoU = 72 / 100 = 0.72.
    const report = evaluateProposals([
      { groundTruth: [gt(rect(0, 0, 10, 10), 100)], proposals: [{ rle: rect(0, 0, 9, 8), score: 1 }] },
    ]);
    expect(report.recall_per_iou_all['100']).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(report['AR@100']).toBe(0.5);
  });

  test('IoU exactly at a threshold counts as a match (>=), with numpy.linspace thresholds', () => {
    // 10x10 ground truth, 10x8 proposal: IoU = 80 / 100 = 0.8 == thresholds[6]. Recalled at .50 .. .80: 7 of 10.
    const report = evaluateProposals([
      { groundTruth: [gt(rect(0, 0, 10, 10), 100)], proposals: [{ rle: rect(0, 0, 10, 8), score: 1 }] },
    ]);
    expect(COCO_AR_PARAMS.iouThrs[6]).toBe(0.8);
    expect(COCO_AR_PARAMS.iouThrs[8]).toBe(0.8999999999999999);
    expect(report['AR@10']).toBeCloseTo(0.7, 15);
  });

  test('crowd: matches to crowd regions are ignored, crowd is never used up, and a real match is never traded for a crowd one', () => {
    // Ground truth A: 10x10 at the origin (100 px). Crowd: 20x20 at the origin, covering A.
    // p1 (score .9): 62 px inside A (6 full rows + 2 px): IoU(p1, A) = 0.62; IoU(p1, crowd) = 62 / 62 = 1
    //   (crowd IoU is intersection / proposal area). cocoeval keeps the real match A while IoU >= t,
    //   i.e. at t = .50 .55 .60 (3 thresholds); above that p1 falls to the crowd and is ignored.
    // p2 (score .8) and p3 (.7): 5x5 squares inside the crowd but outside A: IoU with crowd 1, both
    //   match the same crowd region (never used up) and count neither way.
    const p1 = encodeMask({
      width: SIZE,
      height: SIZE,
      data: (() => {
        const data = new Uint8Array(SIZE * SIZE);
        for (let row = 0; row < 6; row++) for (let col = 0; col < 10; col++) data[row * SIZE + col] = 1;
        data[6 * SIZE + 0] = 1;
        data[6 * SIZE + 1] = 1;
        return data;
      })(),
    });
    const image: EvaluationImage = {
      groundTruth: [gt(rect(0, 0, 20, 20), 400, true), gt(rect(0, 0, 10, 10), 100)],
      proposals: [
        { rle: p1, score: 0.9 },
        { rle: rect(12, 12, 5, 5), score: 0.8 },
        { rle: rect(14, 0, 5, 5), score: 0.7 },
      ],
    };
    const report = evaluateProposals([image]);
    expect(report.recall_per_iou_all['10']).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(report['AR@10']).toBeCloseTo(0.3, 15);
    expect(report.counts).toEqual({ images: 1, gt: 2, crowd: 1, proposals: 3 });
  });

  test('an image with only crowd ground truth has no recall to measure: -1', () => {
    const crowd = rect(0, 0, 20, 20);
    const report = evaluateProposals([{ groundTruth: [gt(crowd, 400, true)], proposals: [{ rle: crowd, score: 1 }] }]);
    expect(report['AR@100']).toBe(-1);
    expect(report.recall_per_iou_all['100']).toEqual(new Array(10).fill(-1));
  });

  test('maxDets: only the best-scored proposals of each image count, whatever their file order', () => {
    // 11 ground-truth 3x3 squares on a grid; 10 junk proposals (no overlap) scored above the 11
    // perfect ones. AR@10 sees only the junk: 0. AR@100 sees all: 11 of 11 -> 1.
    const squares = Array.from({ length: 11 }, (_, k) => rect((k % 5) * 4, Math.floor(k / 5) * 4, 3, 3));
    const junk = Array.from({ length: 10 }, (_, k) => ({ rle: rect(30 + (k % 2) * 5, k * 4, 3, 3), score: 0.9 }));
    const perfect = squares.map((rle, k) => ({ rle, score: 0.5 - k * 0.01 }));
    const report = evaluateProposals([{ groundTruth: squares.map((rle) => gt(rle, 9)), proposals: [...perfect, ...junk] }]);
    expect(report['AR@10']).toBe(0);
    expect(report['AR@100']).toBe(1);
    expect(report['AR@1000']).toBe(1);
  });

  test('maxDets across images is per image: 10 per image, not 10 overall', () => {
    const square = rect(0, 0, 5, 5);
    const images = Array.from({ length: 12 }, () => ({ groundTruth: [gt(square, 25)], proposals: [{ rle: square, score: 0.1 }] }));
    expect(evaluateProposals(images)['AR@10']).toBe(1);
  });

  test('equal scores keep file order (stable sort, as numpy mergesort)', () => {
    const params: ArParams = { ...COCO_AR_PARAMS, maxDets: [1, 10] };
    const square = rect(0, 0, 5, 5);
    const junk = { rle: rect(20, 20, 5, 5), score: 0.5 };
    const perfect = { rle: square, score: 0.5 };
    const first = evaluateProposals([{ groundTruth: [gt(square, 25)], proposals: [junk, perfect] }], params);
    const second = evaluateProposals([{ groundTruth: [gt(square, 25)], proposals: [perfect, junk] }], params);
    expect(first['AR@1']).toBe(0);
    expect(second['AR@1']).toBe(1);
    expect(first['AR@10']).toBe(1);
  });

  test('area ranges use the stated ground-truth area, inclusive at both ends', () => {
    // Three objects, each mask 5x5 but with stated areas 1024 (small AND medium: ranges are
    // inclusive), 5000 (medium) and 20000 (large). Proposals match the first and third exactly and
    // miss the second. all: 2 of 3; small: 1 of 1; medium: 1 of 2 (1024 matched, 5000 missed); large: 1 of 1.
    const a = rect(0, 0, 5, 5);
    const b = rect(10, 0, 5, 5);
    const c = rect(20, 0, 5, 5);
    const report = evaluateProposals([
      {
        groundTruth: [gt(a, 1024), gt(b, 5000), gt(c, 20000)],
        proposals: [
          { rle: a, score: 0.9 },
          { rle: c, score: 0.8 },
        ],
      },
    ]);
    expect(report['AR@1000']).toBeCloseTo(2 / 3, 15);
    expect(report['AR_small@1000']).toBe(1);
    expect(report['AR_medium@1000']).toBe(0.5);
    expect(report['AR_large@1000']).toBe(1);
  });

  test('ground truth without proposals counts as missed; proposals without ground truth change nothing', () => {
    const square = rect(0, 0, 5, 5);
    const report = evaluateProposals([
      { groundTruth: [gt(square, 25)], proposals: [{ rle: square, score: 1 }] },
      { groundTruth: [gt(square, 25)], proposals: [] },
      { groundTruth: [], proposals: [{ rle: square, score: 1 }] },
    ]);
    expect(report['AR@100']).toBe(0.5);
  });

  test('a proposal takes the best-IoU free ground truth, and each ground truth is matched once', () => {
    // A = 10x10 at (0,0); B = 10x10 at (10,0). p1 (score .9) = 10x10 at (2,0): IoU(A) = 80/120 = 2/3,
    // IoU(B) = 20/180. p2 (.8) = A exactly, but A is taken at thresholds <= 2/3 (.50 .. .65) where
    // p2 then has nothing (IoU(p2, B) = 0). Above 2/3, p1 matches nothing and p2 takes A.
    // So A is matched at every threshold, B never: recall 0.5 everywhere.
    const report = evaluateProposals([
      {
        groundTruth: [gt(rect(0, 0, 10, 10), 100), gt(rect(10, 0, 10, 10), 100)],
        proposals: [
          { rle: rect(2, 0, 10, 10), score: 0.9 },
          { rle: rect(0, 0, 10, 10), score: 0.8 },
        ],
      },
    ]);
    expect(report.recall_per_iou_all['1000']).toEqual(new Array(10).fill(0.5));
  });
});
