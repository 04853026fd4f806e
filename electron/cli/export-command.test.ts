import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Instance } from '../../shared/api/types';
import { parseCocoDataset } from '../../shared/coco/validate';
import { labelmeToProject, parseYoloNames, yoloToProject, type InstanceMaskClassMap } from '../../shared/formats';
import { decodeRle, fromCocoRle, rleIou } from '../../shared/geometry';
import { openProject } from '../services/project';
import { makeTempFolder, rectangleInstance, rectangleRle, writeImage } from '../services/project/test-helpers';
import { main } from './main';

let root: string;
let photos: string;
let stdout = '';
let stderr = '';

/** A rectangle [x0, x1) x [y0, y1) as a saved instance: pixel-corner polygon and its exact RLE. */
function rectangle(id: string, width: number, height: number, [x0, y0, x1, y1]: number[], overrides: Partial<Instance> = {}): Instance {
  return { ...rectangleInstance(id, width, height), polygons: [[x0, y0, x1, y0, x1, y1, x0, y1]], rle: rectangleRle(width, height, x0, y0, x1, y1), ...overrides };
}

beforeAll(async () => {
  root = await makeTempFolder('maskpilot-export-');
  photos = join(root, 'photos');
  await writeImage(join(photos, 'a.jpg'), 40, 30);
  await writeImage(join(photos, 'sub/b.png'), 20, 50);
  await writeImage(join(photos, 'c.jpg'), 16, 16); // never annotated
  const project = await openProject(photos);
  try {
    const car = await project.saveCategory({ name: 'car' });
    const tree = await project.saveCategory({ name: 'tree' });
    await project.saveAnnotations({
      imageId: 'a.jpg',
      status: 'done',
      instances: [
        rectangle('i1', 40, 30, [2, 3, 12, 20], { categoryId: tree.id }),
        rectangle('i2', 40, 30, [20, 5, 38, 25], { categoryId: car.id }),
        rectangle('i3', 40, 30, [8, 8, 30, 12], { categoryId: null }), // overlaps both, drawn on top
        rectangle('i4', 40, 30, [0, 0, 5, 5], { status: 'rejected' }),
        rectangle('i5', 40, 30, [0, 25, 5, 30], { status: 'proposed', source: 'model', score: 0.5, modelVersion: 'v1' }),
      ],
    });
    await project.saveAnnotations({
      imageId: 'sub/b.png',
      status: 'inProgress',
      instances: [rectangle('j1', 20, 50, [1, 1, 19, 49], { categoryId: car.id })],
    });
  } finally {
    await project.close();
  }
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.restoreAllMocks();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});

async function exportAs(format: string, out: string, ...extra: string[]): Promise<number> {
  const code = await main(['export', photos, '--format', format, '--out', out, ...extra]);
  vi.restoreAllMocks();
  return code;
}

