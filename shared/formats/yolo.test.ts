import { describe, expect, test } from 'vitest';
import type { Instance } from '../api/types';
import { fromCocoRle, maskToPolygons, ringsToRle, rleIou } from '../geometry';
import type { ExportedFile, FormatExport } from './exported-files';
import { all, any, box, disc, drawMask, instanceOf, not, projectOf } from './test-fixtures';
import { projectToYolo, yoloLabelPath } from './yolo-export';
import { yoloImageStem, yoloToProject } from './yolo-import';
import { parseYoloNames } from './yolo-yaml';

const W = 64;
const H = 48;

function text(result: FormatExport, path: string): string {
  const file = result.files.find((candidate) => candidate.path === path);
  if (!file || file.kind !== 'text') throw new Error(`no text file ${path} in ${result.files.map((f: ExportedFile) => f.path).join(', ')}`);
  return file.text;
}

const shapes = {
  rectangle: drawMask(W, H, box(4, 6, 30, 40)),
  disc: drawMask(W, H, disc(40, 24, 15)),
  donut: drawMask(W, H, all(disc(32, 24, 20), not(disc(32, 24, 9)))),
  twoParts: drawMask(W, H, any(box(2, 2, 20, 20), disc(48, 32, 12))),
  triangle: drawMask(W, H, (x, y) => y > 4 && y < 44 && Math.abs(x - 32) < (y - 4) * 0.7),
};

