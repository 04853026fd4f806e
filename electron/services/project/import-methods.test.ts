// importAnnotations through the project API, on real folders and real images: YOLO segmentation,
// LabelMe JSON and COCO. Valid imports (matching by file name or name without extension, skipped
// images, categories merged by name, existing work kept); invalid ones name the file and the line or
// record, and leave the project's files on disk exactly as they were.
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { paletteColor } from '../../../shared/coco/colors';
import type { ImportFile } from '../../../shared/formats';
import { openProject } from './project-service';
import type { ProjectService } from './project-service';
import { errorOf, makeTempFolder, rectangleInstance, writeImage } from './test-helpers';

let folder: string;
let project: ProjectService;

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-import-');
  await writeImage(join(folder, 'street/a.jpg'), 40, 30);
  await writeImage(join(folder, 'b.png'), 20, 10);
  project = await openProject(folder);
});

afterEach(async () => {
  await project?.close();
  await rm(folder, { recursive: true, force: true });
});

/** The project's saved state on disk: project.json and every annotation file, by name. */
async function savedOnDisk(): Promise<Record<string, string>> {
  const sidecar = join(folder, '.maskpilot');
  const files: Record<string, string> = {};
  if (existsSync(join(sidecar, 'project.json'))) files['project.json'] = await readFile(join(sidecar, 'project.json'), 'utf8');
  for (const name of await readdir(join(sidecar, 'annotations'))) files[`annotations/${name}`] = await readFile(join(sidecar, 'annotations', name), 'utf8');
  return files;
}

const file = (name: string, text: string): ImportFile => ({ name, text });
const json = (name: string, value: unknown): ImportFile => file(name, JSON.stringify(value));

describe('importAnnotations: YOLO segmentation', () => {
  const yaml = file('data.yaml', 'train: images\nval: images\nnames:\n  0: person\n  1: car\n');

  test('labels are matched by name without extension, read at the image size, categories merged by name; labels of images not here are skipped', async () => {
    const car = await project.saveCategory({ name: 'Car' });
    const result = await project.importAnnotations({
      format: 'yolo-seg',
      files: [
        yaml,
        file('labels/street/a.txt', '0 0.1 0.1 0.5 0.1 0.5 0.5\n1 0.5 0.5 1 0.5 1 1 0.5 1\n'),
        file('labels/b.txt', '1 0 0 0.5 0 0.5 1\n'),
        file('labels/missing.txt', '0 0 0 1 0 1 1\n'),
        file('README.txt', 'not a label file'),
      ],
    });
    expect(result).toEqual({
      format: 'yolo-seg',
      imageCount: 2,
      annotationCount: 3,
      createdCategories: ['person'],
      skippedImages: ['labels/missing.txt'],
      imagesWithExistingInstances: 0,
      replacedInstances: 0,
      warnings: ['README.txt not read (neither data.yaml nor a label file under labels/)'],
    });
    const categories = await project.listCategories({});
    expect(categories).toEqual([car, { id: car.id + 1, name: 'person', color: paletteColor(1) }]);
    const a = await project.getAnnotations({ imageId: 'street/a.jpg' });
    expect(a.status).toBe('done');
    expect(a.instances.map((instance) => [instance.id, instance.categoryId, instance.status, instance.source])).toEqual([
      ['yolo-1', car.id + 1, 'accepted', 'manual'],
      ['yolo-2', car.id, 'accepted', 'manual'],
    ]);
    expect(a.instances[0].polygons).toEqual([[4, 3, 20, 3, 20, 15]]); // fractions of 40x30
    expect((await project.getAnnotations({ imageId: 'b.png' })).instances[0].polygons).toEqual([[0, 0, 10, 0, 10, 10]]);
  });

  test('a bad line names the file and line and nothing is saved, even when the bad file is of an image not in the folder', async () => {
    await project.saveAnnotations({ imageId: 'b.png', instances: [rectangleInstance('mine', 20, 10)] });
    const before = await savedOnDisk();
    const good = file('labels/street/a.txt', '0 0 0 1 0 1 1\n');
    const classTooHigh = await errorOf(
      project.importAnnotations({ format: 'yolo-seg', files: [yaml, good, file('labels/b.txt', '0 0 0 1 0 1 1\n\n7 0 0 1 0 1 1\n')] }),
    );
    expect(classTooHigh.code).toBe('INVALID_ARGUMENT');
    expect(classTooHigh.message).toBe('labels/b.txt line 3: class 7, but data.yaml names 2 classes (0 to 1)');
    const inSkipped = await errorOf(project.importAnnotations({ format: 'yolo-seg', files: [yaml, good, file('labels/missing.txt', '0 0.1 0.2 0.3 0.4\n')] }));
    expect(inSkipped.message).toMatch(/^labels\/missing\.txt line 1: 4 coordinates: a bounding box/);
    const badYaml = await errorOf(project.importAnnotations({ format: 'yolo-seg', files: [file('data.yaml', 'nc: 3\nnames: [a, b]\n'), good] }));
    expect(badYaml.message).toBe('data.yaml: nc is 3 but names lists 2 classes');
    const twoLabels = await errorOf(project.importAnnotations({ format: 'yolo-seg', files: [yaml, good, file('labels/train/street/a.txt', '')] }));
    expect(twoLabels.message).toMatch(/labels\/street\/a\.txt and labels\/train\/street\/a\.txt are both labels of the image 'street\/a\.jpg'/);
    const noYaml = await errorOf(project.importAnnotations({ format: 'yolo-seg', files: [good] }));
    expect(noYaml.message).toMatch(/needs the data\.yaml/);
    expect(await savedOnDisk()).toEqual(before);
    expect(await project.listCategories({})).toEqual([]);
  });
});

