// Class-agnostic average recall of segment proposals, computed the way COCO's cocoeval does with
// iouType 'segm' and useCats 0 (so DeepMask/InstanceFCN-style AR figures mean what the papers mean):
//  - per image, proposals are sorted by descending score (stable: ties keep file order) and cut to
//    the largest maxDets;
//  - ground truth that is crowd, or whose *stated* area lies outside the area range, is "ignored":
//    it is sorted after the rest, and a proposal matched to it counts neither for nor against recall;
//  - at each IoU threshold, proposals in score order greedily take the best-IoU ground truth that is
//    still free (crowd ground truth is never used up; IoU with crowd = intersection / proposal area),
//    never trading a non-ignored match for an ignored one; among equal IoUs the later ground truth wins;
//  - recall at (threshold, area range, maxDets) = matched non-ignored ground truth among the first
//    maxDets proposals of every image / all non-ignored ground truth; -1 when there is none;
//  - AR averages recall over the thresholds, skipping -1 entries, as cocoeval's summarize does.
// Because greedy matching in score order only looks at higher-scored proposals, matching once with
// the largest maxDets and counting prefixes gives the same result as cocoeval's per-maxDets slices.
import { rleIou, type Rle } from '../geometry';

export type AreaRangeName = 'all' | 'small' | 'medium' | 'large';

export interface ArParams {
  iouType: 'segm';
  useCats: 0;
  /** Proposals kept per image, ascending; the last is the cut-off for matching. */
  maxDets: number[];
  /** IoU thresholds, ascending. */
  iouThrs: number[];
  /** [min, max] area in pixels, both inclusive (as in cocoeval). */
  areaRng: Record<AreaRangeName, [number, number]>;
}

/** numpy.linspace(0.5, 0.95, 10) bit for bit: thresholds are compared with IoUs, so 0.8999999999999999 matters. */
function cocoIouThresholds(): number[] {
  const step = (0.95 - 0.5) / 9;
  return Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : i * step + 0.5));
}

export const COCO_AR_PARAMS: ArParams = {
  iouType: 'segm',
  useCats: 0,
  maxDets: [10, 100, 1000],
  iouThrs: cocoIouThresholds(),
  areaRng: { all: [0, 1e10], small: [0, 32 ** 2], medium: [32 ** 2, 96 ** 2], large: [96 ** 2, 1e10] },
};

export interface GroundTruthMask {
  rle: Rle;
  /** Area in pixels used for the area ranges: the annotation's stated `area`, as cocoeval uses it. */
  area: number;
  isCrowd: boolean;
}

export interface ScoredMask {
  rle: Rle;
  /** Higher is more confident; only the order matters. */
  score: number;
}

/** One image: its ground truth and its proposals (masks all of the image's size). */
export interface EvaluationImage {
  groundTruth: GroundTruthMask[];
  proposals: ScoredMask[];
}

/**
 * The figures cocoeval reports, keyed as in ../shared/reference/ar-vectors/<set>/expected.json:
 * "AR@10", "AR@100", "AR@1000", "AR_small@1000", "AR_medium@1000", "AR_large@1000" (keys follow
 * params.maxDets), each in [0, 1] or -1 when no ground truth counts; `recall_per_iou_all[maxDets]`
 * is the recall at each threshold for area 'all' (-1 entries when there is no ground truth).
 */
export interface ArReport {
  params: ArParams;
  recall_per_iou_all: Record<string, number[]>;
  counts: { images: number; gt: number; crowd: number; proposals: number };
  [metric: `AR${string}@${number}`]: number;
}

/** Per-image match outcome for one area range: which proposals (in score order) hit counted ground truth. */
interface ImageMatches {
  /** Non-ignored ground truth in this image. */
  countedGroundTruth: number;
  /** hits[t][d]: proposal d (score order) matched non-ignored ground truth at threshold t. */
  hits: boolean[][];
}

