// Which saved images a fine-tune learns from and which it is checked on. An image takes part once it
// has at least one decided instance (accepted, edited or rejected). Among the images with positives
// (accepted or edited instances), in the project's natural image order, an image is held out (never
// trained on, used only to compare the new version with the active one) when it is the 5th, 10th, ...
// such image, or when it holds a category that already has an image to learn from but none held out:
// the check then covers the categories the user labels. The split is deterministic.
import type { ImageAnnotations, Instance } from '../../../../shared/api/types';
import { isAcceptedOrEdited } from '../../../../shared/api/instance-status';
import type { LearningImage } from '../../learner';

/** Every HELD_OUT_EVERY-th image with positives is held out. */
const HELD_OUT_EVERY = 5;

const isDecided = (instance: Instance) => isAcceptedOrEdited(instance) || instance.status === 'rejected';

export interface SavedImage {
  annotations: ImageAnnotations;
  /** Absolute path of the image file. */
  path: string;
}

export interface TrainingSet {
  training: LearningImage[];
  heldOut: LearningImage[];
  /** Positive instances in the training images. */
  trainingPositives: number;
  /** Positive instances in the held-out images (evaluation ground truth). */
  heldOutInstances: number;
}

/** Splits saved images (in natural order) into training and held-out LearningImages. */
export function splitTrainingSet(images: readonly SavedImage[]): TrainingSet {
  const set: TrainingSet = { training: [], heldOut: [], trainingPositives: 0, heldOutInstances: 0 };
  let withPositives = 0;
  const learnedCategories = new Set<number>();
  const checkedCategories = new Set<number>();
  for (const { annotations, path } of images) {
    if (!annotations.instances.some(isDecided)) continue;
    const learning: LearningImage = { path, width: annotations.width, height: annotations.height, annotations, complete: annotations.status === 'done' };
    const positives = annotations.instances.filter(isAcceptedOrEdited);
    const categories = new Set(positives.flatMap((instance) => (instance.categoryId === null ? [] : [instance.categoryId])));
    if (positives.length > 0) {
      withPositives += 1;
      const uncovered = [...categories].some((category) => learnedCategories.has(category) && !checkedCategories.has(category));
      if (withPositives % HELD_OUT_EVERY === 0 || uncovered) {
        set.heldOut.push(learning);
        set.heldOutInstances += positives.length;
        for (const category of categories) checkedCategories.add(category);
        continue;
      }
    }
    set.training.push(learning);
    set.trainingPositives += positives.length;
    for (const category of categories) learnedCategories.add(category);
  }
  return set;
}