describe('importAnnotations: LabelMe JSON', () => {
  const polygon = (label: string, points: number[][], extra: Record<string, unknown> = {}) => ({ label, points, group_id: null, shape_type: 'polygon', flags: {}, ...extra });
  const labelme = (imagePath: string, width: number, height: number, shapes: unknown[]) => ({ version: '5.4.1', flags: {}, shapes, imagePath, imageData: null, imageHeight: height, imageWidth: width });

  test("matched by imagePath (else by the .json's name), existing work kept, re-import replaces instead of duplicating, shapes without area reported", async () => {
    await project.saveCategory({ name: 'person' });
    await project.saveAnnotations({ imageId: 'street/a.jpg', instances: [rectangleInstance('mine', 40, 30)], status: 'inProgress' });
    const files = [
      json('street/a.json', labelme('a.jpg', 40, 30, [polygon('Person', [[1, 1], [10, 1], [10, 10]]), { label: 'tip', points: [[3, 3]], shape_type: 'point', group_id: null, flags: {} }])),
      json('b.json', labelme('renamed-since.png', 20, 10, [{ label: 'sign', points: [[2, 2], [12, 8]], shape_type: 'rectangle', group_id: null, flags: {} }])),
      json('c.json', labelme('../elsewhere/c.jpg', 10, 10, [polygon('dog', [[0, 0], [5, 0], [5, 5]])])),
    ];
    const result = await project.importAnnotations({ format: 'labelme', files });
    expect(result).toEqual({
      format: 'labelme',
      imageCount: 2,
      annotationCount: 2,
      createdCategories: ['sign'], // 'Person' is the project's 'person'; 'dog' is only on the skipped image
      skippedImages: ['elsewhere/c.jpg'],
      imagesWithExistingInstances: 1,
      replacedInstances: 0,
      warnings: ['street/a.json: 1 point shape skipped (no area)'],
    });
    const a = await project.getAnnotations({ imageId: 'street/a.jpg' });
    expect(a.instances.map((instance) => instance.id)).toEqual(['mine', 'labelme-1']);
    expect(a.status).toBe('inProgress'); // as importCoco: only an unvisited image becomes done
    const categories = await project.listCategories({});
    expect(categories.map((category) => category.name)).toEqual(['person', 'sign']);
    expect(a.instances[1].categoryId).toBe(categories[0].id);
    const b = await project.getAnnotations({ imageId: 'b.png' });
    expect(b.instances[0].polygons).toEqual([[2, 2, 12, 2, 12, 8, 2, 8]]);
    expect(b.status).toBe('done');

    const again = await project.importAnnotations({ format: 'labelme', files });
    expect(again).toMatchObject({ imageCount: 2, annotationCount: 2, createdCategories: [], imagesWithExistingInstances: 1, replacedInstances: 2 });
    expect((await project.getAnnotations({ imageId: 'street/a.jpg' })).instances.map((instance) => instance.id)).toEqual(['mine', 'labelme-1']);
  });

  test('a bad shape, bad JSON or a size that is not the image\'s names the file and record; nothing is saved', async () => {
    const before = await savedOnDisk();
    const good = json('b.json', labelme('b.png', 20, 10, [polygon('cat', [[1, 1], [5, 1], [5, 5]])]));
    const cases: [ImportFile, string][] = [
      [json('street/a.json', labelme('a.jpg', 40, 30, [polygon('cat', [[1, 1], [5, 1], [5, 5]]), polygon('cat', [[1, 1], [2, 2]])])), 'street/a.json shapes[1].points: a polygon needs at least 3 points, got 2'],
      [file('street/a.json', '{"shapes": [}'), 'street/a.json is not valid JSON (line 1 column 13'],
      [json('street/a.json', labelme('a.jpg', 30, 40, [])), "street/a.json (image 'street/a.jpg') is 30x40 but 'street/a.jpg' is 40x30"],
    ];
    for (const [bad, message] of cases) {
      const error = await errorOf(project.importAnnotations({ format: 'labelme', files: [good, bad] }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(message);
    }
    expect(await savedOnDisk()).toEqual(before);
    expect(await project.listCategories({})).toEqual([]);
    expect((await project.getAnnotations({ imageId: 'b.png' })).revision).toBe(0);
  });
});

describe('importAnnotations: COCO and the parameters', () => {
  test('COCO as importCoco imports it, with the result in full; its errors name the file', async () => {
    const coco = {
      images: [
        { id: 1, file_name: 'b.png', width: 20, height: 10 },
        { id: 2, file_name: 'gone.jpg', width: 5, height: 5 },
      ],
      annotations: [{ id: 4, image_id: 1, category_id: 1, segmentation: [[1, 1, 9, 1, 9, 9]], area: 32, bbox: [1, 1, 8, 8], iscrowd: 0 }],
      categories: [{ id: 1, name: 'kite' }],
    };
    const result = await project.importAnnotations({ format: 'coco', files: [json('instances.json', coco)] });
    expect(result).toMatchObject({ format: 'coco', imageCount: 1, annotationCount: 1, createdCategories: ['kite'], skippedImages: ['gone.jpg'] });
    expect((await project.getAnnotations({ imageId: 'b.png' })).instances.map((instance) => instance.id)).toEqual(['coco-4']);
    const bad = await errorOf(project.importAnnotations({ format: 'coco', files: [json('instances.json', { ...coco, annotations: [{ ...coco.annotations[0], image_id: 9 }] })] }));
    expect(bad.code).toBe('INVALID_COCO');
    expect(bad.message).toMatch(/^instances\.json: annotations\[0\] \(id 4\)/);
  });

  test('bad parameters are refused before anything is read', async () => {
    const one = [file('a.json', '{}')];
    expect((await errorOf(project.importAnnotations({ format: 'voc' as never, files: one }))).message).toMatch(/format: must be one of 'coco', 'yolo-seg', 'labelme'/);
    expect((await errorOf(project.importAnnotations({ format: 'labelme', files: [] }))).message).toMatch(/files: must hold at least one file/);
    expect((await errorOf(project.importAnnotations({ format: 'labelme', files: [...one, ...one] }))).message).toMatch(/'a.json' is given twice/);
    expect((await errorOf(project.importAnnotations({ format: 'labelme', files: [{ name: 'a.json' }] as never }))).message).toMatch(/files\[0\]\.text/);
    expect((await errorOf(project.importAnnotations({ format: 'coco', files: [file('a.json', '{}'), file('b.json', '{}')] }))).message).toMatch(/COCO import reads one \.json file; 2 were chosen/);
  });
});