describe('maskpilot export', () => {
  test('coco: the same dataset as the app exports, to a .json file', async () => {
    const out = join(root, 'out/coco.json');
    expect(await exportAs('coco', out)).toBe(0);
    const dataset = parseCocoDataset(JSON.parse(await readFile(out, 'utf8')));
    expect(dataset.images.map((image) => image.file_name)).toEqual(['a.jpg', 'c.jpg', 'sub/b.png']);
    expect(dataset.annotations).toHaveLength(4);
    expect(dataset.categories.map((category) => category.name)).toEqual(['car', 'tree', 'object']);
    expect(stdout).toContain('Exported 3 images, 4 instances and 3 categories as coco');
    expect(stdout).toContain('1 instance without a category exported as "object"');
  });

  test('yolo-seg: data.yaml, labels and copied images in the Ultralytics layout; labels read back', async () => {
    const out = join(root, 'yolo');
    expect(await exportAs('yolo-seg', out)).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['data.yaml', 'images', 'labels']);
    const names = parseYoloNames(await readFile(join(out, 'data.yaml'), 'utf8'));
    expect(names).toEqual(['car', 'tree', 'object']);
    expect(await readFile(join(out, 'images/sub/b.png'))).toEqual(await readFile(join(photos, 'sub/b.png')));
    const label = await readFile(join(out, 'labels/a.txt'), 'utf8');
    expect(label.trimEnd().split('\n').map((line) => line.split(' ')[0])).toEqual(['1', '0', '2']);
    expect(await readFile(join(out, 'labels/c.txt'), 'utf8')).toBe('');
    const content = yoloToProject({ names, labels: [{ path: 'labels/a.txt', text: label, image: { fileName: 'a.jpg', width: 40, height: 30 } }] });
    const first = content.images[0].instances[0];
    expect(rleIou([fromCocoRle(first.rle)], [fromCocoRle(rectangleRle(40, 30, 2, 3, 12, 20))], [false])[0][0]).toBe(1);
    expect(stdout).toMatch(/as yolo-seg to .*yolo\n {2}4 files written, 3 images copied\n/);
  });

  test('labelme: one JSON beside each copied image; points exact on re-import', async () => {
    const out = join(root, 'labelme');
    expect(await exportAs('labelme', out)).toBe(0);
    const json = JSON.parse(await readFile(join(out, 'a.json'), 'utf8'));
    expect(json).toMatchObject({ imagePath: 'a.jpg', imageData: null, imageWidth: 40, imageHeight: 30 });
    expect(await readFile(join(out, 'a.jpg'))).toEqual(await readFile(join(photos, 'a.jpg')));
    const content = labelmeToProject([{ path: 'a.json', json }]);
    expect(content.images[0].instances.map((instance) => instance.polygons)).toEqual([
      [[2, 3, 12, 3, 12, 20, 2, 20]],
      [[20, 5, 38, 5, 38, 25, 20, 25]],
      [[8, 8, 30, 8, 30, 12, 8, 12]],
    ]);
  });

  test('masks: greyscale PNGs whose pixels are the instance numbers, and masks.json', async () => {
    const out = join(root, 'masks');
    expect(await exportAs('masks', out)).toBe(0);
    const classMap = JSON.parse(await readFile(join(out, 'masks.json'), 'utf8')) as InstanceMaskClassMap;
    const entry = classMap.images.find((image) => image.image === 'a.jpg')!;
    expect(entry.instances.map((instance) => [instance.value, instance.category])).toEqual([
      [1, 'tree'],
      [2, 'car'],
      [3, 'object'],
    ]);
    const png = await readFile(join(out, entry.mask));
    const meta = await sharp(png).metadata();
    expect([meta.channels, meta.depth, meta.width, meta.height]).toEqual([1, 'uchar', 40, 30]);
    const { data } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true }); // sharp reads grey as sRGB otherwise
    // Expected: painted in order, later on top.
    const expected = new Uint8Array(40 * 30);
    [rectangleRle(40, 30, 2, 3, 12, 20), rectangleRle(40, 30, 20, 5, 38, 25), rectangleRle(40, 30, 8, 8, 30, 12)].forEach((rle, k) => {
      const mask = decodeRle(fromCocoRle(rle));
      mask.data.forEach((value, p) => {
        if (value) expected[p] = k + 1;
      });
    });
    expect(new Uint8Array(data)).toEqual(expected);
  });

  test('--only-done keeps images marked done; --include-proposed adds proposals; --no-images copies nothing', async () => {
    const out = join(root, 'done');
    expect(await exportAs('yolo-seg', out, '--only-done', '--include-proposed', '--no-images')).toBe(0);
    expect((await readdir(join(out, 'labels'))).sort()).toEqual(['a.txt']);
    expect((await readFile(join(out, 'labels/a.txt'), 'utf8')).trimEnd().split('\n')).toHaveLength(4);
    expect((await readdir(out)).sort()).toEqual(['data.yaml', 'labels']);
  });

  test('coco is standard (no score) unless --score; --unassigned omit leaves instances without a category out and says so', async () => {
    const standard = join(root, 'standard.json');
    expect(await exportAs('coco', standard, '--include-proposed')).toBe(0);
    expect(JSON.parse(await readFile(standard, 'utf8')).annotations.some((annotation: object) => 'score' in annotation)).toBe(false);
    const scored = join(root, 'scored.json');
    expect(await exportAs('coco', scored, '--include-proposed', '--score')).toBe(0);
    expect(JSON.parse(await readFile(scored, 'utf8')).annotations.map((annotation: { score?: number }) => annotation.score)).toContain(0.5);
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    const omitted = join(root, 'omitted');
    expect(await exportAs('yolo-seg', omitted, '--unassigned', 'omit', '--no-images')).toBe(0);
    expect(parseYoloNames(await readFile(join(omitted, 'data.yaml'), 'utf8'))).toEqual(['car', 'tree']);
    expect(stdout).toContain('left out: 1 without a category');
    expect(stdout).not.toContain('exported as "object"');
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    expect(await exportAs('coco', join(root, 'x.json'), '--unassigned', 'drop')).toBe(2);
    expect(stderr).toContain("--unassigned must be object or omit; got 'drop'");
  });

  test('a dataset written inside the project folder is marked, so its image copies never join the project', async () => {
    const out = join(photos, 'datasets/yolo');
    expect(await exportAs('yolo-seg', out)).toBe(0);
    expect(await readdir(out)).toContain('.maskpilot-export.json');
    const reopened = await openProject(photos);
    try {
      expect((await reopened.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id)).toEqual(['a.jpg', 'c.jpg', 'sub/b.png']);
    } finally {
      await reopened.close();
      await rm(join(photos, 'datasets'), { recursive: true, force: true });
    }
  });

  test('refuses a non-empty --out folder, leaving it as it was', async () => {
    const out = join(root, 'busy');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    expect(await exportAs('labelme', out)).toBe(1);
    expect(stderr).toContain('is not empty');
    expect(await readdir(out)).toEqual(['keep.txt']);
    expect((await readdir(root)).filter((name) => name.endsWith('.mp-export'))).toEqual([]);
  });

  test('usage errors exit 2; a folder without annotations exits 1', async () => {
    expect(await exportAs('pascal', join(root, 'x'))).toBe(2);
    expect(stderr).toContain("--format must be coco, yolo-seg, labelme, masks; got 'pascal'");
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    const empty = await makeTempFolder('maskpilot-export-empty-');
    const code = await main(['export', empty, '--format', 'coco', '--out', join(empty, 'x.json')]);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(stderr).toContain('no MaskPilot annotations');
    await rm(empty, { recursive: true, force: true });
  });
});
