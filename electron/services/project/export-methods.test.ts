import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { parseCocoDataset } from '../../../shared/coco/validate';
import { parseYoloNames } from '../../../shared/formats';
import { EXPORT_MARKER_NAME } from './folder-scan';
import { localTimestamp } from './export-methods';
import { openProject } from './project-service';
import type { ProjectService } from './project-service';
import { errorOf, makeTempFolder, rectangleInstance, rectangleRle, writeImage } from './test-helpers';

let folder: string;
let project: ProjectService;

function rectangle(id: string, [x0, y0, x1, y1]: number[], overrides: Partial<Instance> = {}): Instance {
  return { ...rectangleInstance(id, 40, 30), polygons: [[x0, y0, x1, y0, x1, y1, x0, y1]], rle: rectangleRle(40, 30, x0, y0, x1, y1), ...overrides };
}

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-export-dataset-');
  await writeImage(join(folder, 'a.jpg'), 40, 30);
  await writeImage(join(folder, 'sub/b.jpg'), 40, 30);
  project = await openProject(folder);
  const car = await project.saveCategory({ name: 'car' });
  await project.saveAnnotations({
    imageId: 'a.jpg',
    status: 'done',
    instances: [
      rectangle('i1', [2, 3, 12, 20], { categoryId: car.id, source: 'model', score: 0.9, modelVersion: 'v1' }),
      rectangle('i2', [20, 5, 38, 25], { categoryId: null }),
      rectangle('i3', [0, 0, 5, 5], { status: 'rejected' }),
      rectangle('i4', [0, 25, 5, 30], { status: 'proposed', categoryId: car.id }),
    ],
  });
  await project.saveAnnotations({ imageId: 'sub/b.jpg', status: 'inProgress', instances: [rectangle('j1', [1, 1, 30, 20], { categoryId: car.id, isCrowd: true })] });
});

