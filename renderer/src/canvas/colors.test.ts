// Category colours: N categories get well-separated hues, never the proposals' style; the COCO
// import's colours by id (vase, airplane and dog all magenta) are replaced by the palette's.
import { describe, expect, test } from 'vitest';
import type { Category, Instance } from '../../../shared/api/types';
import { hslToHex } from '../../../shared/coco/colors';
import { categoryDisplayColors, hueDistance, instanceColor, paletteColor, paletteHue, PROPOSAL_COLOR, UNASSIGNED_COLOR } from './colors';

/** What imports stored before the palette: hue by the file's category id (vase, airplane, dog all magenta). */
const importColorForId = (id: number) => hslToHex((((id * 137.50776405003785) % 360) + 360) % 360, 0.7, 0.5);

function hueOf(hex: string): { hue: number; saturation: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const hue = d === 0 ? 0 : max === r ? 60 * (((g - b) / d) % 6) : max === g ? 60 * ((b - r) / d + 2) : 60 * ((r - g) / d + 4);
  return { hue: (hue + 360) % 360, saturation: d };
}

describe('category palette', () => {
  test('the first categories get far-apart hues (golden-angle steps): 8 at least 30° apart, 22 all distinct colours', () => {
    const hues = Array.from({ length: 8 }, (_, rank) => paletteHue(rank));
    for (let i = 0; i < hues.length; i++) for (let j = i + 1; j < hues.length; j++) expect(hueDistance(hues[i], hues[j])).toBeGreaterThanOrEqual(30);
    const colors = Array.from({ length: 22 }, (_, rank) => paletteColor(rank));
    expect(new Set(colors).size).toBe(22);
    // Pairs that land close in hue (at most 22 categories) differ in lightness.
    for (let i = 0; i < 22; i++) for (let j = i + 1; j < 22; j++) if (hueDistance(paletteHue(i), paletteHue(j)) < 10) expect(i % 3).not.toBe(j % 3);
  });

  test('no category colour is the proposals’ (white, unsaturated) or the unassigned cyan', () => {
    for (let rank = 0; rank < 64; rank++) {
      const color = paletteColor(rank);
      expect(color).not.toBe(PROPOSAL_COLOR);
      expect(hueOf(color).saturation).toBeGreaterThan(0.3);
      expect(hueDistance(hueOf(color).hue, hueOf(UNASSIGNED_COLOR).hue)).toBeGreaterThan(10);
    }
  });

  test('COCO categories imported with their colour by id (vase 86, airplane 5, dog 18: all magenta) are shown in distinct palette colours; a picked colour is kept', () => {
    // The host renumbers imported categories (here 5, 18, 86 become 3, 4, 7) and keeps the colour of the file's id.
    const categories: Record<number, Category> = {
      3: { id: 3, name: 'airplane', color: importColorForId(5) },
      4: { id: 4, name: 'dog', color: importColorForId(18) },
      7: { id: 7, name: 'vase', color: importColorForId(86) },
      9: { id: 9, name: 'picked', color: '#123456' },
    };
    const imported = [5, 18, 86].map((id) => hueOf(importColorForId(id)).hue);
    expect(Math.max(...imported) - Math.min(...imported)).toBeLessThan(30); // the problem: one hue
    const shown = categoryDisplayColors(categories);
    expect([shown[3], shown[4], shown[7]]).toEqual([paletteColor(0), paletteColor(1), paletteColor(2)]);
    for (const [a, b] of [[3, 4], [3, 7], [4, 7]]) expect(hueDistance(hueOf(shown[a]).hue, hueOf(shown[b]).hue)).toBeGreaterThan(35);
    expect(shown[9]).toBe('#123456');
    expect(categoryDisplayColors(categories)).toBe(shown); // cached per categories object
  });

  test('proposals are drawn in the proposal colour whatever their category; decided ones in their category’s', () => {
    const categories: Record<number, Category> = { 2: { id: 2, name: 'b', color: paletteColor(1) } };
    const instance = { status: 'proposed', categoryId: 2 } as Instance;
    expect(instanceColor(instance, categories)).toBe(PROPOSAL_COLOR);
    expect(instanceColor({ ...instance, status: 'accepted' }, categories)).toBe(paletteColor(0));
    expect(instanceColor({ ...instance, status: 'accepted', categoryId: null }, categories)).toBe(UNASSIGNED_COLOR);
  });
});
