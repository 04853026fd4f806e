// Importing the real datasets in ../shared/datasets: do the masks we build agree with the areas and
// bboxes the files state? What the files state, measured (see the README there):
//  - pennfudan (compressed RLE, pycocotools-made): area and bbox are COCO's own RLE area and
//    toBbox, so ours must equal them exactly;
//  - coco128 polygons (COCO's own annotations): `area` is the polygons' shoelace area and `bbox` the
//    polygons' extent, NOT the rasterised mask's. Rasterisation moves the area only along the
//    outline: measured |mask area - area| <= 0.231 x perimeter, and the mask's bbox lies within the
//    polygon bbox grown by 0.5 px;
//  - coco128 crowd regions (COCO's official iscrowd RLE): bbox is toBbox minus one pixel in width
//    and height (COCO's crowd convention, exactly), and area is larger than the RLE's own area.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { datasetsDir, datasetsSkipReason } from '../../test/support/shared-data';
import { fromCocoRle, rleArea, rleBbox, type Rle } from '../geometry';
import { projectToCoco } from './export';
import { cocoToProject, instanceIdForAnnotation, type ProjectContent } from './import';
import type { CocoAnnotation, CocoDataset } from './schema';
import { segmentationToRle } from './segmentation';
import { parseCocoDataset } from './validate';

const cocoPath = resolve(datasetsDir, 'coco128/annotations_with_crowd.json');
const pennPath = resolve(datasetsDir, 'pennfudan/annotations.json');
const present = existsSync(cocoPath) && existsSync(pennPath);
if (!present) console.warn(`import-datasets: skipped, ${datasetsSkipReason}`);

function load(path: string): { dataset: CocoDataset; project: ProjectContent; masks: Map<number, Rle> } {
  const dataset = parseCocoDataset(JSON.parse(readFileSync(path, 'utf8')));
  const project = cocoToProject(dataset);
  const byId = new Map(project.images.flatMap((image) => image.instances).map((instance) => [instance.id, instance]));
  const masks = new Map(dataset.annotations.map((a) => [a.id, fromCocoRle(byId.get(instanceIdForAnnotation(a.id))!.rle)]));
  return { dataset, project, masks };
}

function polygonGeometry(annotation: CocoAnnotation): { area: number; perimeter: number; bbox: number[] } {
  let area = 0;
  let perimeter = 0;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of annotation.segmentation as number[][]) {
    let twiceArea = 0;
    for (let k = 0; k < ring.length; k += 2) {
      const j = (k + 2) % ring.length;
      twiceArea += ring[k] * ring[j + 1] - ring[j] * ring[k + 1];
      perimeter += Math.hypot(ring[j] - ring[k], ring[j + 1] - ring[k + 1]);
      [x0, x1, y0, y1] = [Math.min(x0, ring[k]), Math.max(x1, ring[k]), Math.min(y0, ring[k + 1]), Math.max(y1, ring[k + 1])];
    }
    area += Math.abs(twiceArea) / 2;
  }
  return { area, perimeter, bbox: [x0, y0, x1 - x0, y1 - y0] };
}

describe.skipIf(!present)('importing the real datasets', () => {
  test('pennfudan: area and bbox of every imported mask equal the file exactly', () => {
    const { dataset, masks } = load(pennPath);
    expect(dataset.annotations).toHaveLength(423);
    for (const annotation of dataset.annotations) {
      const mask = masks.get(annotation.id)!;
      expect(rleArea(mask), `annotation ${annotation.id}`).toBe(annotation.area);
      expect(rleBbox(mask), `annotation ${annotation.id}`).toEqual(annotation.bbox);
    }
  });

  test('coco128 polygons: the file states polygon area and extent; masks agree within the outline band', () => {
    const { dataset, masks } = load(cocoPath);
    const polygonal = dataset.annotations.filter((a) => Array.isArray(a.segmentation));
    expect(polygonal).toHaveLength(929);
    const relativeDifferences: number[] = [];
    for (const annotation of polygonal) {
      const geometry = polygonGeometry(annotation);
      expect(Math.abs(geometry.area - annotation.area) / annotation.area, `area of ${annotation.id}`).toBeLessThan(1e-9);
      geometry.bbox.forEach((value, k) => expect(Math.abs(value - annotation.bbox[k]), `bbox of ${annotation.id}`).toBeLessThan(1e-9));

      const mask = masks.get(annotation.id)!;
      const maskArea = rleArea(mask);
      expect(Math.abs(maskArea - annotation.area), `mask area of ${annotation.id}`).toBeLessThanOrEqual(0.25 * geometry.perimeter);
      relativeDifferences.push(Math.abs(maskArea - annotation.area) / annotation.area);
      const [x, y, width, height] = rleBbox(mask);
      const [bx, by, bw, bh] = annotation.bbox;
      expect(x, `bbox of ${annotation.id}`).toBeGreaterThanOrEqual(bx - 0.5);
      expect(y).toBeGreaterThanOrEqual(by - 0.5);
      expect(x + width).toBeLessThanOrEqual(bx + bw + 0.5);
      expect(y + height).toBeLessThanOrEqual(by + bh + 0.5);
    }
    relativeDifferences.sort((a, b) => a - b);
    // Measured median 0.23 %: the mask is the polygon, up to pixels along its outline.
    expect(relativeDifferences[Math.floor(relativeDifferences.length / 2)]).toBeLessThan(0.005);
  });

  test('coco128 crowd regions: bbox is COCO`s crowd convention (toBbox minus 1 px), area at least the mask`s', () => {
    const { dataset, project, masks } = load(cocoPath);
    const crowd = dataset.annotations.filter((a) => a.iscrowd === 1);
    expect(crowd).toHaveLength(10);
    for (const annotation of crowd) {
      const mask = masks.get(annotation.id)!;
      const [x, y, width, height] = rleBbox(mask);
      expect(annotation.bbox, `bbox of ${annotation.id}`).toEqual([x, y, width - 1, height - 1]);
      expect(annotation.area).toBeGreaterThanOrEqual(rleArea(mask));
    }
    const crowdInstances = project.images.flatMap((image) => image.instances).filter((instance) => instance.isCrowd === true);
    expect(crowdInstances).toHaveLength(10);
  });

  test('coco128 exports back to its own polygons, pennfudan to its own RLE strings', () => {
    for (const path of [cocoPath, pennPath]) {
      const { dataset, project } = load(path);
      const exported = projectToCoco(project);
      const original = new Map(dataset.annotations.map((a) => [a.id, a]));
      expect(exported.annotations).toHaveLength(dataset.annotations.length);
      for (const annotation of exported.annotations) {
        const source = original.get(annotation.id)!;
        const image = dataset.images.find((candidate) => candidate.id === source.image_id)!;
        const exportedMask = segmentationToRle(annotation.segmentation, image.height, image.width);
        if (source.iscrowd === 1) expect(exportedMask).toEqual(segmentationToRle(source.segmentation, image.height, image.width));
        else expect(annotation.segmentation, `annotation ${annotation.id}`).toEqual(source.segmentation);
        expect(annotation.category_id).toBe(source.category_id);
        expect(annotation.iscrowd).toBe(source.iscrowd);
      }
    }
  });
});