describe('YOLO segmentation export', () => {
  const instances: Instance[] = [
    instanceOf('a', shapes.rectangle, { categoryId: 2 }),
    instanceOf('b', shapes.disc, { categoryId: 4 }),
    instanceOf('c', shapes.rectangle, { categoryId: null }),
    instanceOf('d', shapes.disc, { status: 'rejected' }),
    instanceOf('e', shapes.disc, { status: 'proposed' }),
    instanceOf('f', shapes.disc, { isCrowd: true }),
  ];
  const result = projectToYolo(projectOf([
    { fileName: 'street/img_001.jpg', width: W, height: H, instances },
    { fileName: 'empty.png', width: W, height: H, instances: [] },
  ]));

  test("follows Ultralytics' documented layout: one line per object, `class x1 y1 ... xn yn`, normalised to [0, 1], >= 3 points", () => {
    const lines = text(result, 'labels/street/img_001.txt').trimEnd().split('\n');
    expect(lines).toHaveLength(3); // a, b, c: rejected, proposed and crowd left out
    for (const line of lines) {
      expect(line).toMatch(/^\d+( (0|1|0\.\d+))+$/);
      const [classIndex, ...coordinates] = line.split(' ').map(Number);
      expect(Number.isInteger(classIndex)).toBe(true);
      expect(coordinates.length % 2).toBe(0);
      expect(coordinates.length).toBeGreaterThanOrEqual(6);
      for (const value of coordinates) expect(value >= 0 && value <= 1).toBe(true);
    }
    // The rectangle's corners, normalised by width and height.
    const rectangle = lines[0].split(' ').slice(1).map(Number);
    const xs = rectangle.filter((_, k) => k % 2 === 0);
    const ys = rectangle.filter((_, k) => k % 2 === 1);
    expect(Math.min(...xs)).toBeCloseTo(4 / W, 6);
    expect(Math.max(...xs)).toBeCloseTo(30 / W, 6);
    expect(Math.min(...ys)).toBeCloseTo(6 / H, 6);
    expect(Math.max(...ys)).toBeCloseTo(40 / H, 6);
  });

  test('class indices are 0-based in ascending category id, unassigned instances go to an added "object" class', () => {
    const lines = text(result, 'labels/street/img_001.txt').trimEnd().split('\n');
    // categories by id: 1 cat, 2 dog, 4 traffic light; then object
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['1', '2', '3']);
    expect(parseYoloNames(text(result, 'data.yaml'))).toEqual(['cat', 'dog', 'traffic light', 'object']);
  });

  test('data.yaml has the keys Ultralytics reads: train, val, nc and names as index: name', () => {
    const yaml = text(result, 'data.yaml');
    expect(yaml).toMatch(/^train: images$/m);
    expect(yaml).toMatch(/^val: images$/m);
    expect(yaml).toMatch(/^nc: 4$/m);
    expect(yaml).toMatch(/^names:\n {2}0: cat\n {2}1: dog\n {2}2: traffic light\n {2}3: object\n/m);
    expect(yaml).not.toMatch(/^path:/m); // a relative `path` would be read against Ultralytics' datasets dir
  });

  test('images go to images/, labels to the parallel labels/ path; an image without objects gets an empty file', () => {
    expect(result.images).toEqual([
      { fileName: 'street/img_001.jpg', path: 'images/street/img_001.jpg' },
      { fileName: 'empty.png', path: 'images/empty.png' },
    ]);
    expect(text(result, 'labels/empty.txt')).toBe('');
    expect(result.counts).toEqual({ images: 2, instances: 3, unassigned: 1, classes: 4 });
    expect(result.skipped).toEqual([{ reason: 'crowd regions (YOLO has no crowd flag)', count: 1 }]);
  });

  test("label paths follow Ultralytics' img2label_paths (the last /images/ becomes /labels/)", () => {
    expect(yoloLabelPath('images/a.jpg')).toBe('labels/a.txt');
    expect(yoloLabelPath('images/x/images/b.v2.png')).toBe('images/x/labels/b.v2.txt');
    expect(yoloImageStem('labels/train/a.txt')).toBe('images/train/a');
  });

  test('vertices outside the image are clamped to its edge', () => {
    const outside = instanceOf('o', drawMask(W, H, box(0, 0, 10, 10)), { polygons: [[-3, -2, 10, -2, 10, 10, -3, 10]] });
    const clamped = projectToYolo(projectOf([{ fileName: 'a.jpg', width: W, height: H, instances: [outside] }]));
    const values = text(clamped, 'labels/a.txt').trim().split(' ').map(Number);
    const expected = [0, 0, 0, 10 / W, 0, 10 / W, 10 / H, 0, 10 / H];
    expect(values).toHaveLength(expected.length);
    values.forEach((value, k) => expect(value).toBeCloseTo(expected[k], 6));
  });

  test('two images whose labels would share a file are refused', () => {
    expect(() =>
      projectToYolo(projectOf([
        { fileName: 'a.jpg', width: W, height: H, instances: [] },
        { fileName: 'a.png', width: W, height: H, instances: [] },
      ])),
    ).toThrow(/'a.jpg' and 'a.png' would both be written to 'labels\/a.txt'/);
  });
});

describe('YOLO round trip', () => {
  test.each(Object.entries(shapes))('%s: the re-imported polygon rasterises with IoU >= 0.99 to the exported polygons', (_name, mask) => {
    const original = instanceOf('x', mask); // polygons traced at the editor's tolerance: outer rings and holes
    const exported = projectToYolo(projectOf([{ fileName: 'images/p.jpg', width: W, height: H, instances: [original] }]));
    const content = yoloToProject({
      names: parseYoloNames(text(exported, 'data.yaml')),
      labels: [{ path: 'labels/images/p.txt', text: text(exported, 'images/labels/p.txt'), image: { fileName: 'images/p.jpg', width: W, height: H } }],
    });
    expect(content.images[0].instances).toHaveLength(1);
    const [imported] = content.images[0].instances;
    expect(imported.categoryId).toBe(1);
    expect(content.categories[0]).toMatchObject({ id: 1, name: 'cat' });
    // The editor's polygons read as outer rings and holes (even-odd), rasterised as COCO does.
    const reference = ringsToRle(original.polygons, H, W);
    const iou = rleIou([fromCocoRle(imported.rle)], [reference], [false])[0][0];
    expect(iou).toBeGreaterThanOrEqual(0.99);
  });

  test('pixel-corner polygons come back exactly', () => {
    const mask = shapes.donut;
    const exact = instanceOf('x', mask, { polygons: [] });
    const exported = projectToYolo(projectOf([{ fileName: 'p.jpg', width: W, height: H, instances: [{ ...exact, polygons: maskToPolygons(mask, { tolerance: 0 }) }] }]));
    const content = yoloToProject({ names: ['cat'], labels: [{ path: 'labels/p.txt', text: text(exported, 'labels/p.txt'), image: { fileName: 'p.jpg', width: W, height: H } }] });
    expect(content.images[0].instances[0].rle).toEqual(exact.rle);
  });
});