afterEach(async () => {
  vi.useRealTimers();
  await project?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('exportDataset', () => {
  test('YOLO into exports/yolo-seg-<time>: labels, data.yaml, copied images, the marker; the counts say what was written and left out', async () => {
    const result = await project.exportDataset({ format: 'yolo-seg' });
    expect(result.folder).toMatch(/^exports\/yolo-seg-\d{8}-\d{6}$/);
    expect(result).toMatchObject({ format: 'yolo-seg', images: 2, annotations: 2, categories: 2, unassignedAsObject: 1, files: 3, imagesCopied: 2 });
    // The crowd region cannot be written in YOLO: it is said, not silently dropped.
    expect(result.leftOut).toEqual([{ reason: 'crowd regions (YOLO has no crowd flag)', count: 1 }]);
    const out = join(folder, ...result.folder.split('/'));
    expect((await readdir(out)).sort()).toEqual([EXPORT_MARKER_NAME, 'data.yaml', 'images', 'labels']);
    expect(parseYoloNames(await readFile(join(out, 'data.yaml'), 'utf8'))).toEqual(['car', 'object']);
    expect((await readFile(join(out, 'labels/a.txt'), 'utf8')).trimEnd().split('\n').map((line) => line.split(' ')[0])).toEqual(['0', '1']);
    expect(await readFile(join(out, 'images/sub/b.jpg'))).toEqual(await readFile(join(folder, 'sub/b.jpg')));
    expect(JSON.parse(await readFile(join(out, EXPORT_MARKER_NAME), 'utf8'))).toMatchObject({ exportedBy: 'MaskPilot', format: 'yolo-seg' });
    // No staging folder is left behind.
    expect(await readdir(join(folder, 'exports'))).toEqual([result.folder.split('/')[1]]);
  });

  test('the copied images do not become project images when the folder is opened again', async () => {
    await project.exportDataset({ format: 'yolo-seg' });
    await project.exportDataset({ format: 'labelme' });
    await project.close();
    project = await openProject(folder);
    expect((await project.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id)).toEqual(['a.jpg', 'sub/b.jpg']);
  });

  test('unassigned: "omit" leaves instances without a category out and counts them; no "object" category', async () => {
    const result = await project.exportDataset({ format: 'coco', unassigned: 'omit' });
    expect(result).toMatchObject({ images: 2, annotations: 2, categories: 1, unassignedAsObject: 0, files: 1, imagesCopied: 0 });
    expect(result.leftOut).toEqual([{ reason: 'without a category', count: 1 }]);
    const dataset = parseCocoDataset(JSON.parse(await readFile(join(folder, ...result.folder.split('/'), 'annotations.json'), 'utf8')));
    expect(dataset.categories.map((category) => category.name)).toEqual(['car']);
    expect(dataset.annotations.map((annotation) => annotation.category_id)).toEqual([1, 1]);
  });

  test('COCO is standard by default (no score); includeScore adds it', async () => {
    const read = async (folderName: string) =>
      JSON.parse(await readFile(join(folder, ...folderName.split('/'), 'annotations.json'), 'utf8')) as { annotations: { score?: number }[] };
    const standard = await read((await project.exportDataset({ format: 'coco' })).folder);
    expect(standard.annotations.every((annotation) => !('score' in annotation))).toBe(true);
    const scored = await read((await project.exportDataset({ format: 'coco', includeScore: true })).folder);
    expect(scored.annotations.map((annotation) => annotation.score)).toEqual([0.9, undefined, undefined]); // only the model's instance has one
    // exportCoco (the download) follows the same default.
    expect(JSON.parse((await project.exportCoco({})).json).annotations.some((annotation: object) => 'score' in annotation)).toBe(false);
    expect(JSON.parse((await project.exportCoco({ includeScore: true })).json).annotations[0].score).toBe(0.9);
  });

  test('exportCoco (the dialog\'s download) takes the same choices: done images only, unassigned left out', async () => {
    const download = await project.exportCoco({ onlyDone: true, unassigned: 'omit' });
    expect(download).toMatchObject({ imageCount: 1, annotationCount: 1 });
    expect(JSON.parse(download.json).categories.map((category: { name: string }) => category.name)).toEqual(['car']);
  });

  test('onlyDone exports the images marked done only', async () => {
    const result = await project.exportDataset({ format: 'masks', onlyDone: true });
    expect(result).toMatchObject({ images: 1, annotations: 2 });
    const classMap = JSON.parse(await readFile(join(folder, ...result.folder.split('/'), 'masks.json'), 'utf8')) as { images: { image: string }[] };
    expect(classMap.images.map((image) => image.image)).toEqual(['a.jpg']);
  });

  test('never over an earlier export: the same second gives -2, -3; earlier files stay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 11, 5, 18, 45, 12));
    const first = await project.exportDataset({ format: 'labelme' });
    await writeFile(join(folder, ...first.folder.split('/'), 'mine.txt'), 'notes');
    const [second, third] = await Promise.all([project.exportDataset({ format: 'labelme' }), project.exportDataset({ format: 'labelme' })]);
    expect([first.folder, second.folder, third.folder]).toEqual(['exports/labelme-20261205-184512', 'exports/labelme-20261205-184512-2', 'exports/labelme-20261205-184512-3']);
    expect(await readFile(join(folder, 'exports/labelme-20261205-184512/mine.txt'), 'utf8')).toBe('notes');
  });

  test('refuses unknown formats and policies, naming the field, before writing anything', async () => {
    expect(await errorOf(project.exportDataset({ format: 'pascal' as never }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'format' } });
    expect(await errorOf(project.exportDataset({ format: 'coco', unassigned: 'drop' as never }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'unassigned' } });
    expect(await errorOf(project.exportDataset({ format: 'coco', extra: 1 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(readdir(join(folder, 'exports'))).rejects.toThrow();
  });

  test('an "exports" that is a link (it could lead out of the folder) is not written through', async () => {
    const outside = await makeTempFolder('maskpilot-outside-');
    try {
      await symlink(outside, join(folder, 'exports'));
      expect(await errorOf(project.exportDataset({ format: 'coco' }))).toMatchObject({ code: 'IO_ERROR' });
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  test('a user folder named "exports" keeps its photos listed; the exports inside it are skipped', async () => {
    await project.close();
    await mkdir(join(folder, 'exports'));
    await writeImage(join(folder, 'exports/holiday.jpg'), 8, 8);
    project = await openProject(folder);
    await project.exportDataset({ format: 'labelme' });
    await project.close();
    project = await openProject(folder);
    expect((await project.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id)).toEqual(['a.jpg', 'exports/holiday.jpg', 'sub/b.jpg']);
  });
});

test('localTimestamp: local time, sortable, no characters a file system refuses', () => {
  expect(localTimestamp(new Date(2026, 0, 2, 3, 4, 5))).toBe('20260102-030405');
});
