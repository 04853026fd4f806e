// What describes an instance for category suggestions (shared/categories/suggester.ts): the
// trunk's stride-16 and stride-8 features of the image's view averaged under the instance's mask
// (normalised per channel as the prompt-mask head normalises them, then to unit length), and the
// detector's class evidence: each class's highest heatmap value over the instance's mask (the
// detector marks an object's centre; the mask says which centres are this object's). Measured on 593
// held-out COCO objects: the argmax of the evidence taken at the best-matching detector box's centre
// names the right class for 72%; over the mask, see bench/category-suggestions.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { BinaryMask } from '../../../shared/geometry';
import type { InstanceDescription } from '../../../shared/categories/suggester';
import { COCO_CLASSES } from '../../../shared/categories/coco-classes';
import { VIEW_SIZE, type ViewBox, type ViewMaps } from '../promptmask/detector-view';
import type { PromptMaskHead } from '../promptmask/head';
import { PROMPT_MASK_SIZE } from '../promptmask/network';
import { roiFeatures, type Roi } from '../promptmask/roi';
import { maskBox, sampleMask } from './interactive';

const MIN_EVIDENCE_IOU = 0.3;

export function describeInstances(head: PromptMaskHead, maps: ViewMaps, classMap: Float32Array | null, boxes: readonly ViewBox[], masks: readonly BinaryMask[]): InstanceDescription[] {
  if (masks.length === 0) return [];
  const { width, height } = masks[0];
  const toViewX = VIEW_SIZE / width;
  const toViewY = VIEW_SIZE / height;
  const entries = masks.map((mask) => {
    const box = maskBox(mask, toViewX, toViewY);
    const roi: Roi = box ? { x: box.x1, y: box.y1, width: Math.max(1, box.x2 - box.x1), height: Math.max(1, box.y2 - box.y1) } : { x: 0, y: 0, width: VIEW_SIZE, height: VIEW_SIZE };
    return { mask, box, roi };
  });
  const features = roiFeatures(maps, entries.map((entry) => entry.roi));
  const f16 = features.f16.dataSync() as Float32Array;
  const f8 = features.f8.dataSync() as Float32Array;
  tf.dispose([features.f16, features.f8, features.f4]);
  const { mean16, inverseStd16, mean8, inverseStd8 } = head.normalisation;
  const c16 = mean16.length;
  const c8 = mean8.length;
  return entries.map(({ mask, box, roi }, index) => {
    const weights = sampleMask(mask, roi, toViewX, toViewY);
    const embedding = new Float32Array(c16 + c8);
    pool(f16, index, PROMPT_MASK_SIZE / 4, c16, weights, mean16, inverseStd16, embedding, 0);
    pool(f8, index, PROMPT_MASK_SIZE / 2, c8, weights, mean8, inverseStd8, embedding, c16);
    let norm = 0;
    for (const value of embedding) norm += value * value;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < embedding.length; i++) embedding[i] /= norm;
    const classEvidence = classMap ? evidenceUnderMask(classMap, mask) : box ? evidenceAt(boxes, box) : new Float32Array(COCO_CLASSES.length);
    return { embedding, classEvidence };
  });
}

/** Mean of one ROI's normalised cells (a cells x cells grid) weighted by the mask (56 x 56 weights, pooled). */
function pool(data: Float32Array, index: number, cells: number, channels: number, weights: Float32Array, mean: Float32Array, inverseStd: Float32Array, out: Float32Array, offset: number): void {
  const factor = PROMPT_MASK_SIZE / cells;
  const sums = new Float64Array(channels);
  let total = 0;
  const base = index * cells * cells * channels;
  for (let row = 0; row < cells; row++) {
    for (let column = 0; column < cells; column++) {
      let weight = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) weight += weights[(row * factor + dy) * PROMPT_MASK_SIZE + column * factor + dx];
      if (weight === 0) continue;
      total += weight;
      const at = base + (row * cells + column) * channels;
      for (let c = 0; c < channels; c++) sums[c] += weight * (data[at + c] - mean[c]) * inverseStd[c];
    }
  }
  for (let c = 0; c < channels; c++) out[offset + c] = total > 0 ? sums[c] / total : 0;
}

function evidenceAt(boxes: readonly ViewBox[], box: { x1: number; y1: number; x2: number; y2: number }): Float32Array {
  let best: ViewBox | null = null;
  let bestIou = MIN_EVIDENCE_IOU;
  for (const candidate of boxes) {
    const overlap = Math.max(0, Math.min(box.x2, candidate.x2) - Math.max(box.x1, candidate.x1)) * Math.max(0, Math.min(box.y2, candidate.y2) - Math.max(box.y1, candidate.y1));
    const union = (box.x2 - box.x1) * (box.y2 - box.y1) + (candidate.x2 - candidate.x1) * (candidate.y2 - candidate.y1) - overlap;
    const iou = union > 0 ? overlap / union : 0;
    if (iou >= bestIou && candidate.classScores) {
      best = candidate;
      bestIou = iou;
    }
  }
  return best?.classScores ? Float32Array.from(best.classScores) : new Float32Array(COCO_CLASSES.length);
}

const CLASS_MAP_SIDE = VIEW_SIZE / 4;

/** Each class's highest heatmap value over the stride-4 cells whose centre is inside the mask (else the cell at the mask's centre). */
function evidenceUnderMask(classMap: Float32Array, mask: BinaryMask): Float32Array {
  const classes = COCO_CLASSES.length;
  const evidence = new Float32Array(classes);
  let hits = 0;
  let sumX = 0;
  let sumY = 0;
  let pixels = 0;
  for (let row = 0; row < CLASS_MAP_SIDE; row++) {
    const y = Math.floor(((row + 0.5) * mask.height) / CLASS_MAP_SIDE);
    for (let column = 0; column < CLASS_MAP_SIDE; column++) {
      const x = Math.floor(((column + 0.5) * mask.width) / CLASS_MAP_SIDE);
      if (!mask.data[y * mask.width + x]) continue;
      hits++;
      const at = (row * CLASS_MAP_SIDE + column) * classes;
      for (let c = 0; c < classes; c++) if (classMap[at + c] > evidence[c]) evidence[c] = classMap[at + c];
    }
  }
  if (hits > 0) return evidence;
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if (mask.data[y * mask.width + x]) {
    sumX += x;
    sumY += y;
    pixels++;
  }
  if (pixels === 0) return evidence;
  const column = Math.min(CLASS_MAP_SIDE - 1, Math.floor(((sumX / pixels + 0.5) * CLASS_MAP_SIDE) / mask.width));
  const row = Math.min(CLASS_MAP_SIDE - 1, Math.floor(((sumY / pixels + 0.5) * CLASS_MAP_SIDE) / mask.height));
  return classMap.slice((row * CLASS_MAP_SIDE + column) * classes, (row * CLASS_MAP_SIDE + column + 1) * classes);
}