export function evaluateProposals(images: EvaluationImage[], params: ArParams = COCO_AR_PARAMS): ArReport {
  const maxDet = Math.max(...params.maxDets);
  const ranges = Object.keys(params.areaRng) as AreaRangeName[];
  // tp[range][t][m] and counted[range], summed over images.
  const truePositives = ranges.map(() => params.iouThrs.map(() => params.maxDets.map(() => 0)));
  const counted = ranges.map(() => 0);

  for (const image of images) {
    const proposals = sortByScore(image.proposals).slice(0, maxDet);
    const gtRles = image.groundTruth.map((gt) => gt.rle);
    const crowd = image.groundTruth.map((gt) => gt.isCrowd);
    const ious = proposals.length > 0 && gtRles.length > 0 ? rleIou(proposals.map((p) => p.rle), gtRles, crowd) : [];
    ranges.forEach((range, r) => {
      const matches = matchImage(image.groundTruth, ious, proposals.length, params.areaRng[range], params.iouThrs);
      counted[r] += matches.countedGroundTruth;
      params.iouThrs.forEach((_, t) => {
        params.maxDets.forEach((limit, m) => {
          truePositives[r][t][m] += countHits(matches.hits[t], limit);
        });
      });
    });
  }

  const report: ArReport = {
    params: reportParams(params),
    recall_per_iou_all: {},
    counts: {
      images: images.length,
      gt: images.reduce((sum, image) => sum + image.groundTruth.length, 0),
      crowd: images.reduce((sum, image) => sum + image.groundTruth.filter((gt) => gt.isCrowd).length, 0),
      proposals: images.reduce((sum, image) => sum + image.proposals.length, 0),
    },
  };
  const recallAt = (r: number, m: number): number[] =>
    params.iouThrs.map((_, t) => (counted[r] === 0 ? -1 : truePositives[r][t][m] / counted[r]));
  const allIndex = ranges.indexOf('all');
  params.maxDets.forEach((limit, m) => {
    if (allIndex >= 0) {
      report[`AR@${limit}`] = meanOfValid(recallAt(allIndex, m));
      report.recall_per_iou_all[String(limit)] = recallAt(allIndex, m);
    }
  });
  const last = params.maxDets.length - 1;
  ranges.forEach((range, r) => {
    if (range !== 'all') report[`AR_${range}@${params.maxDets[last]}`] = meanOfValid(recallAt(r, last));
  });
  return report;
}

/** cocoeval's evaluateImg matching for one image and one area range. `ious[d][g]` is in the original ground-truth order. */
function matchImage(
  groundTruth: GroundTruthMask[],
  ious: number[][],
  proposalCount: number,
  [minArea, maxArea]: [number, number],
  thresholds: number[],
): ImageMatches {
  const ignored = groundTruth.map((gt) => gt.isCrowd || gt.area < minArea || gt.area > maxArea);
  // Stable sort: counted ground truth first, each group in original order.
  const order = groundTruth.map((_, g) => g).sort((a, b) => Number(ignored[a]) - Number(ignored[b]));
  const countedGroundTruth = ignored.filter((flag) => !flag).length;
  const hits = thresholds.map(() => new Array<boolean>(proposalCount).fill(false));
  if (ious.length === 0) return { countedGroundTruth, hits };

  thresholds.forEach((threshold, t) => {
    const taken = new Array<boolean>(groundTruth.length).fill(false);
    for (let d = 0; d < proposalCount; d++) {
      let best = Math.min(threshold, 1 - 1e-10);
      let match = -1;
      for (const g of order) {
        if (taken[g] && !groundTruth[g].isCrowd) continue;
        // Already holding a counted match: never trade it for an ignored one (they come last).
        if (match > -1 && !ignored[match] && ignored[g]) break;
        if (ious[d][g] < best) continue;
        best = ious[d][g];
        match = g;
      }
      if (match === -1) continue;
      taken[match] = true;
      hits[t][d] = !ignored[match];
    }
  });
  return { countedGroundTruth, hits };
}

function countHits(hits: boolean[], limit: number): number {
  let count = 0;
  for (let d = 0; d < Math.min(limit, hits.length); d++) if (hits[d]) count++;
  return count;
}

/** Descending score, ties in input order (numpy's argsort(-score, kind='mergesort')). */
function sortByScore(proposals: ScoredMask[]): ScoredMask[] {
  return proposals
    .map((proposal, index) => ({ proposal, index }))
    .sort((a, b) => b.proposal.score - a.proposal.score || a.index - b.index)
    .map((entry) => entry.proposal);
}

/** cocoeval's summarize: mean of the entries > -1, or -1 when there are none. */
function meanOfValid(values: number[]): number {
  const valid = values.filter((value) => value > -1);
  return valid.length === 0 ? -1 : valid.reduce((sum, value) => sum + value, 0) / valid.length;
}

/** A copy for the report; thresholds rounded to 1e-10 so 0.8999999999999999 reads 0.9, as in cocoeval-derived files. */
function reportParams(params: ArParams): ArParams {
  return {
    ...params,
    maxDets: [...params.maxDets],
    iouThrs: params.iouThrs.map((threshold) => Math.round(threshold * 1e10) / 1e10),
    areaRng: Object.fromEntries(Object.entries(params.areaRng).map(([k, v]) => [k, [...v]])) as ArParams['areaRng'],
  };
}

