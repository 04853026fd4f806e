// A learning-free baseline for the proposal benchmark: sliding-window boxes filled as masks.
// Boxes of 6 sizes (fractions of the image's shorter side) x 3 aspect ratios on a grid with a stride
// of half the box, ordered larger first and, within a size, more central first (a centre prior). The
// score is that rank, so AR@10 / AR@100 measure the prior and AR@1000 the coverage.
import type { Rle } from '../shared/geometry';

const SIZES = [0.8, 0.55, 0.38, 0.26, 0.18, 0.12];
const ASPECTS = [1, 2, 0.5];

export function slidingBoxProposals(width: number, height: number, limit: number): Array<{ rle: Rle; score: number }> {
  const boxes: Array<{ x: number; y: number; w: number; h: number; order: number }> = [];
  const shorter = Math.min(width, height);
  SIZES.forEach((size, sizeIndex) => {
    for (const aspect of ASPECTS) {
      const w = Math.min(width, Math.round(shorter * size * Math.sqrt(aspect)));
      const h = Math.min(height, Math.round(shorter * size / Math.sqrt(aspect)));
      const stepX = Math.max(1, Math.round(w / 2));
      const stepY = Math.max(1, Math.round(h / 2));
      for (let y = 0; y + h <= height; y += stepY) {
        for (let x = 0; x + w <= width; x += stepX) {
          const dx = (x + w / 2) / width - 0.5;
          const dy = (y + h / 2) / height - 0.5;
          boxes.push({ x, y, w, h, order: sizeIndex * 10 + Math.hypot(dx, dy) });
        }
      }
    }
  });
  boxes.sort((a, b) => a.order - b.order);
  return boxes.slice(0, limit).map((box, rank) => ({ rle: boxRle(box, width, height), score: -rank }));
}

/** A filled box as a column-major COCO RLE, built directly from runs. */
function boxRle(box: { x: number; y: number; w: number; h: number }, width: number, height: number): Rle {
  const counts: number[] = [];
  // Columns before the box: all zeros; each box column: zeros above, ones, zeros below.
  let zeros = box.x * height + box.y;
  for (let column = 0; column < box.w; column++) {
    counts.push(zeros, box.h);
    zeros = height - box.h;
  }
  zeros = height - box.y - box.h + (width - box.x - box.w) * height;
  counts.push(zeros);
  return { height, width, counts };
}
