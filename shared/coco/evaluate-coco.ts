// Glue between COCO files and the evaluator: every ground-truth image takes part (also those without
// proposals, whose objects then count as missed), in ascending id order as in cocoeval.
import { evaluateProposals, COCO_AR_PARAMS, type ArParams, type ArReport, type EvaluationImage } from './evaluate';
import type { Proposal } from './results';
import type { CocoDataset } from './schema';
import { segmentationToRle } from './segmentation';

export function evaluateCocoProposals(groundTruth: CocoDataset, proposals: Proposal[], params: ArParams = COCO_AR_PARAMS): ArReport {
  const byImage = new Map<number, EvaluationImage>();
  const sizes = new Map<number, { width: number; height: number }>();
  for (const image of [...groundTruth.images].sort((a, b) => a.id - b.id)) {
    byImage.set(image.id, { groundTruth: [], proposals: [] });
    sizes.set(image.id, image);
  }
  for (const annotation of groundTruth.annotations) {
    const size = sizes.get(annotation.image_id)!;
    byImage.get(annotation.image_id)!.groundTruth.push({
      rle: segmentationToRle(annotation.segmentation, size.height, size.width),
      area: annotation.area,
      isCrowd: annotation.iscrowd === 1,
    });
  }
  for (const proposal of proposals) {
    const image = byImage.get(proposal.imageId);
    // parseCocoProposals already refused unknown images; this guards direct callers.
    if (image === undefined) throw new RangeError(`proposal for image ${proposal.imageId}, which is not in the ground truth`);
    image.proposals.push({ rle: proposal.rle, score: proposal.score });
  }
  return evaluateProposals([...byImage.values()], params);
}
