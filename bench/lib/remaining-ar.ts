// AR of proposals on images the simulated annotator has not walked ("remaining" images), with the
// COCO evaluator of shared/coco (IoU .5:.95, class-agnostic): the figure the learning loop should raise.
import type { Instance } from '../../shared/api/types';
import { COCO_AR_PARAMS, evaluateProposals, type EvaluationImage } from '../../shared/coco/evaluate';
import { fromCocoRle } from '../../shared/geometry';
import type { TruthImage } from './pennfudan-truth';

export interface RemainingAr {
  images: number;
  /** Non-crowd ground-truth objects counted. */
  instances: number;
  ar10: number;
  ar100: number;
  /** Recall of the 10 best proposals at IoU 0.85, the annotator's acceptance bar (what saves clicks). */
  recall10At85: number;
}

/** AR@10 and AR@100 of each image's proposals (score order decides the cut) against its ground truth. */
export function arOnRemaining(images: { truth: TruthImage; proposals: Instance[] }[]): RemainingAr {
  const evaluation: EvaluationImage[] = images.map(({ truth, proposals }) => ({
    groundTruth: truth.objects.map((object) => ({ rle: object.rle, area: object.area, isCrowd: object.isCrowd })),
    proposals: proposals.map((proposal) => ({ rle: fromCocoRle(proposal.rle), score: proposal.score ?? -Infinity })),
  }));
  const report = evaluateProposals(evaluation);
  const at85 = COCO_AR_PARAMS.iouThrs.findIndex((threshold) => Math.abs(threshold - 0.85) < 1e-9);
  return {
    images: images.length,
    instances: images.reduce((sum, { truth }) => sum + truth.objects.filter((object) => !object.isCrowd).length, 0),
    ar10: report['AR@10'],
    ar100: report['AR@100'],
    recall10At85: report.recall_per_iou_all['10'][at85],
  };
}
