// A quick, fixed validation of the prompt-mask head on views of held-out images, run while training:
//   box     mean IoU of the mask from the detector box that best overlaps each object (IoU >= .5),
//           on the ROI grid: what proposals get
//   clicks  mean IoU after 1, 2, 3 and 5 clicks, starting from the interior-most point with the
//           object's box widened 1.4x as the ROI, each next click at the larger error (RITM)
// The examples are the same at every call (fixed seed), so the numbers can be compared across steps.
import * as tf from '@tensorflow/tfjs-core';
import { nextClick } from '../click-simulation';
import { applyPromptMask, PROMPT_CHANNELS, PROMPT_MASK_SIZE, type PromptMaskConfig } from '../network';
import { promptMaps } from '../prompts';
import { roiAroundBox } from '../roi';
import { achievedIous, stackedRoiFeatures } from './trainer';
import { boxIou, cellToView, interiorClick, targetGrid, viewObjects, type Example } from './examples';
import type { PromptMaskTrainer } from './trainer';
import type { TrainingImage, TrainingView } from './training-data';

export interface ValidationReport {
  boxExamples: number;
  boxMeanIou: number;
  clickExamples: number;
  /** Mean IoU after click n (index n - 1). */
  clickMeanIou: number[];
}

const CLICK_COUNT = 5;

/** The fixed example set: every usable object of every view, up to `limit` of each kind. */
export function validationExamples(images: readonly TrainingImage[], views: readonly TrainingView[], limit: number): { box: Example[]; clicks: Example[] } {
  const box: Example[] = [];
  const clicks: Example[] = [];
  views.forEach((view, viewIndex) => {
    const image = images[view.imageIndex];
    for (const { objectIndex, box: objectBox } of viewObjects(image, view)) {
      let best = null as (typeof view.boxes)[number] | null;
      for (const candidate of view.boxes) if (boxIou(candidate, objectBox) >= 0.5 && (!best || boxIou(candidate, objectBox) > boxIou(best, objectBox))) best = candidate;
      if (best && box.length < limit) {
        const roi = roiAroundBox(best);
        box.push({ kind: 'detector-box', viewIndex, roi, box: best, clicks: [], target: targetGrid(image, view, objectIndex, roi), rounds: 0 });
      }
      if (clicks.length < limit && Math.max(objectBox.x2 - objectBox.x1, objectBox.y2 - objectBox.y1) >= 16) {
        const roi = roiAroundBox(objectBox);
        const target = targetGrid(image, view, objectIndex, roi);
        const click = interiorClick(target, roi);
        if (click) clicks.push({ kind: 'clicks', viewIndex, roi, clicks: [click], target, rounds: CLICK_COUNT - 1 });
      }
    }
  });
  return { box, clicks };
}

/** Runs the fixed examples through the trainer's current weights (no gradients), in batches. */
export function validate(trainer: PromptMaskTrainer, config: PromptMaskConfig, views: readonly TrainingView[], examples: { box: Example[]; clicks: Example[] }, batch = 32): ValidationReport {
  const size = PROMPT_MASK_SIZE;
  const cells = size * size;
  const run = (chunk: Example[], previous: Array<Float32Array | undefined>): Float32Array => {
    const viewOrder = [...new Set(chunk.map((example) => example.viewIndex))];
    const features = stackedRoiFeatures(views, config, chunk, viewOrder);
    const maps = promptMaps(chunk.map((example, index) => ({ roi: example.roi, prompt: { box: example.box, clicks: example.clicks, previous: previous[index] } })));
    const logits = tf.tidy(() => applyPromptMask(trainer.parameter, config, { ...features, prompts: tf.tensor4d(maps, [chunk.length, size, size, PROMPT_CHANNELS]) }).logits);
    const values = logits.dataSync() as Float32Array;
    tf.dispose([logits, features.f16, features.f8, features.f4]);
    return values;
  };
  let boxSum = 0;
  for (let start = 0; start < examples.box.length; start += batch) {
    const chunk = examples.box.slice(start, start + batch);
    const { ious } = achievedIous(run(chunk, []), chunk);
    for (const iou of ious) boxSum += iou;
  }
  const clickSums = new Array<number>(CLICK_COUNT).fill(0);
  for (let start = 0; start < examples.clicks.length; start += batch) {
    const chunk = examples.clicks.slice(start, start + batch).map((example) => ({ ...example, clicks: [...example.clicks] }));
    const previous: Array<Float32Array | undefined> = chunk.map(() => undefined);
    for (let click = 0; click < CLICK_COUNT; click++) {
      const values = run(chunk, previous);
      const { ious } = achievedIous(values, chunk);
      ious.forEach((iou) => (clickSums[click] += iou));
      chunk.forEach((example, index) => {
        const probabilities = new Float32Array(cells);
        const predicted = new Uint8Array(cells);
        for (let k = 0; k < cells; k++) {
          probabilities[k] = 1 / (1 + Math.exp(-values[index * cells + k]));
          predicted[k] = values[index * cells + k] > 0 ? 1 : 0;
        }
        previous[index] = probabilities;
        const next = nextClick({ width: size, height: size, data: predicted }, { width: size, height: size, data: example.target as Uint8Array });
        if (next) example.clicks.push({ ...cellToView(example.roi, next.x, next.y), positive: next.positive });
      });
    }
  }
  return {
    boxExamples: examples.box.length,
    boxMeanIou: examples.box.length ? boxSum / examples.box.length : 0,
    clickExamples: examples.clicks.length,
    clickMeanIou: clickSums.map((sum) => (examples.clicks.length ? sum / examples.clicks.length : 0)),
  };
}
