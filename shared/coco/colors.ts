// Display colours for categories that arrive without one. Deterministic in the category id, so the
// same dataset always looks the same; consecutive ids land far apart on the colour wheel (golden
// angle), so neighbouring categories stay distinguishable.

const GOLDEN_ANGLE_DEGREES = 137.50776405003785;

/** "#rrggbb" for a category id (any integer). */
export function categoryColor(id: number): string {
  const hue = (((id * GOLDEN_ANGLE_DEGREES) % 360) + 360) % 360;
  return hslToHex(hue, 0.7, 0.5);
}

/** hue in degrees, saturation and lightness in [0, 1]; the CSS Color 4 hsl() conversion. */
function hslToHex(hue: number, saturation: number, lightness: number): string {
  const amplitude = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const value = lightness - amplitude * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
