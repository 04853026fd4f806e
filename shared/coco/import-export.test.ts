import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import type { Category, FlatPolygon, Instance } from '../api/types';
import { decodeRle, encodeMask, fromCocoRle, maskToPolygons, polygonsToRle, ringsToRle, rleArea, rleIou, toCocoRle } from '../geometry';
import { hueDistance, paletteColor, paletteHue } from './colors';
import { projectToCoco, UNASSIGNED_CATEGORY_NAME, type ProjectExportInput } from './export';
import { cocoToProject, type ProjectImageContent } from './import';
import { parseCocoDataset } from './validate';

const WIDTH = 30;
const HEIGHT = 20;

function maskFrom(predicate: (x: number, y: number) => boolean, width = WIDTH, height = HEIGHT) {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = predicate(x, y) ? 1 : 0;
  return encodeMask({ width, height, data });
}

function instance(id: string, polygons: FlatPolygon[], rle = polygonsToRle(polygons, HEIGHT, WIDTH), extra: Partial<Instance> = {}): Instance {
  return {
    id,
    polygons,
    rle: toCocoRle(rle),
    score: null,
    status: 'accepted',
    source: 'manual',
    categoryId: 1,
    modelVersion: null,
    ...extra,
  };
}

const categories: Category[] = [
  { id: 1, name: 'person', color: '#ff0000' },
  { id: 4, name: 'cup', color: '#00aa33' },
];

// A 12x10 ring-shaped object: square with a 4x4 hole (polygons cannot express it under COCO's union).
const ringMask = maskFrom((x, y) => x >= 15 && x < 27 && y >= 5 && y < 15 && !(x >= 19 && x < 23 && y >= 8 && y < 12));
// A blob whose simplified polygons do not reproduce it exactly (as the model's proposals).
const blobMask = maskFrom((x, y) => (x - 8) ** 2 + (y - 12) ** 2 <= 25);

function project(): ProjectExportInput {
  const images: ProjectImageContent[] = [
    {
      fileName: 'street/a.jpg',
      width: WIDTH,
      height: HEIGHT,
      instances: [
        instance('coco-5', [[2, 2, 12, 2, 12, 10, 2, 10]]),
        instance('user-1', [[20, 1, 24, 1, 24, 3], [0, 15, 3, 15, 3, 19, 0, 19]], undefined, { status: 'edited', categoryId: 4 }),
        instance('user-2', maskToPolygons(decodeRle(ringMask), { tolerance: 0 }), ringMask),
        instance('user-3', maskToPolygons(decodeRle(blobMask)), blobMask, { categoryId: 4 }),
        instance('user-4', [[0, 0, 4, 0, 4, 4]], undefined, { status: 'proposed', source: 'model', score: 0.8, modelVersion: 'v1', categoryId: null }),
        instance('user-5', [[5, 5, 9, 5, 9, 9]], undefined, { status: 'rejected', source: 'model', score: 0.3, modelVersion: 'v1' }),
      ],
    },
    {
      fileName: 'b.png',
      width: WIDTH,
      height: HEIGHT,
      instances: [instance('coco-2', [], maskFrom((x, y) => y >= 10 && (x + y) % 3 !== 0), { isCrowd: true })],
    },
    { fileName: 'empty.png', width: WIDTH, height: HEIGHT, instances: [] },
  ];
  return { images, categories };
}

const roundTrip = (input: ProjectExportInput) => cocoToProject(parseCocoDataset(JSON.parse(JSON.stringify(projectToCoco(input)))));

