// The reference cases in ../shared/reference/ar-vectors were scored by COCO's own cocoeval
// (iouType 'segm', useCats 0, maxDets [10, 100, 1000]); our evaluator must reproduce every figure to
// 1e-6. coco128-40-crowd includes a crowd region and proposals with tied scores, shifted, grown and
// box-filled masks, so crowd handling, stable ordering and IoU thresholds all show up in the numbers.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isCi, referenceDir } from '../../test/support/shared-data';
import { evaluateCocoProposals } from './evaluate-coco';
import { parseCocoProposals } from './results';
import { parseCocoDataset } from './validate';

const SETS = ['coco128-40-crowd', 'pennfudan40'];

interface Expected {
  recall_per_iou_all: Record<string, number[]>;
  counts: Record<string, number>;
  [key: string]: unknown;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe.each(SETS)('AR reference vectors: %s', (set) => {
  const dir = resolve(referenceDir, 'ar-vectors', set);
  const present = existsSync(resolve(dir, 'expected.json'));

  test.runIf(isCi && !present)('reference vectors are present in CI', () => {
    expect.fail(`missing ${dir}: the AR reference vectors are required in CI`);
  });

  test.skipIf(!present)('matches cocoeval to 1e-6', () => {
    const groundTruth = parseCocoDataset(readJson(resolve(dir, 'gt.json')));
    const proposals = parseCocoProposals(readJson(resolve(dir, 'proposals.json')), groundTruth);
    const expected = readJson(resolve(dir, 'expected.json')) as Expected;
    const report = evaluateCocoProposals(groundTruth, proposals);

    const metricKeys = Object.keys(expected).filter((key) => /^AR.*@\d+$/.test(key));
    expect(metricKeys.sort()).toEqual(['AR@10', 'AR@100', 'AR@1000', 'AR_large@1000', 'AR_medium@1000', 'AR_small@1000']);
    for (const key of metricKeys) {
      expect(Math.abs(report[key as `AR@${number}`] - (expected[key] as number)), key).toBeLessThan(1e-6);
    }
    for (const [maxDets, recalls] of Object.entries(expected.recall_per_iou_all)) {
      expect(report.recall_per_iou_all[maxDets]).toHaveLength(recalls.length);
      recalls.forEach((recall, t) => expect(Math.abs(report.recall_per_iou_all[maxDets][t] - recall), `recall@${maxDets}[${t}]`).toBeLessThan(1e-6));
    }
    expect(report.counts).toEqual(expected.counts);

    if (expected.counts.crowd > 0) {
      // The vectors do exercise crowd handling: scoring the crowd region as an ordinary object moves AR.
      const noCrowd = { ...groundTruth, annotations: groundTruth.annotations.map((a) => ({ ...a, iscrowd: 0 as const })) };
      const naive = evaluateCocoProposals(noCrowd, proposals);
      expect(Math.abs(naive['AR@1000'] - (expected['AR@1000'] as number))).toBeGreaterThan(1e-4);
    }
  });
});
