// Colours on the canvas and in the lists. Proposals have one style of their own: a white dashed
// outline over a dark one (light white fill on hover or selection), a colour no category gets (the
// palette is saturated). Decided instances take their category's colour, or a neutral cyan while
// unassigned; rejected ones are grey.
//
// Category colours: the palette is shared (shared/coco/colors.ts): categories are ranked in id
// order (the order of keys 1-9) and the n-th gets the n-th palette colour, golden-angle hues kept
// away from the unassigned cyan. The host stores the same palette colour for new and imported
// categories. A colour stored with the category is shown as is when the user picked it; automatic
// ones are replaced by the palette colour of the category's rank (ranks shift when a category is
// deleted). Automatic: the palette's own, what this file gave before it, and what imports gave
// before they used the palette (golden angle over the file's category id: COCO's ids are sparse,
// so vase 86, airplane 5 and dog 18 all landed on magenta; the host renumbers imported categories,
// so any id's colour counts, not only the category's).
import type { Category, Instance } from '../../../shared/api/types';
import { hslToHex, paletteColor, UNASSIGNED_COLOR } from '../../../shared/coco/colors';

export { hslToHex, hueDistance, paletteColor, paletteHue, UNASSIGNED_COLOR } from '../../../shared/coco/colors';

/** Outline of every proposal (with a dark outline beneath it); never a category colour. */
export const PROPOSAL_COLOR = '#ffffff';
export const PROPOSAL_DASH: readonly number[] = [7, 4];
export const REJECTED_COLOR = '#888888';

/** How many palette, legacy and import colours count as automatic (COCO ids stop at 90; more categories are rare). */
const AUTOMATIC_COLORS_CHECKED = 1024;

/** The colour a new category is created with: the palette colour of the rank it will have. */
export function defaultCategoryColor(index: number): string {
  return paletteColor(index);
}

/** What this file gave new categories before the palette (hue by index, one lightness): automatic too. */
function legacyDefaultColor(index: number): string {
  return hslToHex((index * 137.508) % 360, 0.7, 0.55);
}

/** What imports gave a category without a colour before the palette: hue by the file's category id. */
function legacyImportColor(id: number): string {
  return hslToHex((((id * 137.50776405003785) % 360) + 360) % 360, 0.7, 0.5);
}

let automaticColors: Set<string> | null = null;
function isAutomaticColor(category: Category): boolean {
  automaticColors ??= new Set(
    Array.from({ length: AUTOMATIC_COLORS_CHECKED }, (_, i) => [paletteColor(i), legacyDefaultColor(i), legacyImportColor(i)]).flat(),
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