describe('projectToCoco', () => {
  test('exports accepted and edited instances only by default; proposed on request; rejected never', () => {
    const ids = (onlyAccepted?: boolean) => projectToCoco({ ...project(), onlyAccepted }).annotations.map((a) => a.id);
    expect(ids()).toEqual([5, 6, 7, 8, 2]);
    expect(ids(true)).toEqual([5, 6, 7, 8, 2]);
    expect(ids(false)).toEqual([5, 6, 7, 8, 9, 2]);
  });

  test('polygons when COCO rasterisation of them reproduces the mask; RLE for holes, crowd and simplified outlines', () => {
    const dataset = projectToCoco(project());
    const [square, twoParts, ring, blob, crowd] = dataset.annotations;
    expect(square.segmentation).toEqual([[2, 2, 12, 2, 12, 10, 2, 10]]);
    expect(twoParts.segmentation).toHaveLength(2);
    expect(ring.segmentation).toEqual(toCocoRle(ringMask));
    expect(blob.segmentation).toEqual(toCocoRle(blobMask));
    expect(crowd.segmentation).toMatchObject({ size: [HEIGHT, WIDTH] });
    expect(crowd.iscrowd).toBe(1);
    expect(square.iscrowd).toBe(0);
  });

  test('area and bbox are COCO`s, from the mask', () => {
    const [square, , ring] = projectToCoco(project()).annotations;
    // COCO rasterises the (2,2)-(12,10) square to pixels x 2..11, y 2..9: 10 x 8.
    expect(square.area).toBe(80);
    expect(square.bbox).toEqual([2, 2, 10, 8]);
    expect(ring.area).toBe(12 * 10 - 4 * 4);
    expect(ring.bbox).toEqual([15, 5, 12, 10]);
  });

  test('a tolerance lets simplified outlines go as polygons, but never rings with holes', () => {
    const dataset = projectToCoco({ ...project(), polygonTolerance: 0.2 });
    const [, , ring, blob] = dataset.annotations;
    expect(Array.isArray(blob.segmentation)).toBe(true);
    const iou = rleIou([polygonsToRle(blob.segmentation as number[][], HEIGHT, WIDTH)], [fromCocoRle(toCocoRle(blobMask))], [false])[0][0];
    expect(iou).toBeGreaterThanOrEqual(0.8);
    expect(Array.isArray(ring.segmentation)).toBe(false);
  });

  test('ids: imported instances keep their COCO id, others get fresh ids above the largest; images are numbered in order', () => {
    const dataset = projectToCoco(project());
    expect(dataset.annotations.map((a) => a.id)).toEqual([5, 6, 7, 8, 2]);
    expect(dataset.images.map((image) => [image.id, image.file_name])).toEqual([
      [1, 'street/a.jpg'],
      [2, 'b.png'],
      [3, 'empty.png'],
    ]);
    expect(dataset.annotations.map((a) => a.image_id)).toEqual([1, 1, 1, 1, 2]);
  });

  test('instances without a category go to an "object" category added for them', () => {
    const dataset = projectToCoco({ ...project(), onlyAccepted: false });
    expect(dataset.categories.at(-1)).toEqual({ id: 5, name: UNASSIGNED_CATEGORY_NAME });
    expect(dataset.annotations.find((a) => a.id === 9)).toMatchObject({ category_id: 5 });
  });

  test('unassigned: "omit" leaves instances without a category out, and adds no "object" category', () => {
    const dataset = projectToCoco({ ...project(), onlyAccepted: false, unassigned: 'omit' });
    expect(dataset.annotations.map((a) => a.id)).toEqual([5, 6, 7, 8, 2]);
    expect(dataset.categories.map((category) => category.name)).toEqual(['person', 'cup']);
  });

  test('standard COCO by default: no score on annotations; includeScore writes the model score', () => {
    const standard = projectToCoco({ ...project(), onlyAccepted: false });
    expect(standard.annotations.some((a) => 'score' in a)).toBe(false);
    const scored = projectToCoco({ ...project(), onlyAccepted: false, includeScore: true });
    expect(scored.annotations.find((a) => a.id === 9)).toMatchObject({ category_id: 5, score: 0.8 });
    expect(scored.annotations.filter((a) => 'score' in a)).toHaveLength(1); // instances without a score get none
  });

  test('refuses an unknown category or a mask of the wrong size, naming the instance', () => {
    const unknown = project();
    unknown.images[0].instances[0].categoryId = 99;
    expect(() => projectToCoco(unknown)).toThrow(
      new ApiError('INVALID_ARGUMENT', "image 'street/a.jpg', instance 'coco-5': category 99 does not exist", {
        image: 'street/a.jpg',
        instance: 'coco-5',
      }),
    );
    const wrongSize = project();
    wrongSize.images[1].width = 31;
    expect(() => projectToCoco(wrongSize)).toThrow("image 'b.png', instance 'coco-2': mask is 30x20 but the image is 31x20");
    const corrupt = project();
    corrupt.images[0].instances[1].rle = { size: [HEIGHT, WIDTH], counts: '3~' };
    expect(() => projectToCoco(corrupt)).toThrow(/^image 'street\/a\.jpg', instance 'user-1': RLE string has an invalid character "~"/);
  });
});

