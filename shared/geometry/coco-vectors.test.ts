// Every vector in coco-mask-vectors.json was produced by the COCO API's C code (maskApi.c); our
// RLE strings, rasterisation, areas, boxes and IoUs must reproduce all of them.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isCi, referenceDir } from '../../test/support/shared-data';
import {
  decodeRle,
  encodeMask,
  fromCocoRle,
  polygonsToRle,
  rleArea,
  rleBbox,
  rleFromString,
  rleIou,
  rleToString,
  toCocoRle,
  type BinaryMask,
} from './index';

interface PolygonVector {
  height: number;
  width: number;
  polygons: number[][];
  counts: string;
  area: number;
  bbox: number[];
}
interface MaskVector {
  height: number;
  width: number;
  rows: string[];
  counts: string;
  area: number;
  bbox: number[];
}
interface IouVector {
  height: number;
  width: number;
  dt: string[];
  gt: string[];
  iscrowd: number[];
  iou: number[][];
}
interface Vectors {
  polygons: PolygonVector[];
  masks: MaskVector[];
  iou: IouVector[];
}

const vectorsPath = resolve(referenceDir, 'coco-mask-vectors.json');
const present = existsSync(vectorsPath);
const vectors: Vectors | null = present ? (JSON.parse(readFileSync(vectorsPath, 'utf8')) as Vectors) : null;

function maskFromRows(vector: MaskVector): BinaryMask {
  const data = new Uint8Array(vector.width * vector.height);
  vector.rows.forEach((row, y) => {
    for (let x = 0; x < vector.width; x++) data[y * vector.width + x] = row[x] === '1' ? 1 : 0;
  });
  return { width: vector.width, height: vector.height, data };
}

describe('COCO reference vectors (maskApi.c)', () => {
  // In CI the reference data is required: a missing file fails instead of silently skipping.
  test.runIf(isCi && !present)('reference vectors are present in CI', () => {
    expect.fail(`missing ${vectorsPath}`);
  });

  test.skipIf(!present)('file has the expected shape', () => {
    expect(vectors!.polygons).toHaveLength(300);
    expect(vectors!.masks).toHaveLength(100);
    expect(vectors!.iou).toHaveLength(60);
  });

  test.skipIf(!present)('polygons: rasterisation, RLE string, area and bbox match for all 300', () => {
    const failures: string[] = [];
    vectors!.polygons.forEach((vector, i) => {
      const rle = polygonsToRle(vector.polygons, vector.height, vector.width);
      const counts = rleToString(rle);
      if (counts !== vector.counts) failures.push(`#${i} counts ${counts} != ${vector.counts}`);
      if (rleArea(rle) !== vector.area) failures.push(`#${i} area ${rleArea(rle)} != ${vector.area}`);
      if (JSON.stringify(rleBbox(rle)) !== JSON.stringify(vector.bbox)) failures.push(`#${i} bbox ${rleBbox(rle).join()} != ${vector.bbox.join()}`);
    });
    expect(failures).toEqual([]);
  });

  test.skipIf(!present)('masks: encode, string round trip, decode, area and bbox match for all 100', () => {
    const failures: string[] = [];
    vectors!.masks.forEach((vector, i) => {
      const mask = maskFromRows(vector);
      const rle = encodeMask(mask);
      const coco = toCocoRle(rle);
      if (coco.counts !== vector.counts) failures.push(`#${i} counts ${coco.counts} != ${vector.counts}`);
      expect(coco.size).toEqual([vector.height, vector.width]);
      const parsed = fromCocoRle({ size: [vector.height, vector.width], counts: vector.counts });
      expect(parsed.counts).toEqual(rle.counts);
      expect(decodeRle(parsed).data).toEqual(mask.data);
      if (rleArea(parsed) !== vector.area) failures.push(`#${i} area ${rleArea(parsed)} != ${vector.area}`);
      if (JSON.stringify(rleBbox(parsed)) !== JSON.stringify(vector.bbox)) failures.push(`#${i} bbox ${rleBbox(parsed).join()} != ${vector.bbox.join()}`);
    });
    expect(failures).toEqual([]);
  });

  test.skipIf(!present)('IoU (with crowd semantics) matches for all 60 cases to 1e-9', () => {
    let compared = 0;
    vectors!.iou.forEach((vector) => {
      const dt = vector.dt.map((counts) => rleFromString(counts, vector.height, vector.width));
      const gt = vector.gt.map((counts) => rleFromString(counts, vector.height, vector.width));
      const iou = rleIou(
        dt,
        gt,
        vector.iscrowd.map((flag) => flag === 1),
      );
      expect(iou).toHaveLength(vector.iou.length);
      vector.iou.forEach((row, d) => {
        expect(iou[d]).toHaveLength(row.length);
        row.forEach((expected, g) => {
          expect(Math.abs(iou[d][g] - expected)).toBeLessThanOrEqual(1e-9);
          compared++;
        });
      });
      // Re-encoding the parsed strings gives the reference strings back.
      vector.dt.forEach((counts, d) => expect(rleToString(dt[d])).toBe(counts));
    });
    expect(compared).toBeGreaterThan(60);
  });
});
