// Cross-checks against pycocotools output shipped with the datasets: pennfudan's RLEs, areas and
// boxes were written by pycocotools from the same masks its pixel-corner polygons outline.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CocoRle, FlatPolygon } from '../api/types';
import { datasetsAvailable, datasetsDir } from '../../test/support/shared-data';
import { fromCocoRle, fromUncompressedCocoRle, polygonsToRle, ringsToRle, rleArea, rleBbox, rleToString } from './index';

interface Annotations<Segmentation> {
  images: { id: number; width: number; height: number }[];
  annotations: { id: number; image_id: number; area: number; bbox: number[]; segmentation: Segmentation }[];
}

const read = <Segmentation>(path: string) => JSON.parse(readFileSync(resolve(datasetsDir, path), 'utf8')) as Annotations<Segmentation>;

describe.skipIf(!datasetsAvailable)('real COCO annotations', () => {
  test('pennfudan: polygons rasterise to the pycocotools RLEs; area and bbox equal pycocotools values', () => {
    const rles = read<CocoRle>('pennfudan/annotations.json');
    const polygons = read<FlatPolygon[]>('pennfudan/annotations_polygons.json');
    const sizes = new Map(polygons.images.map((image) => [image.id, image]));
    const byId = new Map(rles.annotations.map((annotation) => [annotation.id, annotation]));
    let checked = 0;
    for (const annotation of polygons.annotations) {
      const reference = byId.get(annotation.id)!;
      const { height, width } = sizes.get(annotation.image_id)!;
      const rle = fromCocoRle(reference.segmentation);
      expect(rleToString(polygonsToRle(annotation.segmentation, height, width))).toBe(reference.segmentation.counts);
      expect(ringsToRle(annotation.segmentation, height, width)).toEqual(rle);
      expect(rleArea(rle)).toBe(reference.area);
      expect(rleBbox(rle)).toEqual(reference.bbox);
      checked++;
    }
    expect(checked).toBe(423);
  });

  test('coco128 crowd annotations: uncompressed RLEs parse and cover their image', () => {
    const file = read<FlatPolygon[] | { size: [number, number]; counts: number[] }>('coco128/annotations_with_crowd.json');
    const sizes = new Map(file.images.map((image) => [image.id, image]));
    const crowd = file.annotations.filter((annotation) => !Array.isArray(annotation.segmentation));
    expect(crowd.length).toBe(10);
    for (const annotation of crowd) {
      const rle = fromUncompressedCocoRle(annotation.segmentation as { size: [number, number]; counts: number[] });
      const image = sizes.get(annotation.image_id)!;
      expect([rle.height, rle.width]).toEqual([image.height, image.width]);
      // COCO's crowd `area` fields come from the original annotation tool, not from the RLE; they
      // agree only roughly.
      expect(rleArea(rle)).toBeGreaterThan(annotation.area * 0.6);
      expect(rleArea(rle)).toBeLessThan(annotation.area * 1.1);
    }
  });
});
