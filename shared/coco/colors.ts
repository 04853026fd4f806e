// Category colours, one palette for every layer: the host stores it for new and imported
// categories, imports (COCO, YOLO, LabelMe) give it to categories that arrive without a colour, and
// the renderer draws it. The n-th category (0-based, in id order: the order of keys 1-9) gets the
// n-th colour: hues step by the golden angle, so any N of them are well separated, skipping a band
// around the cyan of instances without a category; lightness cycles too, for the rare pairs that
// land close in hue. By position, not by id: COCO's ids are sparse (vase 86, airplane 5 and dog 18
// all land on one magenta by id), positions are not.

/** Instances without a category are drawn in this cyan; no palette colour comes near its hue. */
export const UNASSIGNED_COLOR = '#4fc3f7';

const GOLDEN_ANGLE_DEGREES = 137.50776405003785;
/** The first hue; with it the first 13 steps all keep clear of the reserved band without skipping. */
const START_HUE = 25;
/** Hue of UNASSIGNED_COLOR (degrees) and how far palette hues keep from it. */
const UNASSIGNED_HUE = 199;
const RESERVED_HUE_RADIUS = 16;
const SATURATION = 0.75;
const LIGHTNESS_CYCLE = [0.56, 0.7, 0.45] as const;

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

/** "#rrggbb": the colour of the category at position `rank` (0-based, id order). */
export function paletteColor(rank: number): string {
  return hslToHex(paletteHue(rank), SATURATION, LIGHTNESS_CYCLE[rank % LIGHTNESS_CYCLE.length]);
}

/** hue in degrees, saturation and lightness in [0, 1]; the CSS Color 4 hsl() conversion. */
export function hslToHex(hue: number, saturation: number, lightness: number): string {
  const amplitude = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const value = lightness - amplitude * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
