import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hueDistance, paletteColor, paletteHue } from '../../../shared/coco/colors';
import { openProject } from './project-service';
import type { ProjectService } from './project-service';
import { errorOf, makeTempFolder, rectangleInstance, rectangleRle, writeImage } from './test-helpers';

let folder: string;
let project: ProjectService;

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-coco-');
  await writeImage(join(folder, 'street/a.jpg'), 40, 30);
  await writeImage(join(folder, 'b.png'), 20, 10);
  await writeImage(join(folder, 'rotated.jpg'), 40, 30, { orientation: 6 });
});

afterEach(async () => {
  await project?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('exportCoco / importCoco', () => {
  test('a round trip through COCO restores masks, categories and oriented sizes in a fresh project', async () => {
    project = await openProject(folder);
    const person = await project.saveCategory({ name: 'person' });
    const a = rectangleInstance('m1', 40, 30, { categoryId: person.id });
    const proposed = rectangleInstance('m2', 40, 30, { status: 'proposed', score: 0.7 });
    const rotated = rectangleInstance('r1', 30, 40, { categoryId: null });
    await project.saveAnnotations({ imageId: 'street/a.jpg', instances: [a, proposed], status: 'done' });
    await project.saveAnnotations({ imageId: 'rotated.jpg', instances: [rotated] });
    const exported = await project.exportCoco({});
    expect(exported).toMatchObject({ imageCount: 3, annotationCount: 2 });
    const dataset = JSON.parse(exported.json);
    expect(dataset.images.map((image: { file_name: string; width: number; height: number }) => [image.file_name, image.width, image.height])).toEqual([
      ['b.png', 20, 10],
      ['rotated.jpg', 30, 40],
      ['street/a.jpg', 40, 30],
    ]);
    expect((await project.exportCoco({ onlyAccepted: false })).annotationCount).toBe(3);
    await project.close();

    await rm(join(folder, '.maskpilot'), { recursive: true });
    project = await openProject(folder);
    const result = await project.importCoco({ json: exported.json });
    expect(result).toEqual({ imageCount: 3, annotationCount: 2, skippedImages: [] });
    const categories = await project.listCategories({});
    expect(categories.map((category) => category.name).sort()).toEqual(['object', 'person']);
    const restored = await project.getAnnotations({ imageId: 'street/a.jpg' });
    expect(restored.status).toBe('done');
    expect(restored.instances).toHaveLength(1);
    expect(restored.instances[0].rle).toEqual(a.rle);
    expect(restored.instances[0].categoryId).toBe(categories.find((category) => category.name === 'person')?.id);
    expect((await project.getAnnotations({ imageId: 'rotated.jpg' })).instances[0].rle).toEqual(rotated.rle);
    // Importing the same file again changes nothing but the revision: instances are matched by id.
    await project.importCoco({ json: exported.json });
    expect((await project.getAnnotations({ imageId: 'street/a.jpg' })).instances).toHaveLength(1);
  });

  test('import keeps existing work, matches file names by unique suffix and reports the rest as skipped', async () => {
    project = await openProject(folder);
    const mine = rectangleInstance('mine', 20, 10);
    await project.saveAnnotations({ imageId: 'b.png', instances: [mine] });
    const rle = rectangleRle(20, 10, 2, 2, 8, 6);
    const coco = {
      images: [
        { id: 1, file_name: 'C:\\photos\\b.png', width: 20, height: 10 },
        { id: 2, file_name: 'elsewhere/unknown.jpg', width: 5, height: 5 },
      ],
      annotations: [{ id: 7, image_id: 1, category_id: 3, segmentation: rle, area: 24, bbox: [2, 2, 6, 4], iscrowd: 0 }],
      categories: [{ id: 3, name: 'Dog' }],
    };
    const result = await project.importCoco({ json: JSON.stringify(coco) });
    expect(result).toEqual({ imageCount: 1, annotationCount: 1, skippedImages: ['elsewhere/unknown.jpg'] });
    const saved = await project.getAnnotations({ imageId: 'b.png' });
    expect(saved.instances.map((instance) => instance.id)).toEqual(['mine', 'coco-7']);
    expect(saved.instances[1].rle).toEqual(rle);
  });

  test('invalid input saves nothing: bad JSON, bad COCO, a size mismatch', async () => {
    project = await openProject(folder);
    const good = {
      images: [{ id: 1, file_name: 'b.png', width: 20, height: 10 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[1, 1, 5, 1, 5, 5]], area: 8, bbox: [1, 1, 4, 4], iscrowd: 0 }],
      categories: [{ id: 1, name: 'cat' }],
    };
    expect((await errorOf(project.importCoco({ json: '{"images": [' }))).code).toBe('INVALID_COCO');
    expect((await errorOf(project.importCoco({ json: JSON.stringify({ ...good, annotations: [{ ...good.annotations[0], image_id: 9 }] }) }))).code).toBe('INVALID_COCO');
    const mismatch = await errorOf(
      project.importCoco({ json: JSON.stringify({ ...good, images: [...good.images, { id: 2, file_name: 'street/a.jpg', width: 30, height: 40 }] }) }),
    );
    expect(mismatch.code).toBe('INVALID_COCO');
    expect(mismatch.message).toContain('street/a.jpg');
    expect((await errorOf(project.importCoco({ json: 42 } as never))).code).toBe('INVALID_ARGUMENT');
    expect(await readdir(join(folder, '.maskpilot/annotations'))).toEqual([]);
    expect(await project.listCategories({})).toEqual([]);
  });
});

describe('category colours', () => {
  test('imported categories without a colour are stored in the palette colour of their position in the project: vase, airplane and dog distinct, none like an existing one', async () => {
    project = await openProject(folder);
    const existing = await project.saveCategory({ name: 'person' });
    expect(existing.color).toBe(paletteColor(0));
    const rectangle = { segmentation: [[2, 2, 12, 2, 12, 10, 2, 10]], area: 80, bbox: [2, 2, 10, 8], iscrowd: 0 };
    const coco = {
      images: [{ id: 1, file_name: 'street/a.jpg', width: 40, height: 30 }],
      categories: [{ id: 86, name: 'vase' }, { id: 5, name: 'airplane' }, { id: 18, name: 'dog' }, { id: 2, name: 'bicycle', color: '#123456' }],
      annotations: [86, 5, 18, 2].map((categoryId, index) => ({ id: index + 1, image_id: 1, category_id: categoryId, ...rectangle })),
    };
    await project.importCoco({ json: JSON.stringify(coco) });
    const colors = Object.fromEntries((await project.listCategories({})).map((category) => [category.name, category.color]));
    expect(colors).toEqual({ person: paletteColor(0), vase: paletteColor(1), airplane: paletteColor(2), dog: paletteColor(3), bicycle: '#123456' });
    for (const [a, b] of [[1, 2], [1, 3], [2, 3]]) expect(hueDistance(paletteHue(a), paletteHue(b))).toBeGreaterThan(35);
  });
});