describe('YOLO import validation', () => {
  const image = { fileName: 'img_003.jpg', width: 100, height: 50 };
  const importText = (labelText: string, names = ['a', 'b']) => yoloToProject({ names, labels: [{ path: 'labels/img_003.txt', text: labelText, image }] });

  test('reads lines into pixel polygons and masks; blank lines are ignored', () => {
    const content = importText('1 0.1 0.2 0.5 0.2 0.5 0.8\n\n0 0 0 1 0 1 1 0 1\n');
    const [first, second] = content.images[0].instances;
    expect(first).toMatchObject({ id: 'yolo-1', categoryId: 2, status: 'accepted', source: 'manual', score: null });
    expect(first.polygons[0]).toEqual([10, 10, 50, 10, 50, 40]);
    expect(second.id).toBe('yolo-3');
    expect(second.rle.size).toEqual([50, 100]);
    expect(content.categories.map((category) => category.name)).toEqual(['a', 'b']);
  });

  test.each([
    ['0 0.1 0.2 0.3 0.4 0.5\n', 'labels/img_003.txt line 1: 5 coordinates, expected an even number >= 6'],
    ['0 0.1 0.2 0.3 0.4\n', 'line 1: 4 coordinates: a bounding box'],
    ['\n\n\n\n\n\n7 0 0 1 0 1 1\n', 'labels/img_003.txt line 7: class 7, but data.yaml names 2 classes (0 to 1)'],
    ['x 0 0 1 0 1 1\n', "line 1: class index 'x' is not a whole number"],
    ['0 0 0 1 0 1 abc\n', "line 1: y3 'abc' is not a number"],
    ['0 0 0 1.5 0 1 1\n', 'line 1: x2 = 1.5 is outside [0, 1]'],
  ])('%j fails with the file and line', (labelText, message) => {
    expect(() => importText(labelText)).toThrow(message);
  });

  test('nothing is imported when any file is bad: the error comes before any content', () => {
    const good = { path: 'labels/a.txt', text: '0 0 0 1 0 1 1\n', image };
    const bad = { path: 'labels/b.txt', text: '0 0 0 1\n', image };
    expect(() => yoloToProject({ names: ['a'], labels: [good, bad] })).toThrow('labels/b.txt line 1');
  });
});

describe('data.yaml names', () => {
  test.each([
    ['names:\n  0: person\n  1: "traffic light"\n  2: \'it\'\'s\'\n', ['person', 'traffic light', "it's"]],
    ['path: x # root\nnames:\n- person\n- bicycle # two wheels\ntest:\n', ['person', 'bicycle']],
    ["nc: 2\nnames: ['a b', c]\n", ['a b', 'c']],
    ['names: {0: a, 1: b}\n', ['a', 'b']],
    ['nc: 3\n', ['class_0', 'class_1', 'class_2']],
  ])('%j', (yaml, names) => {
    expect(parseYoloNames(yaml)).toEqual(names);
  });

  test.each([
    ['nc: 3\nnames: [a, b]\n', 'data.yaml: nc is 3 but names lists 2 classes'],
    ['names:\n  0: a\n  2: c\n', 'data.yaml line 1: names has no class 1'],
    ['train: images\n', "data.yaml: no 'names'"],
  ])('%j is refused', (yaml, message) => {
    expect(() => parseYoloNames(yaml)).toThrow(message);
  });
});
