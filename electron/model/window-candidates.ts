// Which windows get a mask: the best-scoring windows of the fully convolutional score maps, plus
// (optionally) windows placed on the boxes of the trunk's own COCO detector. DESIGN.md calls its
// heatmaps a strong objectness prior: a box fixes an object's centre and size, so the window centred
// on it at the level that brings its larger side nearest 128 px is the window DeepMask was trained to
// segment. Candidates are ranked by the mean of the window's DeepMask objectness and the detector's
// confidence (0 for windows no box points at), so confident detections come first and the score maps
// fill in what the detector misses.
import type { DetectorBox } from './detector-baseline';
import type { DecodedImage } from './decode';
import { clampCell, PAD_CELLS, type FeaturePyramid } from './feature-pyramid';
import type { DeepMaskHeads } from './heads';
import type { WindowCandidate } from './proposal-instances';
import { CANONICAL_OBJECT_PIXELS, windowCentredAt } from './pyramid';

/** Score logits of every window of every level: values[row * cols + col] is the window at cell (col - PAD_CELLS, row - PAD_CELLS). */
export interface LevelScores {
  rows: number;
  cols: number;
  values: Float32Array;
}

export function scoreAllWindows(heads: DeepMaskHeads, pyramid: FeaturePyramid): LevelScores[] {
  return pyramid.levels.map((features) => {
    const map = heads.scoreMap(features.padded);
    const [rows, cols] = map.shape;
    const values = map.dataSync() as Float32Array;
    map.dispose();
    return { rows, cols, values };
  });
}

/** The best `limit` windows by score logit, best first. */
export function topWindows(scores: readonly LevelScores[], limit: number): WindowCandidate[] {
  const candidates: WindowCandidate[] = [];
  scores.forEach(({ rows, cols, values }, levelIndex) => {
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) candidates.push({ levelIndex, cellX: col - PAD_CELLS, cellY: row - PAD_CELLS, scoreLogit: values[row * cols + col] });
    }
  });
  candidates.sort((a, b) => b.scoreLogit - a.scoreLogit);
  return candidates.slice(0, limit);
}

/**
 * Adds the windows of the detector boxes (image pixels of the original image) to `top` and re-ranks
 * all by (sigmoid(window score) + detector score) / 2, stored back as a logit. A box's window that
 * is already among `top` is merged with it. Best first.
 */
export function withDetectorWindows(top: readonly WindowCandidate[], boxes: readonly DetectorBox[], decoded: DecodedImage, pyramid: FeaturePyramid, scores: readonly LevelScores[]): WindowCandidate[] {
  const key = (candidate: { levelIndex: number; cellX: number; cellY: number }): string => `${candidate.levelIndex}:${candidate.cellX}:${candidate.cellY}`;
  const detectorScore = new Map<string, number>();
  const detectorWindows: WindowCandidate[] = [];
  const toDecodedX = decoded.width / decoded.originalWidth;
  const toDecodedY = decoded.height / decoded.originalHeight;
  for (const box of boxes) {
    const side = Math.max((box.x2 - box.x1) * toDecodedX, (box.y2 - box.y1) * toDecodedY);
    if (!(side > 0)) continue;
    let levelIndex = 0;
    let bestDistance = Infinity;
    pyramid.levels.forEach(({ level }, index) => {
      const distance = Math.abs(Math.log2((side * level.scale) / CANONICAL_OBJECT_PIXELS));
      if (distance < bestDistance) {
        bestDistance = distance;
        levelIndex = index;
      }
    });
    const features = pyramid.levels[levelIndex];
    const centred = windowCentredAt(features.level, ((box.x1 + box.x2) / 2) * toDecodedX, ((box.y1 + box.y2) / 2) * toDecodedY);
    const cell = clampCell(features, centred.cellX, centred.cellY);
    const candidate = { levelIndex, ...cell, scoreLogit: windowScore(scores[levelIndex], cell.cellX, cell.cellY) };
    const id = key(candidate);
    if (detectorScore.has(id)) {
      detectorScore.set(id, Math.max(detectorScore.get(id) as number, box.score));
      continue;
    }
    detectorScore.set(id, box.score);
    detectorWindows.push(candidate);
  }
  const merged = new Map<string, WindowCandidate>();
  for (const candidate of [...top, ...detectorWindows]) merged.set(key(candidate), candidate);
  const ranked = [...merged.entries()].map(([id, candidate]) => {
    const combined = (sigmoid(candidate.scoreLogit) + (detectorScore.get(id) ?? 0)) / 2;
    const clamped = Math.min(Math.max(combined, 1e-6), 1 - 1e-6);
    return { ...candidate, scoreLogit: Math.log(clamped / (1 - clamped)) };
  });
  ranked.sort((a, b) => b.scoreLogit - a.scoreLogit);
  return ranked;
}

function windowScore(scores: LevelScores, cellX: number, cellY: number): number {
  const row = cellY + PAD_CELLS;
  const col = cellX + PAD_CELLS;
  return scores.values[row * scores.cols + col];
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}
