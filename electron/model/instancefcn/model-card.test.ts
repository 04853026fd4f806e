import { describe, expect, test } from 'vitest';
import { mergeRows, seedTableMarkdown, seedTableSnippet, verdict, type SeedTableResults, type SeedTableRow } from './model-card';

const row = (dataset: string, method: SeedTableRow['method'], ar100: number): SeedTableRow => ({
  dataset,
  method,
  modelVersion: `${method.toLowerCase()}-v1`,
  images: 50,
  'AR@10': ar100 / 2,
  'AR@100': ar100,
  'AR@1000': ar100 * 1.2,
  secondsPerImage: 1.234,
});

describe('seed Table 2 report', () => {
  const results: SeedTableResults = {
    measuredAt: '2026-11-25T16:00:00Z',
    rows: [row('pennfudan', 'DeepMask', 0.3), row('pennfudan', 'InstanceFCN', 0.25), row('coco128', 'DeepMask', 0.2), row('coco128', 'InstanceFCN', 0.22)],
    notes: ['a note'],
  };

  test('the verdict names whichever method has the higher AR@100 on each dataset', () => {
    expect(verdict(results)).toBe('pennfudan: DeepMask wins at AR@100 (InstanceFCN 0.250 vs DeepMask 0.300); coco128: InstanceFCN wins at AR@100 (InstanceFCN 0.220 vs DeepMask 0.200)');
  });

  test('the table has one line per row with three decimals of AR and the notes follow', () => {
    const table = seedTableMarkdown(results).split('\n');
    expect(table).toHaveLength(2 + 4);
    expect(table[2]).toBe('| pennfudan | DeepMask (deepmask-v1) | 50 | 0.150 | 0.300 | 0.360 | 1.23 |');
    expect(seedTableSnippet(results)).toContain('- a note');
  });
});

describe('merging parts of a dataset measured separately', () => {
  test('AR is weighted by counted ground truth, seconds by images; unmergeable parts are refused', () => {
    const part = (images: number, counted: number, ar: number, seconds: number): SeedTableRow => ({ ...row('pennfudan', 'InstanceFCN', ar), images, countedGroundTruth: counted, secondsPerImage: seconds });
    const [merged] = mergeRows([part(10, 30, 0.2, 1), part(30, 10, 0.6, 3)]);
    expect(merged.images).toBe(40);
    expect(merged.countedGroundTruth).toBe(40);
    expect(merged['AR@100']).toBeCloseTo((0.2 * 30 + 0.6 * 10) / 40);
    expect(merged.secondsPerImage).toBeCloseTo((10 * 1 + 30 * 3) / 40);
    expect(mergeRows([part(1, 1, 0.1, 1), row('coco128', 'InstanceFCN', 0.3)])).toHaveLength(2);
    expect(() => mergeRows([part(1, 1, 0.1, 1), row('pennfudan', 'InstanceFCN', 0.3)])).toThrow(/countedGroundTruth/);
  });

  test('parts of two different models of one method are refused, not averaged into one row', () => {
    const part = (modelVersion: string): SeedTableRow => ({ ...row('pennfudan', 'InstanceFCN', 0.1), modelVersion, images: 10, countedGroundTruth: 20, secondsPerImage: 1 });
    expect(() => mergeRows([part('instancefcn-coco128-v1'), part('instancefcn-coco128-v2')])).toThrow(/different models.*v1.*v2/);
    expect(mergeRows([part('instancefcn-coco128-v2'), part('instancefcn-coco128-v2')])[0].images).toBe(20);
  });
});
