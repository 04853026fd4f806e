// `maskpilot import` on real folders: a YOLO dataset folder (with its own images/, never read), a
// folder of LabelMe files with the format told from them, a COCO file; a bad label file exits 1
// naming the file and line, and the project's annotations on disk stay as they were.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { openProject } from '../services/project';
import { makeTempFolder, writeImage } from '../services/project/test-helpers';
import { main } from './main';

let root: string;
let photos: string;
let stdout = '';
let stderr = '';

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

beforeAll(async () => {
  root = await makeTempFolder('maskpilot-import-cli-');
  photos = join(root, 'photos');
  await writeImage(join(photos, 'a.jpg'), 40, 30);
  await writeImage(join(photos, 'sub/b.png'), 20, 50);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => vi.restoreAllMocks());

/** Runs the command with its output captured in `stdout` and `stderr` (this run's only). */
async function run(...args: string[]): Promise<number> {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return await main(['import', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
}

async function saved(imageId: string) {
  const project = await openProject(photos);
  try {
    return await project.getAnnotations({ imageId });
  } finally {
    await project.close();
  }
}

describe('maskpilot import', () => {
  test('a YOLO dataset folder: labels matched by name, the dataset images never read, a label of an image not here listed as skipped', async () => {
    const dataset = join(root, 'yolo');
    await put(join(dataset, 'data.yaml'), 'path: .\ntrain: images/train\nval: images/train\nnames:\n  0: cat\n  1: dog\n');
    await put(join(dataset, 'labels/train/a.txt'), '0 0.1 0.1 0.5 0.1 0.5 0.5\n1 0.5 0.5 0.9 0.5 0.9 0.9\n');
    await put(join(dataset, 'labels/train/b.txt'), '1 0 0 1 0 1 1\n');
    await put(join(dataset, 'labels/train/zzz.txt'), '0 0 0 1 0 1 1\n');
    await put(join(dataset, 'images/train/a.jpg'), 'not even an image: never read');
    expect(await run(photos, '--format', 'yolo-seg', '--from', dataset)).toBe(0);
    expect(stdout).toContain(`Imported 3 annotations on 2 images from ${dataset} (YOLO segmentation)`);
    expect(stdout).toContain('new categories: cat, dog');
    expect(stdout).toContain('skipped 1 image not in the folder:\n    labels/train/zzz.txt');
    const a = await saved('a.jpg');
    expect(a.instances.map((instance) => [instance.id, instance.status, instance.polygons[0]])).toEqual([
      ['yolo-1', 'accepted', [4, 3, 20, 3, 20, 15]],
      ['yolo-2', 'accepted', [20, 15, 36, 15, 36, 27]],
    ]);
    expect((await saved('sub/b.png')).instances[0].polygons[0]).toEqual([0, 0, 20, 0, 20, 50]);
  });

  test('a folder of LabelMe files, the format told from them; importing again replaces instead of duplicating', async () => {
    const labelme = join(root, 'labelme');
    const shapes = [{ label: 'Cat', points: [[2, 2], [12, 2], [12, 20]], group_id: null, shape_type: 'polygon', flags: {} }];
    await put(join(labelme, 'sub/b.json'), JSON.stringify({ version: '5.4.1', flags: {}, shapes, imagePath: 'b.png', imageData: null, imageHeight: 50, imageWidth: 20 }));
    expect(await run(photos, '--from', labelme)).toBe(0);
    expect(stdout).toContain('Imported 1 annotation on 1 image');
    expect(stdout).toContain('(LabelMe JSON)');
    expect(stdout).toContain('1 image already had annotations: kept, the imported ones added');
    expect(stdout).not.toContain('new categories'); // "Cat" is the project's "cat"
    expect((await saved('sub/b.png')).instances.map((instance) => instance.id)).toEqual(['yolo-1', 'labelme-1']);
    expect(await run(photos, '--from', join(labelme, 'sub/b.json'), '--format', 'labelme')).toBe(0);
    expect(stdout).toContain('1 annotation from an earlier import of the same files replaced');
    expect((await saved('sub/b.png')).instances).toHaveLength(2);
  });

  test('a bad line: exit 1, the file and line said, nothing saved', async () => {
    const dataset = join(root, 'bad-yolo');
    await put(join(dataset, 'data.yaml'), 'names: [cat]\n');
    await put(join(dataset, 'labels/a.txt'), '0 0 0 1 0 1 1\n');
    await put(join(dataset, 'labels/sub/b.txt'), '0 0 0 1 0 1 1\n\n3 0 0 1 0 1 1\n');
    const before = (await readdir(join(photos, '.maskpilot/annotations'))).sort();
    const revision = (await saved('a.jpg')).revision;
    expect(await run(photos, '--from', dataset)).toBe(1);
    expect(stderr).toContain('maskpilot import: labels/sub/b.txt line 3: class 3, but data.yaml names 1 class (0 to 0)');
    expect((await readdir(join(photos, '.maskpilot/annotations'))).sort()).toEqual(before);
    expect((await saved('a.jpg')).revision).toBe(revision);
  });

  test('a COCO file; usage errors exit 2, a missing --from or undetectable files exit 1 with the reason', async () => {
    const coco = join(root, 'coco.json');
    await put(coco, JSON.stringify({ images: [{ id: 1, file_name: 'elsewhere/a.jpg', width: 40, height: 30 }], annotations: [], categories: [] }));
    expect(await run(photos, '--from', coco)).toBe(0);
    expect(stdout).toContain('Imported 0 annotations on 1 image');
    expect(await run(photos)).toBe(2);
    expect(stderr).toContain('--from <path> is required');
    expect(await run(photos, '--from', coco, '--format', 'voc')).toBe(2);
    expect(await run(photos, '--from', join(root, 'nothing-here'))).toBe(1);
    expect(stderr).toContain('no such file or folder');
    await put(join(root, 'pictures-only/a.jpg'), 'x');
    expect(await run(photos, '--from', join(root, 'pictures-only'))).toBe(1);
    expect(stderr).toContain('pictures-only holds no .json, .yaml or .txt files: expected a COCO .json file');
  });
});
