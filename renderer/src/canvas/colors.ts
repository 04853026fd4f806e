// Colours on the canvas: proposals by score (red = doubtful through amber to green = confident),
// decided instances by their category (or a neutral cyan while unassigned).
import type { Category, Instance } from '../../../shared/api/types';

export const UNASSIGNED_COLOR = '#4fc3f7';
export const REJECTED_COLOR = '#888888';

/** Hue 0 (red) at score 0 to 130 (green) at score 1. */
export function scoreColor(score: number | null): string {
  const s = Math.min(1, Math.max(0, score ?? 1));
  return `hsl(${Math.round(130 * s)}, 85%, 55%)`;
}

export function instanceColor(instance: Instance, categories: Record<number, Category>): string {
  if (instance.status === 'rejected') return REJECTED_COLOR;
  if (instance.status === 'proposed') return scoreColor(instance.score);
  const category = instance.categoryId === null ? undefined : categories[instance.categoryId];
  return category?.color ?? UNASSIGNED_COLOR;
}

/** A default colour for the n-th category: evenly spread hues, readable on the dark canvas. */
export function defaultCategoryColor(index: number): string {
  const hue = (index * 137.508) % 360;
  return hslToHex(hue, 0.7, 0.55);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * value)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
