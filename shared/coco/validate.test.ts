import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import { encodeMask, rleToString } from '../geometry';
import { parseCocoDataset } from './validate';

type Json = Record<string, unknown>;

/** A small valid dataset: two images, two categories, a polygon, a compressed RLE and a crowd RLE. */
function dataset(): { images: Json[]; annotations: Json[]; categories: Json[]; info?: unknown; licenses?: unknown } {
  // 4x3 image; a 2x2 square at x 1..2, y 0..1 (column-major: columns of height 3).
  const square = new Uint8Array([0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]); // row-major 4 wide
  const rle = encodeMask({ width: 4, height: 3, data: square });
  return {
    info: { description: 'test' },
    licenses: [{ id: 1, name: 'CC0', url: 'https://example.org' }],
    images: [
      { id: 1, file_name: 'a.jpg', width: 4, height: 3, license: 1 },
      { id: 2, file_name: 'b.jpg', width: 10, height: 10 },
    ],
    categories: [
      { id: 1, name: 'person', supercategory: 'person' },
      { id: 7, name: 'cup' },
    ],
    annotations: [
      { id: 10, image_id: 2, category_id: 1, segmentation: [[1, 1, 5, 1, 5, 5, 1, 5]], area: 16, bbox: [1, 1, 4, 4], iscrowd: 0 },
      { id: 11, image_id: 1, category_id: 7, segmentation: { size: [3, 4], counts: rleToString(rle) }, area: 4, bbox: [1, 0, 2, 2], iscrowd: 0 },
      { id: 12, image_id: 1, category_id: 1, segmentation: { size: [3, 4], counts: [3, 2, 7] }, area: 2, bbox: [1, 0, 1, 2], iscrowd: 1 },
    ],
  };
}

