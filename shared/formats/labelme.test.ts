import { describe, expect, test } from 'vitest';
import { encodeMask, fromCocoRle, maskToPolygons, rleIou, toCocoRle } from '../geometry';
import type { FormatExport } from './exported-files';
import { projectToLabelme, type LabelmeFileContent } from './labelme-export';
import { labelmeToProject } from './labelme-import';
import { all, any, box, disc, drawMask, instanceOf, not, projectOf } from './test-fixtures';

const W = 64;
const H = 48;

function labelmeFile(result: FormatExport, path: string): LabelmeFileContent {
  const file = result.files.find((candidate) => candidate.path === path);
  if (!file || file.kind !== 'text') throw new Error(`no ${path}`);
  return JSON.parse(file.text) as LabelmeFileContent;
}

const square = drawMask(W, H, box(4, 4, 20, 20));
const blob = drawMask(W, H, disc(44, 30, 12));
const twoParts = drawMask(W, H, any(box(2, 30, 12, 44), box(20, 30, 30, 44)));
const donut = drawMask(W, H, all(box(30, 2, 60, 26), not(box(38, 8, 50, 20))));

describe('LabelMe export', () => {
  const instances = [
    instanceOf('a', square, { categoryId: 2 }),
    instanceOf('b', blob, { categoryId: null }),
    instanceOf('c', twoParts, { categoryId: 4 }),
    instanceOf('d', donut, { categoryId: 1, isCrowd: true }),
    instanceOf('e', blob, { status: 'rejected' }),
  ];
  const result = projectToLabelme(projectOf([{ fileName: 'street/img_001.jpg', width: W, height: H, instances }]));
  const file = labelmeFile(result, 'street/img_001.json');

  test('writes the LabelMe fields, beside the image, with imagePath relative to the JSON', () => {
    expect(Object.keys(file)).toEqual(['version', 'flags', 'shapes', 'imagePath', 'imageData', 'imageHeight', 'imageWidth']);
    expect(file).toMatchObject({ flags: {}, imagePath: 'img_001.jpg', imageData: null, imageHeight: H, imageWidth: W });
    expect(result.images).toEqual([{ fileName: 'street/img_001.jpg', path: 'street/img_001.jpg' }]);
    for (const shape of file.shapes) {
      expect(Object.keys(shape).sort()).toEqual(['description', 'flags', 'group_id', 'label', 'mask', 'points', 'shape_type']);
      expect(shape.shape_type).toBe('polygon');
      expect(shape.points.length).toBeGreaterThanOrEqual(3);
      for (const point of shape.points) expect(point).toHaveLength(2);
    }
  });

  test('labels are category names; unassigned instances are "object"; parts of one instance share a group_id', () => {
    expect(file.shapes.map((shape) => [shape.label, shape.group_id])).toEqual([
      ['dog', null],
      ['object', null],
      ['traffic light', 3],
      ['traffic light', 3],
      ['cat', null], // the donut: its hole bridged into one ring
    ]);
    expect(file.shapes[4].flags).toEqual({ iscrowd: true });
    expect(result.counts).toEqual({ images: 1, instances: 4, unassigned: 1, classes: 4 });
  });

  test('round trip: the same points, categories by name, crowd flag, and masks of the same pixels', () => {
    const content = labelmeToProject([{ path: 'street/img_001.json', json: file }]);
    const image = content.images[0];
    expect(image).toMatchObject({ fileName: 'street/img_001.jpg', width: W, height: H });
    expect(image.instances).toHaveLength(4);
    const names = new Map(content.categories.map((category) => [category.id, category.name]));
    expect(image.instances.map((instance) => names.get(instance.categoryId!))).toEqual(['dog', 'object', 'traffic light', 'cat']);
    // Points exactly as the project's polygons (instances without holes).
    expect(image.instances[0].polygons).toEqual(instances[0].polygons);
    expect(image.instances[1].polygons).toEqual(instances[1].polygons);
    expect(image.instances[2].polygons).toEqual(instances[2].polygons);
    expect(image.instances[3].isCrowd).toBe(true);
    expect(image.instances[0].isCrowd).toBeUndefined();
    // Pixel-corner polygons give back the masks exactly, the donut's hole included.
    for (const [k, mask] of [square, twoParts, donut].entries()) {
      const exact = instanceOf('x', mask, { polygons: maskToPolygons(mask, { tolerance: 0 }) });
      const back = labelmeToProject([{ path: 'a.json', json: labelmeFile(projectToLabelme(projectOf([{ fileName: 'a.jpg', width: W, height: H, instances: [exact] }])), 'a.json') }]);
      expect(back.images[0].instances[0].rle, `shape ${k}`).toEqual(toCocoRle(encodeMask(mask)));
    }
    const blobBack = fromCocoRle(image.instances[1].rle);
    expect(rleIou([blobBack], [encodeMask(blob)], [false])[0][0]).toBeGreaterThan(0.9);
  });
});

