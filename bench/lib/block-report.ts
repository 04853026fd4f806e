// Per-block bookkeeping of the learning-loop bench: sums the annotator's decisions over a block of
// images, keeps the running count of corrected instances, and prints the table (markdown, also used
// in docs/learning-loop.md). One row per block: what walking it cost, then the fine-tune that
// followed it and the AR of the version active afterwards on the images never walked.
import type { ImageDecisions } from './annotator';
import type { RemainingAr } from './remaining-ar';

export interface BlockTally {
  images: number;
  objects: number;
  accepted: number;
  rejected: number;
  drawn: number;
  drawnVertices: number;
  clicks: number;
  /** Every object's best IoU with a shown proposal. */
  bestIous: number[];
  /** Objects segmented with clicks, clicks of every session, category keys, right category suggestions (absent in results before issue #19). */
  clicked?: number;
  sessionClicks?: number;
  categoryKeys?: number;
  categoryRight?: number;
}

export const emptyTally = (): BlockTally => ({ images: 0, objects: 0, accepted: 0, rejected: 0, drawn: 0, drawnVertices: 0, clicks: 0, bestIous: [], clicked: 0, sessionClicks: 0, categoryKeys: 0, categoryRight: 0 });

export function addDecisions(tally: BlockTally, decisions: ImageDecisions): BlockTally {
  return {
    images: tally.images + 1,
    objects: tally.objects + decisions.objects,
    accepted: tally.accepted + decisions.accepted,
    rejected: tally.rejected + decisions.rejected,
    drawn: tally.drawn + decisions.drawn,
    drawnVertices: tally.drawnVertices + decisions.drawnVertices,
    clicks: tally.clicks + decisions.clicks,
    bestIous: [...tally.bestIous, ...decisions.bestIous],
    clicked: (tally.clicked ?? 0) + (decisions.clicked ?? 0),
    sessionClicks: (tally.sessionClicks ?? 0) + (decisions.sessionClicks ?? 0),
    categoryKeys: (tally.categoryKeys ?? 0) + (decisions.categoryKeys ?? 0),
    categoryRight: (tally.categoryRight ?? 0) + (decisions.categoryRight ?? 0),
  };
}

/** Clicks per ground-truth object of the block; null for a block without objects. */
export function clicksPerInstance(tally: BlockTally): number | null {
  return tally.objects > 0 ? tally.clicks / tally.objects : null;
}

/** Median over the block's objects of their best IoU with a shown proposal; null without objects. */
export function medianBestIou(tally: BlockTally): number | null {
  // Results written before bestIous was recorded have none: shown as unknown.
  if (!tally.bestIous || tally.bestIous.length === 0) return null;
  const sorted = [...tally.bestIous].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Instances that became training signal: accepted proposals, clicked and drawn objects (rejections are counted apart). */
export function correctedInstances(tally: BlockTally): number {
  return tally.accepted + (tally.clicked ?? 0) + tally.drawn;
}

/** Share of saved objects whose suggested category was right; null when no category was assigned. */
export function categoryAccuracy(tally: BlockTally): number | null {
  const assigned = (tally.categoryKeys ?? 0) + (tally.categoryRight ?? 0);
  return assigned > 0 ? (tally.categoryRight ?? 0) / assigned : null;
}

export interface FineTuneOutcome {
  versionId: string | null;
  /** From fineTune to its final event, including the service's held-out evaluation. */
  wallSeconds: number;
  /** Training time the version records (features + steps); null when no version was made. */
  seconds: number | null;
  triplets: number | null;
  steps: number | null;
  adopted: boolean;
  /** The service's reason, e.g. "AR@100 .31 vs .28: adopted"; or what went wrong. */
  decision: string;
  /** Held-out AR the service measured (the new version, then the one it was compared with). */
  heldOutAr10: number | null;
  baselineHeldOutAr10: number | null;
}

export interface BlockRow {
  /** 0 is the starting point: nothing walked, the bundled model. */
  block: number;
  imagesWalked: number;
  /** Accepted + drawn instances saved so far (all blocks up to this one). */
  correctedSoFar: number;
  /** The walk of this block (null for block 0). */
  walk: BlockTally | null;
  clicksPerInstance: number | null;
  fineTune: FineTuneOutcome | null;
  /** The version proposing after this row's fine-tune. */
  activeVersion: string | null;
  remaining: RemainingAr;
}

const fixed = (value: number | null | undefined, digits: number): string => (value === null || value === undefined ? '–' : value.toFixed(digits));

export function formatTable(rows: BlockRow[]): string {
  return [
    '| block | images walked | corrected so far | cost/object (block) | accepted / rejected / clicked / drawn (block) | session clicks / vertices / category keys (block) | category right | median best IoU (block) | fine-tune s (train / wall) | triplets | steps | adopted | AR@10 remaining | AR@100 remaining | recall@10, IoU .85 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) =>
      [
        row.block,
        row.imagesWalked,
        row.correctedSoFar,
        fixed(row.clicksPerInstance, 1),
        row.walk ? `${row.walk.accepted} / ${row.walk.rejected} / ${row.walk.clicked ?? 0} / ${row.walk.drawn}` : '–',
        row.walk ? `${row.walk.sessionClicks ?? 0} / ${row.walk.drawnVertices} / ${row.walk.categoryKeys ?? 0}` : '–',
        row.walk && categoryAccuracy(row.walk) !== null ? `${Math.round(100 * (categoryAccuracy(row.walk) as number))}%` : '–',
        fixed(row.walk ? medianBestIou(row.walk) : null, 2),
        row.fineTune ? `${fixed(row.fineTune.seconds, 1)} / ${fixed(row.fineTune.wallSeconds, 1)}` : '–',
        row.fineTune?.triplets ?? '–',
        row.fineTune?.steps ?? '–',
        row.fineTune ? (row.fineTune.adopted ? 'yes' : 'no') : '–',
        fixed(row.remaining.ar10, 3),
        fixed(row.remaining.ar100, 3),
        fixed(row.remaining.recall10At85, 3),
      ].join(' | ').replace(/^/, '| ').concat(' |'),
    ),
  ].join('\n');
}
