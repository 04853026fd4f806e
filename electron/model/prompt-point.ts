// The point a single-click model (DeepMask, InstanceFCN: one window centred at a point) segments at.
import type { SegmentPrompt } from '../../shared/api/types';

/** The last positive click, else the box centre. */
export function promptPoint(prompt: SegmentPrompt): { x: number; y: number } {
  const positive = prompt.clicks.filter((click) => click.positive).at(-1);
  if (positive) return { x: positive.x, y: positive.y };
  if (prompt.box) return { x: (prompt.box.x1 + prompt.box.x2) / 2, y: (prompt.box.y1 + prompt.box.y2) / 2 };
  throw new Error('a segment prompt needs a positive click or a box');
}
