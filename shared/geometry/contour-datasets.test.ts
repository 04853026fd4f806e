// maskToPolygons on real instance masks: coco128 (COCO polygons, rasterised the COCO way) and
// pennfudan (pycocotools RLEs). The simplified polygons, rasterised back, must match the masks.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CocoRle, FlatPolygon } from '../api/types';
import { datasetsAvailable, datasetsDir, datasetsSkipReason } from '../../test/support/shared-data';
import { decodeRle, fromCocoRle, maskToPolygons, polygonsToRle, ringsToRle, rleArea, rleIou, type Rle } from './index';

interface Annotations {
  images: { id: number; width: number; height: number }[];
  annotations: { image_id: number; segmentation: FlatPolygon[] | CocoRle }[];
}

function instanceMasks(set: string): Rle[] {
  const file = JSON.parse(readFileSync(resolve(datasetsDir, set, 'annotations.json'), 'utf8')) as Annotations;
  const sizes = new Map(file.images.map((image) => [image.id, image]));
  return file.annotations.map((annotation) => {
    const { width, height } = sizes.get(annotation.image_id)!;
    const segmentation = annotation.segmentation;
    return Array.isArray(segmentation) ? polygonsToRle(segmentation, height, width) : fromCocoRle(segmentation);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

describe.skipIf(!datasetsAvailable)('maskToPolygons on real masks', () => {
  if (!datasetsAvailable) console.log(datasetsSkipReason);

  for (const set of ['coco128', 'pennfudan']) {
    test(`${set}: median IoU of re-rasterised polygons >= 0.97 at the default tolerance; exact at 0`, () => {
      const rles = instanceMasks(set).filter((rle) => rleArea(rle) > 0);
      expect(rles.length).toBeGreaterThan(100);
      const ious: number[] = [];
      let vertices = 0;
      let exact = 0;
      for (const rle of rles) {
        const mask = decodeRle(rle);
        const polygons = maskToPolygons(mask);
        for (const ring of polygons) expect(ring.length).toBeGreaterThanOrEqual(6);
        vertices += polygons.reduce((sum, ring) => sum + ring.length / 2, 0);
        ious.push(polygons.length === 0 ? 0 : rleIou([ringsToRle(polygons, rle.height, rle.width)], [rle], [false])[0][0]);
        const traced = ringsToRle(maskToPolygons(mask, { tolerance: 0 }), rle.height, rle.width);
        if (JSON.stringify(traced.counts) === JSON.stringify(rle.counts)) exact++;
      }
      const medianIou = median(ious);
      console.log(
        `${set}: ${rles.length} instances, median IoU ${medianIou.toFixed(4)}, mean IoU ${(ious.reduce((a, b) => a + b, 0) / ious.length).toFixed(4)}, ` +
          `mean vertices per instance ${(vertices / rles.length).toFixed(1)}, exact unsimplified round trips ${exact}/${rles.length}`,
      );
      expect(medianIou).toBeGreaterThanOrEqual(0.97);
      expect(exact).toBe(rles.length);
    });
  }
});
