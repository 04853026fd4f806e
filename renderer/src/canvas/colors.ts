// Colours on the canvas and in the lists. Proposals have one style of their own: a white dashed
// outline over a dark one (light white fill on hover or selection), a colour no category gets (the
// palette is saturated). Decided instances take their category's colour, or a neutral cyan while
// unassigned; rejected ones are grey.
//
// Category colours: categories are ranked in id order (the order of keys 1-9) and the n-th gets the
// n-th palette colour, hues stepped by the golden angle (so any N are well separated; lightness
// cycles too, for the rare pairs that land close in hue) and kept away from the unassigned cyan.
// A colour stored with the category is shown as is when the user picked it; the automatic ones are
// replaced by the palette colour of the category's rank. Automatic: this palette's own, what this
// file gave before it, and the imports' colour by id (shared/coco/colors.ts: golden angle over the
// file's category id; COCO's ids are sparse, so vase 86, airplane 5 and dog 18 all land on magenta,
// and the host renumbers imported categories, so any id's colour counts, not only the category's).
import type { Category, Instance } from '../../../shared/api/types';
import { categoryColor as importColorForId } from '../../../shared/coco/colors';

/** Outline of every proposal (with a dark outline beneath it); never a category colour. */
export const PROPOSAL_COLOR = '#ffffff';
export const PROPOSAL_DASH: readonly number[] = [7, 4];
export const UNASSIGNED_COLOR = '#4fc3f7';
export const REJECTED_COLOR = '#888888';

const GOLDEN_ANGLE_DEGREES = 137.50776405003785;
/** The first hue; with it the first 13 steps all keep clear of the reserved band without skipping. */
const START_HUE = 25;
/** Hue of UNASSIGNED_COLOR (degrees) and how far palette hues keep from it. */
const UNASSIGNED_HUE = 199;
const RESERVED_HUE_RADIUS = 16;
const LIGHTNESS_CYCLE = [0.56, 0.7, 0.45] as const;
/** How many palette, legacy and import colours count as automatic (COCO ids stop at 90; more categories are rare). */
const AUTOMATIC_COLORS_CHECKED = 1024;

/** Degrees between two hues on the wheel (0..180). */
export function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** The hue (degrees) of the n-th palette colour: golden-angle steps, skipping the reserved band. */
export function paletteHue(rank: number): number {
  let found = -1;
  for (let step = 0; ; step++) {
    const hue = (START_HUE + step * GOLDEN_ANGLE_DEGREES) % 360;
    if (hueDistance(hue, UNASSIGNED_HUE) < RESERVED_HUE_RADIUS) continue;
    found += 1;
    if (found === rank) return hue;
  }
}

/** "#rrggbb": the colour of the category ranked `rank` (0-based, id order). */
export function paletteColor(rank: number): string {
  return hslToHex(paletteHue(rank), 0.75, LIGHTNESS_CYCLE[rank % LIGHTNESS_CYCLE.length]);
}

/** The colour a new category is created with: the palette colour of the rank it will have. */
export function defaultCategoryColor(index: number): string {
  return paletteColor(index);
}

/** What this file gave new categories before the palette (hue by index, one lightness): automatic too. */
function legacyDefaultColor(index: number): string {
  return hslToHex((index * 137.508) % 360, 0.7, 0.55);
}

let automaticColors: Set<string> | null = null;
function isAutomaticColor(category: Category): boolean {
  automaticColors ??= new Set(
    Array.from({ length: AUTOMATIC_COLORS_CHECKED }, (_, i) => [paletteColor(i), legacyDefaultColor(i), importColorForId(i)]).flat(),
  );
  return automaticColors.has(category.color.toLowerCase());
}

const displayColorsCache = new WeakMap<Record<number, Category>, Record<number, string>>();

/** The colour each category is drawn in, by id (see the top of this file); cached per categories object. */
export function categoryDisplayColors(categories: Record<number, Category>): Record<number, string> {
  const cached = displayColorsCache.get(categories);
  if (cached) return cached;
  const colors: Record<number, string> = {};
  Object.values(categories)
    .sort((a, b) => a.id - b.id)
    .forEach((category, rank) => {
      colors[category.id] = isAutomaticColor(category) ? paletteColor(rank) : category.color;
    });
  displayColorsCache.set(categories, colors);
  return colors;
}

export function categoryDisplayColor(categoryId: number | null, categories: Record<number, Category>): string {
  if (categoryId === null) return UNASSIGNED_COLOR;
  return categoryDisplayColors(categories)[categoryId] ?? UNASSIGNED_COLOR;
}

export function instanceColor(instance: Instance, categories: Record<number, Category>): string {
  if (instance.status === 'rejected') return REJECTED_COLOR;
  if (instance.status === 'proposed') return PROPOSAL_COLOR;
  return categoryDisplayColor(instance.categoryId, categories);
}

/** hue in degrees, saturation and lightness in [0, 1]: the CSS Color 4 hsl() conversion. */
export function hslToHex(h: number, s: number, l: number): string {
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
