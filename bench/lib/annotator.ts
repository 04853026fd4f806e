// The simulated annotator of bench/learning-loop: given one image's proposals (best first, as the
// model returned them) and its ground truth, decides what a careful person would: a proposal whose
// IoU with a still-unmatched ground-truth object is at least the threshold is accepted (and uses that
// object up), every other proposal shown is rejected, and each object nothing matched is drawn by
// hand as a polygon. Clicks: an accept is 1, a reject is 1 (one key or click each: the annotator must
// look at every proposal shown and dismiss the wrong ones, and the learner uses those rejections as
// hard negatives), a drawn object is the number of its polygon's vertices.
import type { FlatPolygon, Instance } from '../../shared/api/types';
import { rleIou, ringsToRle, toCocoRle, fromCocoRle, type Rle } from '../../shared/geometry';

/** One ground-truth object as the annotator would draw it. */
export interface TruthObject {
  /** The reference mask (what IoU is measured against). */
  rle: Rle;
  /** The outline the annotator draws when no proposal fits: outer rings and holes, image pixels. */
  polygons: FlatPolygon[];
  /** Its category id in the dataset (the project gets a category of the same name); absent = none. */
  categoryId?: number;
}

export interface AnnotatorOptions {
  /** A proposal is accepted when its IoU with an unmatched object reaches this (0.85). */
  iouThreshold: number;
  /** Clicks charged for a rejection (1 by default; 0 models a UI where unaccepted proposals vanish). */
  rejectClicks: number;
}

export const DEFAULT_ANNOTATOR: AnnotatorOptions = { iouThreshold: 0.85, rejectClicks: 1 };

/** What the annotator did on one image. */
export interface ImageDecisions {
  /** Every proposal with its decision, then the drawn objects: what gets saved. */
  instances: Instance[];
  objects: number;
  accepted: number;
  rejected: number;
  drawn: number;
  /** Vertices of the drawn polygons. */
  drawnVertices: number;
  /** Objects segmented with clicks (walkImage with maxClicks > 0). */
  clicked?: number;
  /** Clicks of every click session, those that gave up included. */
  sessionClicks?: number;
  /** Category keys pressed: one per saved object whose suggested category was not its category. */
  categoryKeys?: number;
  /** Saved objects whose suggested category was right. */
  categoryRight?: number;
  /** The annotator's cost: accepted + rejected * rejectClicks + drawnVertices (+ sessionClicks + categoryKeys). */
  clicks: number;
  /** Per object: its best IoU with any proposal shown (0 without proposals), how close the model came. */
  bestIous: number[];
}

/** Vertex count of a polygon list (flat [x0, y0, ...] rings). */
export function vertexCount(polygons: FlatPolygon[]): number {
  return polygons.reduce((sum, ring) => sum + ring.length / 2, 0);
}

/**
 * Decides on every proposal, greedily in descending score (ties keep the given order): accept when
 * the best IoU with a ground-truth object not yet matched is >= iouThreshold, else reject. Objects
 * left unmatched are drawn (source 'manual', status 'accepted', their polygons rasterised even-odd).
 */
export function annotateImage(
  proposals: Instance[],
  truth: TruthObject[],
  size: { width: number; height: number },
  options: AnnotatorOptions = DEFAULT_ANNOTATOR,
): ImageDecisions {
  const order = proposals.map((_, index) => index).sort((a, b) => (proposals[b].score ?? -Infinity) - (proposals[a].score ?? -Infinity) || a - b);
  const ious = proposals.length > 0 && truth.length > 0
    ? rleIou(proposals.map((proposal) => fromCocoRle(proposal.rle)), truth.map((object) => object.rle), truth.map(() => false))
    : [];
  const matched = new Set<number>();
  const decided = new Map<number, Instance>();
  let accepted = 0;
  for (const p of order) {
    let best = -1;
    let bestIou = -Infinity;
    truth.forEach((_, g) => {
      if (!matched.has(g) && ious[p][g] > bestIou) {
        bestIou = ious[p][g];
        best = g;
      }
    });
    if (best >= 0 && bestIou >= options.iouThreshold) {
      matched.add(best);
      accepted += 1;
      decided.set(p, { ...proposals[p], status: 'accepted' });
    } else {
      decided.set(p, { ...proposals[p], status: 'rejected' });
    }
  }
  const instances = proposals.map((_, p) => decided.get(p) as Instance);
  const taken = new Set(instances.map((instance) => instance.id));
  let drawnVertices = 0;
  let drawn = 0;
  truth.forEach((object, g) => {
    if (matched.has(g)) return;
    let id = `drawn-${g}`;
    while (taken.has(id)) id = `${id}x`;
    taken.add(id);
    drawn += 1;
    drawnVertices += vertexCount(object.polygons);
    instances.push({
      id,
      polygons: object.polygons,
      rle: toCocoRle(ringsToRle(object.polygons, size.height, size.width)),
      score: null,
      status: 'accepted',
      source: 'manual',
      categoryId: null,
      modelVersion: null,
    });
  });
  const rejected = proposals.length - accepted;
  return {
    instances,
    objects: truth.length,
    accepted,
    rejected,
    drawn,
    drawnVertices,
    clicks: accepted + rejected * options.rejectClicks + drawnVertices,
    bestIous: truth.map((_, g) => proposals.reduce((best, _p, p) => Math.max(best, ious[p][g]), 0)),
  };
}
