// Measures the weights in a model folder on annotated project images: AR@10 and AR@100 of the
// network's proposals (class-agnostic, COCO IoU .50:.05:.95, shared/coco's cocoeval-equivalent
// evaluator) against the annotator's decisions (accepted and edited instances; crowd ones count as
// iscrowd regions). DeepMask or InstanceFCN, by what the folder holds (createModelForDir), with the
// inference settings the app uses, so the figure predicts what the annotator will see.
import { ApiError } from '../../../shared/api/errors';
import { isAcceptedOrEdited } from '../../../shared/api/instance-status';
import { evaluateProposals, type EvaluationImage } from '../../../shared/coco/evaluate';
import { evaluationImageFromInstances } from '../../../shared/coco/evaluate-instances';
import type { EvaluationReport, LearningImage } from '../../services/learner';
import { selectBackend, type BackendName } from '../backend';
import { createModelForDir } from '../registry';
import type { Trunk } from '../trunk';

export interface EvaluateOptions {
  /** A trunk to reuse, or how to get one (the caller keeps ownership). */
  trunk?: Trunk | (() => Promise<Trunk>);
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Proposals per image: AR@100 needs the best 100. */
const MAX_PROPOSALS = 100;

export async function evaluateModelDir(modelDir: string, images: readonly LearningImage[], options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const annotated = images.filter((image) => image.annotations.instances.some(isAcceptedOrEdited));
  const instances = annotated.reduce((sum, image) => sum + image.annotations.instances.filter((instance) => isAcceptedOrEdited(instance) && instance.isCrowd !== true).length, 0);
  if (instances === 0) throw new ApiError('INVALID_ARGUMENT', 'nothing to evaluate on: none of the images has an accepted or edited object');
  await selectBackend(options.backend);
  const trunk = typeof options.trunk === 'function' ? await options.trunk() : options.trunk;
  const model = await createModelForDir({ modelDir, backend: options.backend, trunk });
  try {
    try {
      await model.load();
    } catch (error) {
      throw new ApiError('MODEL_UNAVAILABLE', `cannot evaluate ${modelDir}: ${(error as Error).message}`);
    }
    const evaluated: EvaluationImage[] = [];
    for (const [index, image] of annotated.entries()) {
      if (options.signal?.aborted) throw new ApiError('CANCELLED', 'the evaluation was cancelled');
      const proposals = await model.propose({ path: image.path, width: image.width, height: image.height }, { maxProposals: MAX_PROPOSALS, withPolygons: false });
      evaluated.push(evaluationImageFromInstances(image.annotations.instances, proposals));
      options.onProgress?.(index + 1, annotated.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const report = evaluateProposals(evaluated);
    return { images: annotated.length, instances, ar10: report['AR@10'], ar100: report['AR@100'] };
  } finally {
    model.dispose();
  }
}