describe('export -> JSON -> parse -> import', () => {
  test('gives back the same images, categories and masks', () => {
    const input = project();
    const imported = roundTrip(input);
    expect(imported.categories).toEqual(categories);
    expect(imported.images.map(({ fileName, width, height }) => ({ fileName, width, height }))).toEqual(
      input.images.map(({ fileName, width, height }) => ({ fileName, width, height })),
    );
    input.images.forEach((image, i) => {
      const kept = image.instances.filter((inst) => inst.status === 'accepted' || inst.status === 'edited');
      const back = imported.images[i].instances;
      expect(back).toHaveLength(kept.length);
      kept.forEach((original, k) => {
        expect(fromCocoRle(back[k].rle)).toEqual(fromCocoRle(original.rle)); // masks identical, pixel for pixel
        expect(back[k].categoryId).toBe(original.categoryId);
        expect(back[k].isCrowd ?? false).toBe(original.isCrowd ?? false);
        expect(back[k]).toMatchObject({ status: 'accepted', source: 'manual', score: null, modelVersion: null });
      });
    });
    // Polygon instances keep their polygons exactly.
    expect(imported.images[0].instances[0].polygons).toEqual([[2, 2, 12, 2, 12, 10, 2, 10]]);
    expect(imported.images[0].instances.map((inst) => inst.id)).toEqual(['coco-5', 'coco-6', 'coco-7', 'coco-8']);
  });

  test('exporting the imported project again gives the identical dataset (stable ids, stable choices)', () => {
    const first = projectToCoco(project());
    const again = projectToCoco({ ...roundTrip(project()) });
    expect(again).toEqual(first);
  });
});

describe('cocoToProject', () => {
  test('imports every annotation as an accepted manual instance; RLE annotations get traced polygons', () => {
    const counts = toCocoRle(ringMask);
    const imported = cocoToProject(
      parseCocoDataset({
        images: [{ id: 3, file_name: 'x.jpg', width: WIDTH, height: HEIGHT }],
        categories: [{ id: 2, name: 'bike' }],
        annotations: [
          { id: 40, image_id: 3, category_id: 2, segmentation: counts, iscrowd: 0 },
          { id: 41, image_id: 3, category_id: 2, segmentation: [[1, 1, 5, 1, 5, 5], [10, 1, 14, 1, 14, 5, 10, 5]] },
        ],
      }),
    );
    expect(imported.categories).toEqual([{ id: 2, name: 'bike', color: paletteColor(0) }]);
    const [ring, polygons] = imported.images[0].instances;
    expect(ring).toMatchObject({ id: 'coco-40', rle: counts, status: 'accepted', source: 'manual', score: null, modelVersion: null, categoryId: 2 });
    expect(ring.isCrowd).toBeUndefined();
    // Traced outer ring plus hole: even-odd fill comes close to the mask (simplified at 1.5 px).
    const traced = ringsToRle(ring.polygons, HEIGHT, WIDTH);
    expect(rleIou([traced], [ringMask], [false])[0][0]).toBeGreaterThan(0.85);
    expect(ring.polygons.length).toBe(2);
    // Polygons: COCO union of the parts.
    expect(fromCocoRle(polygons.rle)).toEqual(polygonsToRle([[1, 1, 5, 1, 5, 5], [10, 1, 14, 1, 14, 5, 10, 5]], HEIGHT, WIDTH));
    expect(rleArea(fromCocoRle(polygons.rle))).toBeGreaterThan(0);
  });

  test('category colours are kept when present, else the palette colour of the category\'s position in the file', () => {
    const dataset = parseCocoDataset({
      images: [],
      annotations: [],
      categories: [
        { id: 1, name: 'a', color: '#123456' },
        { id: 2, name: 'b' },
      ],
    });
    expect(cocoToProject(dataset).categories).toEqual([
      { id: 1, name: 'a', color: '#123456' },
      { id: 2, name: 'b', color: paletteColor(1) },
    ]);
    expect(paletteColor(1)).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set([0, 1, 2, 3, 4, 5, 6, 7].map(paletteColor)).size).toBe(8);
  });

  test('COCO vase (86), airplane (5) and dog (18) get distinct colours, not one magenta by id', () => {
    const dataset = parseCocoDataset({ images: [], annotations: [], categories: [{ id: 86, name: 'vase' }, { id: 5, name: 'airplane' }, { id: 18, name: 'dog' }] });
    const colors = cocoToProject(dataset).categories.map((category) => category.color);
    expect(colors).toEqual([paletteColor(0), paletteColor(1), paletteColor(2)]);
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]]) expect(hueDistance(paletteHue(a), paletteHue(b))).toBeGreaterThan(35);
  });
});