function expectInvalid(json: unknown, message: string | RegExp, details?: Record<string, unknown>): void {
  let caught: unknown;
  try {
    parseCocoDataset(json);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected parseCocoDataset to throw').toBeInstanceOf(ApiError);
  const error = caught as ApiError;
  expect(error.code).toBe('INVALID_COCO');
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  if (details) expect(error.details).toEqual(details);
}

describe('parseCocoDataset accepts valid COCO', () => {
  test('keeps every field it knows and the segmentation kinds as given', () => {
    const parsed = parseCocoDataset(dataset());
    expect(parsed.info).toEqual({ description: 'test' });
    expect(parsed.licenses).toEqual([{ id: 1, name: 'CC0', url: 'https://example.org' }]);
    expect(parsed.images[0]).toEqual({ id: 1, file_name: 'a.jpg', width: 4, height: 3, license: 1 });
    expect(parsed.categories).toEqual([
      { id: 1, name: 'person', supercategory: 'person' },
      { id: 7, name: 'cup' },
    ]);
    expect(parsed.annotations.map((a) => a.iscrowd)).toEqual([0, 0, 1]);
    expect(parsed.annotations[2].segmentation).toEqual({ size: [3, 4], counts: [3, 2, 7] });
  });

  test('fills area and bbox from the mask when the file omits them, and iscrowd 0', () => {
    const json = dataset();
    for (const annotation of json.annotations) {
      delete annotation.area;
      delete annotation.bbox;
      delete annotation.iscrowd;
    }
    const parsed = parseCocoDataset(json);
    // The polygon square (1,1)-(5,5) covers pixels 1..4 in x and y under COCO's rasteriser: 16 px.
    expect(parsed.annotations.map((a) => a.area)).toEqual([16, 4, 2]);
    expect(parsed.annotations.map((a) => a.bbox)).toEqual([
      [1, 1, 4, 4],
      [1, 0, 2, 2],
      [1, 0, 1, 2],
    ]);
    expect(parsed.annotations.map((a) => a.iscrowd)).toEqual([0, 0, 0]);
  });

  test('info and licenses are optional (cocoeval ground truth often has neither)', () => {
    const json = dataset();
    delete json.info;
    delete json.licenses;
    expect(parseCocoDataset(json).licenses).toBeUndefined();
  });

  test('does not alias the input', () => {
    const json = dataset();
    const parsed = parseCocoDataset(json);
    ((json.annotations[0].segmentation as number[][])[0] as number[])[0] = 99;
    expect((parsed.annotations[0].segmentation as number[][])[0][0]).toBe(1);
  });
});

describe('parseCocoDataset rejects malformed COCO with a precise error', () => {
  test('not an object', () => {
    expectInvalid('hello', 'dataset: must be a JSON object, got "hello"', { path: 'dataset' });
    expectInvalid([], /dataset: is a JSON array; expected a COCO dataset object/);
  });

  test('missing keys', () => {
    const noImages: Json = { ...dataset() };
    delete noImages.images;
    expectInvalid(noImages, "dataset: missing key 'images'", { path: 'dataset.images' });
    const json = dataset();
    delete json.annotations[1].image_id;
    expectInvalid(json, "annotations[1] (id 11): missing key 'image_id'", { path: 'annotations[1].image_id', id: 11 });
    const noWidth = dataset();
    delete noWidth.images[1].width;
    expectInvalid(noWidth, "images[1] (id 2): missing key 'width'", { path: 'images[1].width', id: 2 });
    const noId = dataset();
    delete noId.annotations[2].id;
    expectInvalid(noId, "annotations[2]: missing key 'id'", { path: 'annotations[2].id' });
    const noSegmentation = dataset();
    delete noSegmentation.annotations[0].segmentation;
    expectInvalid(noSegmentation, "annotations[0] (id 10): missing key 'segmentation'");
  });

  test('wrong types', () => {
    expectInvalid({ ...dataset(), images: {} }, "dataset: 'images' must be an array, got an object");
    const json = dataset();
    json.images[0].file_name = 3;
    expectInvalid(json, "images[0] (id 1): 'file_name' must be a string, got 3");
    const name = dataset();
    name.categories[1].name = null;
    expectInvalid(name, "categories[1] (id 7): 'name' must be a string, got null");
    const bbox = dataset();
    bbox.annotations[0].bbox = '1,1,4,4';
    expectInvalid(bbox, /annotations\[0\] \(id 10\): 'bbox' must be \[x, y, width, height\], got "1,1,4,4"/);
    const segmentation = dataset();
    segmentation.annotations[0].segmentation = 'polygon';
    expectInvalid(segmentation, /annotations\[0\] \(id 10\): 'segmentation' must be polygons \(an array\) or an RLE object/);
    const crowd = dataset();
    crowd.annotations[0].iscrowd = 2;
    expectInvalid(crowd, "annotations[0] (id 10): 'iscrowd' must be 0 or 1, got 2");
    const stringId = dataset();
    stringId.annotations[0].id = '10';
    expectInvalid(stringId, `annotations[0]: 'id' must be an integer >= 0, got "10"`);
  });

  test('negative, zero and non-integer image sizes', () => {
    for (const [key, value] of [
      ['width', -4],
      ['height', 0],
      ['width', 10.5],
    ] as const) {
      const json = dataset();
      json.images[1][key] = value;
      expectInvalid(json, `images[1] (id 2): '${key}' must be an integer >= 1, got ${value}`, { path: `images[1].${key}`, id: 2 });
    }
  });

  test('polygons with fewer than 3 points, odd length, or none', () => {
    const short = dataset();
    short.annotations[0].segmentation = [[1, 1, 5, 1, 5, 5, 1, 5], [0, 0, 2, 2]];
    expectInvalid(short, 'annotations[0] (id 10): polygon 1 has 2 points, needs >= 3', {
      path: 'annotations[0].segmentation[1]',
      id: 10,
    });
    const odd = dataset();
    odd.annotations[0].segmentation = [[1, 1, 5, 1, 5, 5, 1]];
    expectInvalid(odd, 'annotations[0] (id 10): polygon 0 has an odd number of coordinates (7); expected x, y pairs');
    const none = dataset();
    none.annotations[0].segmentation = [];
    expectInvalid(none, 'annotations[0] (id 10): segmentation has no polygons');
    const notRing = dataset();
    notRing.annotations[0].segmentation = [1, 1, 5, 1, 5, 5];
    expectInvalid(notRing, 'annotations[0] (id 10): polygon 0 must be an array of numbers, got 1');
  });

  test('NaN and Infinity anywhere numbers are expected', () => {
    const coordinate = dataset();
    coordinate.annotations[0].segmentation = [[1, 1, 5, Number.NaN, 5, 5]];
    expectInvalid(coordinate, 'annotations[0] (id 10): polygon 0, coordinate 3 must be a finite number, got NaN');
    const area = dataset();
    area.annotations[1].area = Number.POSITIVE_INFINITY;
    expectInvalid(area, "annotations[1] (id 11): 'area' must be a finite number >= 0, got Infinity");
    const bbox = dataset();
    bbox.annotations[1].bbox = [0, 0, Number.NaN, 1];
    expectInvalid(bbox, 'annotations[1] (id 11): bbox[2] must be a finite number, got NaN');
    const score = dataset();
    score.annotations[1].score = Number.NEGATIVE_INFINITY;
    expectInvalid(score, "annotations[1] (id 11): 'score' must be a finite number, got -Infinity");
  });

  test('negative area and bbox size', () => {
    const area = dataset();
    area.annotations[0].area = -1;
    expectInvalid(area, "annotations[0] (id 10): 'area' must be a finite number >= 0, got -1");
    const bbox = dataset();
    bbox.annotations[0].bbox = [0, 0, -2, 1];
    expectInvalid(bbox, "annotations[0] (id 10): 'bbox' has negative size [-2, 1]");
  });

  test('unknown image and category ids', () => {
    const image = dataset();
    image.annotations[2].image_id = 3;
    expectInvalid(image, "annotations[2] (id 12): image_id 3 is not in 'images'", { path: 'annotations[2].image_id', id: 12 });
    const category = dataset();
    category.annotations[0].category_id = 2;
    expectInvalid(category, "annotations[0] (id 10): category_id 2 is not in 'categories'");
  });

  test('duplicate ids and file names', () => {
    const images = dataset();
    images.images[1].id = 1;
    expectInvalid(images, 'images[1] (id 1): duplicate id: images[0] has the same id', { path: 'images[1].id', id: 1 });
    const annotations = dataset();
    annotations.annotations[2].id = 10;
    expectInvalid(annotations, 'annotations[2] (id 10): duplicate id: annotations[0] has the same id');
    const categories = dataset();
    categories.categories[1].id = 1;
    expectInvalid(categories, 'categories[1] (id 1): duplicate id: categories[0] has the same id');
    const files = dataset();
    files.images[1].file_name = 'a.jpg';
    expectInvalid(files, 'images[1] (id 2): file_name "a.jpg" is already used by images[0]');
  });

  test('RLE whose counts do not sum to height * width', () => {
    const uncompressed = dataset();
    uncompressed.annotations[2].segmentation = { size: [3, 4], counts: [3, 2, 6] };
    expectInvalid(uncompressed, 'annotations[2] (id 12): RLE counts sum to 11, expected height * width = 3 * 4 = 12', {
      path: 'annotations[2].segmentation.counts',
      id: 12,
    });
    const compressed = dataset();
    compressed.annotations[1].segmentation = { size: [3, 4], counts: rleToString({ height: 3, width: 4, counts: [3, 2, 7] }).slice(0, -1) };
    expectInvalid(compressed, /^annotations\[1\] \(id 11\): RLE counts string is malformed: RLE counts sum to 5, expected height\*width = 12$/);
    const negative = dataset();
    negative.annotations[2].segmentation = { size: [3, 4], counts: [3, -2, 11] };
    expectInvalid(negative, 'annotations[2] (id 12): RLE count 1 must be an integer >= 0, got -2');
  });

  test('RLE strings with characters outside COCO alphabet', () => {
    const json = dataset();
    json.annotations[1].segmentation = { size: [3, 4], counts: '3~2' };
    expectInvalid(json, /^annotations\[1\] \(id 11\): RLE counts string is malformed: .*invalid character "~"/);
  });

  test('RLE whose size differs from its image', () => {
    const json = dataset();
    json.annotations[2].segmentation = { size: [4, 3], counts: [3, 2, 7] };
    expectInvalid(json, "annotations[2] (id 12): RLE size [4, 3] differs from its image's [height, width] [3, 4]", {
      path: 'annotations[2].segmentation.size',
      id: 12,
    });
    const bad = dataset();
    bad.annotations[2].segmentation = { size: [3], counts: [3, 2, 7] };
    expectInvalid(bad, "annotations[2] (id 12): RLE 'size' must be [height, width] with positive integers, got [3]");
  });

  test('category colours must be #rrggbb', () => {
    const json = dataset();
    json.categories[0].color = 'red';
    expectInvalid(json, `categories[0] (id 1): 'color' must look like "#rrggbb", got "red"`);
  });
});