describe('LabelMe import', () => {
  const base = { version: '5.4.1', flags: {}, imagePath: '../photos/a.jpg', imageData: null, imageHeight: 40, imageWidth: 50 };
  const polygon = (label: string, points: unknown[][], extra: Record<string, unknown> = {}) => ({ label, points, group_id: null, shape_type: 'polygon', flags: {}, ...extra });

  test('groups shapes by label and group_id, converts rectangles and circles, skips shapes without area', () => {
    const json = {
      ...base,
      shapes: [
        polygon('car', [[1, 1], [10, 1], [10, 10]], { group_id: 5 }),
        polygon('car', [[20, 20], [30, 20], [30, 30]], { group_id: 5 }),
        polygon('person', [[1, 20], [5, 20], [5, 30]], { group_id: 5 }),
        { label: 'sign', points: [[2, 2], [12, 8]], shape_type: 'rectangle', group_id: null, flags: {} },
        { label: 'ball', points: [[25, 10], [30, 10]], shape_type: 'circle', group_id: null, flags: {} },
        { label: 'tip', points: [[3, 3]], shape_type: 'point', group_id: null, flags: {} },
        { label: 'legacy', points: [[0, 0], [4, 0], [4, 4]] }, // LabelMe 3: no shape_type
      ],
    };
    const content = labelmeToProject([{ path: 'labels/a.json', json }]);
    const image = content.images[0];
    expect(image.fileName).toBe('photos/a.jpg');
    expect(image.instances.map((instance) => [instance.id, instance.polygons.length])).toEqual([
      ['labelme-1', 2],
      ['labelme-3', 1],
      ['labelme-4', 1],
      ['labelme-5', 1],
      ['labelme-7', 1],
    ]);
    expect(image.instances[2].polygons[0]).toEqual([2, 2, 12, 2, 12, 8, 2, 8]);
    expect(image.instances[3].polygons[0]).toHaveLength(128);
    expect(content.categories.map((category) => [category.id, category.name])).toEqual([
      [1, 'car'],
      [2, 'person'],
      [3, 'sign'],
      [4, 'ball'],
      [5, 'legacy'],
    ]);
    expect(content.warnings).toEqual(['labels/a.json: 1 point shape skipped (no area)']);
  });

  test('an imagePath leading out of the imported folder, or absolute, keeps the part that can still name the image', () => {
    const fileNames = ['../../images/x.jpg', 'C:\\data\\set\\y.jpg', '/home/me/z.png', 'sub/./w.jpg'].map(
      (imagePath) => labelmeToProject([{ path: 'labels/a.json', json: { ...base, imagePath, shapes: [] } }]).images[0].fileName,
    );
    expect(fileNames).toEqual(['images/x.jpg', 'data/set/y.jpg', 'home/me/z.png', 'labels/sub/w.jpg']);
  });

  test.each<[unknown, string]>([
    [{ ...base, imageWidth: 0, shapes: [] }, 'labels/a.json imageWidth: must be a positive whole number of pixels'],
    [{ ...base, imagePath: '..', shapes: [] }, "labels/a.json imagePath: '..' names no file"],
    [{ ...base, shapes: [polygon('a', [[0, 0], [1, 1]])] }, 'labels/a.json shapes[0].points: a polygon needs at least 3 points, got 2'],
    [{ ...base, shapes: [polygon('a', [[0, 0], [1, 1], [2, 'x']])] }, 'labels/a.json shapes[0].points[2]: must be [x, y]'],
    [{ ...base, shapes: [polygon('', [[0, 0], [1, 1], [2, 2]])] }, 'labels/a.json shapes[0].label: must be a non-empty string'],
    [{ ...base, shapes: [polygon('a', [[0, 0], [1, 1], [2, 2]], { shape_type: 'mask' })] }, "labels/a.json shapes[0].shape_type: 'mask' is not supported"],
    [{ ...base, shapes: [polygon('a', [[0, 0], [1, 1], [2, 2]], { group_id: 'g' })] }, 'labels/a.json shapes[0].group_id: must be a whole number or null'],
    [[1, 2], 'labels/a.json: is not a LabelMe file'],
  ])('a bad record fails the import, named by file and shape (%#)', (json, message) => {
    expect(() => labelmeToProject([{ path: 'labels/ok.json', json: { ...base, shapes: [] } }, { path: 'labels/a.json', json }])).toThrow(message);
  });
});
