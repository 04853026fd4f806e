// Glue between MaskPilot's own instances and the evaluator, for scoring a model on annotated
// project images (e.g. held-out images before a fine-tuned model replaces the working one).
import type { CocoRle, Instance } from '../api/types';
import { isAcceptedOrEdited } from '../api/instance-status';
import { fromCocoRle, rleArea } from '../geometry';
import type { EvaluationImage } from './evaluate';

/** A proposal as the model returns it: a mask and its objectness. */
export interface ScoredInstanceMask {
  rle: CocoRle;
  /** Objectness; null (a manual instance) ranks below every scored proposal. */
  score: number | null;
}

/**
 * One image for evaluateProposals. Ground truth is the annotator's decision: accepted and edited
 * instances; proposed and rejected ones are not ground truth and are left out. Areas for the area
 * ranges are the masks' own pixel counts (project instances have no separately stated area).
 */
export function evaluationImageFromInstances(annotated: Instance[], proposals: ScoredInstanceMask[]): EvaluationImage {
  return {
    groundTruth: annotated
      .filter(isAcceptedOrEdited)
      .map((instance) => {
        const rle = fromCocoRle(instance.rle);
        return { rle, area: rleArea(rle), isCrowd: instance.isCrowd === true };
      }),
    proposals: proposals.map((proposal) => ({ rle: fromCocoRle(proposal.rle), score: proposal.score ?? -Infinity })),
  };
}
