// Which images of ../shared/datasets/ a bundled model may train on, and which are held out. One rule,
// read by the trainers, the benches and the model cards, so a figure called "held out" always is:
//   coco128      train (all 128; the earlier bundled models trained on them too)
//   cocotrain    validation: the images whose rank by image id is 0 or 2 modulo 5 (86 of 215);
//                train: the other 129
//   pennfudan    held out entirely (people; a domain the proposal models never train on)
// The trunk's detector was trained on COCO train2017, which coco128 and cocotrain come from, so even
// held-out cocotrain images are ones the frozen trunk has seen: figures on them are optimistic for the
// detector-based parts, and the model cards say so.

export type SplitName = 'train' | 'validation' | 'heldout';

export const SPLIT_RULE = 'coco128: train; cocotrain: validation = rank by image id 0 or 2 mod 5 (86 images), train = the rest (129); pennfudan: held out';

/** The split of each image id of dataset `set`, for the given ids (any order). */
function splitImages(set: string, imageIds: readonly number[]): Map<number, SplitName> {
  const ranked = [...imageIds].sort((a, b) => a - b);
  const result = new Map<number, SplitName>();
  ranked.forEach((id, rank) => {
    if (set === 'coco128') result.set(id, 'train');
    else if (set === 'cocotrain') result.set(id, rank % 5 === 0 || rank % 5 === 2 ? 'validation' : 'train');
    else result.set(id, 'heldout');
  });
  return result;
}

/** The ids of `set` in one split. */
export function imagesInSplit(set: string, imageIds: readonly number[], split: SplitName): Set<number> {
  const result = new Set<number>();
  for (const [id, name] of splitImages(set, imageIds)) if (name === split) result.add(id);
  return result;
}

/**
 * The two halves of cocotrain's validation split, by rank of image id within it: 'calibration'
 * (even ranks, 43 images) is where the guided model's score calibration is fitted
 * (bench/calibrate-scores.ts); 'untouched' (odd ranks, 43 images) has been used by nothing, so a
 * figure on it is free of even that small fit.
 */
export function validationHalf(set: string, imageIds: readonly number[], half: 'calibration' | 'untouched'): Set<number> {
  const validation = [...imagesInSplit(set, imageIds, 'validation')].sort((a, b) => a - b);
  return new Set(validation.filter((_, rank) => (rank % 2 === 0) === (half === 'calibration')));
}
