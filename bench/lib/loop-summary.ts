// The verdict of the learning-loop bench, computed from its block rows: did AR@10 on the remaining
// images rise, and did clicks per instance fall, once the first 50 corrected instances were in; and
// how long fine-tunes took per 500 triplets. "Clear" is defined here, once: at least 10% relative
// (and, for AR@10, at least 0.01 absolute) in the right direction. Clicks depend on the images
// (crowded or small people cost more), so with a no-fine-tune baseline over the same blocks the
// click verdict compares with that baseline's same blocks instead of the earlier blocks.
import type { BlockRow } from './block-report';

export const CORRECTED_THRESHOLD = 50;
/** Issue #19 compares the cost per object once this many objects were corrected. */
export const COST_TARGET_CORRECTED = 100;

export interface LoopSummary {
  /** First block after which at least 50 corrected instances were saved; null if never reached. */
  thresholdBlock: number | null;
  ar10Start: number;
  /** After the last block (the last fine-tune's outcome). */
  ar10End: number;
  ar100Start: number;
  ar100End: number;
  /** Clicks per object over blocks walked before 50 corrected instances existed, and after. */
  clicksPerInstanceBefore: number | null;
  clicksPerInstanceAfter: number | null;
  clearArRise: boolean;
  /** After vs the baseline's same blocks when a baseline is given, else after vs before. */
  clearClickFall: boolean | null;
  fineTunes: number;
  adopted: number;
  /** Median over fine-tunes that made a version: training seconds scaled to 500 triplets. */
  medianSecondsPer500Triplets: number | null;
  maxSecondsPer500Triplets: number | null;
  medianTriplets: number | null;
  /**
   * With a no-fine-tune run over the same images (--baseline): its clicks per object over the same
   * blocks as clicksPerInstanceAfter, so image difficulty cancels out of the comparison.
   */
  baselineClicksPerInstanceAfter?: number | null;
  baselineClicksPerInstanceBefore?: number | null;
  /**
   * Issue #19's target: the annotator's cost per object (keys + clicks + vertices) over the blocks
   * walked once 100 objects were corrected, and the baseline's over the same blocks: <= 50% wanted.
   */
  costPerObjectAfter100: number | null;
  baselineCostPerObjectAfter100?: number | null;
  costRatioAfter100?: number | null;
}

export function summarize(rows: BlockRow[], baseline?: BlockRow[]): LoopSummary {
  const start = rows[0];
  const end = rows.at(-1) ?? start;
  const thresholdRow = rows.find((row) => row.correctedSoFar >= CORRECTED_THRESHOLD);
  /** Clicks per object over the blocks whose walk started with keep(corrected so far) true; counted in `from`'s rows. */
  const pooled = (keep: (previousCorrected: number) => boolean, from: BlockRow[] = rows): number | null => {
    let clicks = 0;
    let objects = 0;
    rows.forEach((row, index) => {
      const counted = from.find((other) => other.block === row.block);
      if (!counted?.walk || index === 0 || !keep(rows[index - 1].correctedSoFar)) return;
      clicks += counted.walk.clicks;
      objects += counted.walk.objects;
    });
    return objects > 0 ? clicks / objects : null;
  };
  const before = pooled((previous) => previous < CORRECTED_THRESHOLD);
  const after = pooled((previous) => previous >= CORRECTED_THRESHOLD);
  const baselineBefore = baseline ? pooled((previous) => previous < CORRECTED_THRESHOLD, baseline) : null;
  const baselineAfter = baseline ? pooled((previous) => previous >= CORRECTED_THRESHOLD, baseline) : null;
  const reference = baseline ? baselineAfter : before;
  const after100 = pooled((previous) => previous >= COST_TARGET_CORRECTED);
  const baselineAfter100 = baseline ? pooled((previous) => previous >= COST_TARGET_CORRECTED, baseline) : null;
  const made = rows.flatMap((row) => (row.fineTune && row.fineTune.seconds !== null && row.fineTune.triplets ? [row.fineTune] : []));
  const per500 = made.map((fineTune) => ((fineTune.seconds as number) * 500) / (fineTune.triplets as number));
  return {
    thresholdBlock: thresholdRow?.block ?? null,
    ar10Start: start.remaining.ar10,
    ar10End: end.remaining.ar10,
    ar100Start: start.remaining.ar100,
    ar100End: end.remaining.ar100,
    clicksPerInstanceBefore: before,
    clicksPerInstanceAfter: after,
    clearArRise: end.remaining.ar10 >= start.remaining.ar10 * 1.1 && end.remaining.ar10 - start.remaining.ar10 >= 0.01,
    clearClickFall: reference === null || after === null ? null : after <= reference * 0.9,
    fineTunes: rows.filter((row) => row.fineTune).length,
    adopted: rows.filter((row) => row.fineTune?.adopted).length,
    medianSecondsPer500Triplets: median(per500),
    maxSecondsPer500Triplets: per500.length > 0 ? Math.max(...per500) : null,
    medianTriplets: median(made.map((fineTune) => fineTune.triplets as number)),
    ...(baseline ? { baselineClicksPerInstanceBefore: baselineBefore, baselineClicksPerInstanceAfter: baselineAfter } : {}),
    costPerObjectAfter100: after100,
    ...(baseline ? { baselineCostPerObjectAfter100: baselineAfter100, costRatioAfter100: after100 !== null && baselineAfter100 ? after100 / baselineAfter100 : null } : {}),
  };
}

function median(numbers: number[]): number | null {
  if (numbers.length === 0) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
