// The learning-loop bench's verdict: clicks pooled before and after the 50th corrected instance,
// what counts as a clear AR@10 rise, and fine-tune time scaled to 500 triplets.
import { describe, expect, test } from 'vitest';
import { emptyTally, type BlockRow, type FineTuneOutcome } from '../../bench/lib/block-report';
import { summarize } from '../../bench/lib/loop-summary';

const remaining = (ar10: number) => ({ images: 40, instances: 100, ar10, ar100: ar10 + 0.1, recall10At85: ar10 / 2 });
const fineTune = (seconds: number | null, triplets: number | null, adopted: boolean): FineTuneOutcome => ({ versionId: triplets ? 'v' : null, wallSeconds: 99, seconds, triplets, steps: 16, adopted, decision: '', heldOutAr10: null, baselineHeldOutAr10: null });
const row = (block: number, correctedSoFar: number, clicks: number, objects: number, ar10: number, tune: FineTuneOutcome | null): BlockRow => ({
  block,
  imagesWalked: block * 10,
  correctedSoFar,
  walk: block === 0 ? null : { ...emptyTally(), images: 10, objects, clicks },
  clicksPerInstance: null,
  fineTune: tune,
  activeVersion: null,
  remaining: remaining(ar10),
});

describe('summarize', () => {
  const rows = [
    row(0, 0, 0, 0, 0.2, null),
    row(1, 30, 600, 30, 0.2, fineTune(20, 400, false)),
    row(2, 55, 500, 25, 0.21, fineTune(30, 500, true)),
    row(3, 80, 250, 25, 0.25, fineTune(null, null, false)),
    row(4, 110, 300, 30, 0.26, fineTune(60, 1000, true)),
  ];

  test('blocks walked before 50 corrected instances existed are pooled apart from the later ones', () => {
    const summary = summarize(rows);
    expect(summary.thresholdBlock).toBe(2);
    expect(summary.clicksPerInstanceBefore).toBeCloseTo((600 + 500) / 55);
    expect(summary.clicksPerInstanceAfter).toBeCloseTo((250 + 300) / 55);
    expect(summary.clearClickFall).toBe(true);
  });

  test('AR@10 rise is judged from block 0 to the last block; fine-tune time per 500 triplets', () => {
    const summary = summarize(rows);
    expect(summary).toMatchObject({ ar10Start: 0.2, ar10End: 0.26, clearArRise: true, fineTunes: 4, adopted: 2, medianTriplets: 500, maxSecondsPer500Triplets: 30 });
    expect(summary.medianSecondsPer500Triplets).toBe(30);
    expect(summarize(rows.map((r, i) => (i === 4 ? { ...r, remaining: remaining(0.205) } : r))).clearArRise).toBe(false);
  });

  test('a no-fine-tune baseline over the same blocks is pooled with the same split', () => {
    const baseline = rows.map((r) => ({ ...r, fineTune: null, walk: r.walk && { ...r.walk, clicks: r.walk.clicks * 2 } }));
    const summary = summarize(rows, baseline);
    expect(summary.baselineClicksPerInstanceBefore).toBeCloseTo((2 * (600 + 500)) / 55);
    expect(summary.baselineClicksPerInstanceAfter).toBeCloseTo((2 * (250 + 300)) / 55);
    expect(summary.clearClickFall).toBe(true);
    expect(summarize(rows)).not.toHaveProperty('baselineClicksPerInstanceAfter');
    // The same fall from earlier blocks is no fall when the baseline's later blocks were as cheap.
    const cheapLater = rows.map((r) => ({ ...r, fineTune: null }));
    expect(summarize(rows, cheapLater).clearClickFall).toBe(false);
  });

  test('without blocks after the threshold there is no click verdict', () => {
    const summary = summarize(rows.slice(0, 2));
    expect(summary).toMatchObject({ thresholdBlock: null, clicksPerInstanceAfter: null, clearClickFall: null, medianSecondsPer500Triplets: 25 });
  });
});
