// Postprocess stage of DeepMask inference: scored windows with their mask logits become Instances in
// original-image pixels (mask pasted + thresholded, NMS on mask IoU, RLE + polygons, sigmoid score).
import { randomUUID } from 'node:crypto';
import type { Instance, InstanceSource } from '../../shared/api/types';
import { maskToPolygons, rleIou, toCocoRle, type Rle } from '../../shared/geometry';
import type { DecodedImage } from './decode';
import type { FeaturePyramid } from './feature-pyramid';
import { scaledMaskToRle, scalePolygons } from './mask-scale';
import { maskNms } from './nms';
import { colourRefine, logit, pasteLogits, pasteMask, pasteMaskCoarse, thresholdLogits, rectMaskCrop, rectMaskToFull, rectMaskToRle, sigmoid, type RectMask } from './postprocess';
import { windowRect, type PyramidLevel } from './pyramid';

/** A window of a pyramid level: top-left cell (level cells, may be negative) and its score logit. */
export interface WindowCandidate {
  levelIndex: number;
  cellX: number;
  cellY: number;
  scoreLogit: number;
}

export interface PostprocessSettings {
  maskThreshold: number;
  nmsIou: number;
  /** Weight of the per-window colour model fused into each kept mask (postprocess.colourRefine); 0 = off. */
  colourWeight?: number;
}

/** The candidate's mask on the decoded image. */
function candidateMask(decoded: DecodedImage, levels: readonly PyramidLevel[], candidate: WindowCandidate, logits: Float32Array, maskSize: number, settings: PostprocessSettings): RectMask {
  const level = levels[candidate.levelIndex];
  const rect = windowRect(level, candidate.cellX, candidate.cellY);
  const threshold = logit(settings.maskThreshold);
  if (!settings.colourWeight) return pasteMask(logits, maskSize, rect, decoded.width, decoded.height, threshold);
  const refined = colourRefine(pasteLogits(logits, maskSize, rect, decoded.width, decoded.height), decoded.rgb, decoded.width, settings.colourWeight);
  return thresholdLogits(refined, decoded.width, decoded.height, threshold);
}

/** NMS compares masks on a grid with at most this many pixels on its longer side: IoU to within a
 * few percent at a small fraction of the cost; only the kept proposals are pasted at full size. */
const NMS_GRID_SIDE = 200;

/** Refined mask logits for the first `count` proposals kept by NMS (the heads' mask refiner). */
interface ProposalRefinement {
  count: number;
  /** Refined logits of the candidates at these indices, in the same order. */
  logits(indices: readonly number[]): Float32Array[];
}

/**
 * NMS over all candidates' masks, best maxProposals as Instances (best first). With `refinement`, NMS
 * still runs on the coarse masks; the first `count` kept proposals are then pasted from refined logits.
 */
export function selectProposals(
  decoded: DecodedImage,
  pyramid: FeaturePyramid,
  candidates: readonly WindowCandidate[],
  logits: readonly Float32Array[],
  maskSize: number,
  settings: PostprocessSettings,
  maxProposals: number,
  modelVersion: string,
  withPolygons = true,
  refinement?: ProposalRefinement,
): Instance[] {
  const levels = pyramid.levels.map((features) => features.level);
  const factor = Math.max(1, Math.max(decoded.width, decoded.height) / NMS_GRID_SIDE);
  const threshold = logit(settings.maskThreshold);
  const coarse: Rle[] = candidates.map((candidate, index) => {
    const rect = windowRect(pyramid.levels[candidate.levelIndex].level, candidate.cellX, candidate.cellY);
    return rectMaskToRle(pasteMaskCoarse(logits[index], maskSize, rect, decoded.width, decoded.height, threshold, factor));
  });
  const refining = Boolean(settings.colourWeight);
  // Refined masks can converge (two windows of one person snap to the same colours), so with
  // refinement NMS is applied again to the final masks, and the coarse NMS keeps every survivor so
  // that dropped duplicates are replaced by the next proposals.
  const kept = maskNms(
    candidates.map((candidate, index) => ({ rle: coarse[index], score: candidate.scoreLogit })),
    settings.nmsIou,
    refining ? candidates.length : maxProposals,
  );
  const refined = new Map<number, Float32Array>();
  if (refinement && refinement.count > 0) {
    const first = kept.slice(0, Math.min(refinement.count, maxProposals));
    refinement.logits(first).forEach((values, k) => refined.set(first[k], values));
  }
  const instances: Instance[] = [];
  const keptRles: Rle[] = [];
  for (const index of kept) {
    if (instances.length >= maxProposals) break;
    const mask = candidateMask(decoded, levels, candidates[index], refined.get(index) ?? logits[index], maskSize, settings);
    // A mask that is visible on the coarse grid can still vanish at full size only if it is tiny; skip it.
    if (!mask.data.includes(1)) continue;
    const rle = rectMaskToRle(mask);
    if (refining && keptRles.length > 0 && rleIou([rle], keptRles, keptRles.map(() => false))[0].some((iou) => iou > settings.nmsIou)) continue;
    keptRles.push(rle);
    instances.push(maskInstance(decoded, mask, rle, sigmoid(candidates[index].scoreLogit), 'model', modelVersion, withPolygons));
  }
  return instances;
}

/** One Instance for one window (click-to-segment), or null when its mask is empty. */
export function buildInstance(
  decoded: DecodedImage,
  levels: readonly PyramidLevel[],
  candidate: WindowCandidate,
  logits: Float32Array,
  maskSize: number,
  settings: PostprocessSettings,
  source: InstanceSource,
  modelVersion: string,
): Instance | null {
  const mask = candidateMask(decoded, levels, candidate, logits, maskSize, settings);
  if (!mask.data.includes(1)) return null;
  return maskInstance(decoded, mask, rectMaskToRle(mask), sigmoid(candidate.scoreLogit), source, modelVersion, true);
}

/** An Instance of a mask of the decoded image (`rle` is the mask's RLE at the decoded size), in original-image pixels. */
export function maskInstance(decoded: DecodedImage, mask: RectMask, rle: Rle, score: number, source: InstanceSource, modelVersion: string, withPolygons: boolean): Instance {
  const scaled = decoded.width !== decoded.originalWidth || decoded.height !== decoded.originalHeight;
  const fullRle = scaled ? scaledMaskToRle(rectMaskToFull(mask), decoded.originalWidth, decoded.originalHeight) : rle;
  // Contours of the window-sized crop, moved to image pixels, then scaled to the original's.
  const cropPolygons = !withPolygons ? [] : maskToPolygons(rectMaskCrop(mask)).map((ring) => ring.map((value, index) => value + (index % 2 === 0 ? mask.x : mask.y)));
  const polygons = scalePolygons(cropPolygons, decoded.originalWidth / decoded.width, decoded.originalHeight / decoded.height);
  return {
    id: randomUUID(),
    polygons,
    rle: toCocoRle(fullRle),
    score,
    status: 'proposed',
    source,
    categoryId: null,
    modelVersion,
  };
}
