import { readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ApiEvents } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { Instance, JobProgress, ModelStatus } from '../../../shared/api/types';
import type { ModelProvider, ProviderImage } from '../model-provider';
import { openProject } from './project-service';
import type { ProjectService } from './project-service';
import { makeTempFolder, rectangleInstance, writeImage } from './test-helpers';

async function expectApiError(promise: Promise<unknown>, code: string, field?: string): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe(code);
  if (field !== undefined) expect((error as ApiError).details?.field).toBe(field);
  return error as ApiError;
}

/** A provider that proposes one rectangle per image and records what it was asked. */
class FakeProvider implements ModelProvider {
  calls: string[] = [];
  delayMs = 0;
  status(): ModelStatus {
    return { backend: 'fake', backendNotes: [], modelVersion: 'fake-1', lastLatencyMs: null, ready: true };
  }
  async propose(image: ProviderImage): Promise<Instance[]> {
    this.calls.push(image.path);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return [rectangleInstance('p1', image.width, image.height, { status: 'proposed', source: 'model', score: 0.9, modelVersion: 'fake-1' })];
  }
  async segmentAt(image: ProviderImage): Promise<Instance | null> {
    return rectangleInstance('c1', image.width, image.height, { source: 'click', score: 0.8, modelVersion: 'fake-1' });
  }
  async dispose(): Promise<void> {}
}

let folder: string;
let project: ProjectService;

beforeEach(async () => {
  folder = await makeTempFolder();
  await writeImage(join(folder, 'b/img10.jpg'), 40, 30);
  await writeImage(join(folder, 'b/img2.jpg'), 40, 30);
  await writeImage(join(folder, 'a.png'), 20, 10);
  await writeImage(join(folder, 'C.JPEG'), 16, 16);
  await writeImage(join(folder, '.hidden/x.jpg'), 8, 8);
  await writeFile(join(folder, 'notes.txt'), 'not an image');
});

afterEach(async () => {
  await project?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('openProject', () => {
  test('lists images in natural order with oriented sizes, skipping hidden folders', async () => {
    project = await openProject(folder);
    const info = await project.getProject({});
    expect(info.imageCount).toBe(4);
    const page = await project.listImages({ offset: 0, limit: 10 });
    expect(page.images.map((image) => image.id)).toEqual(['a.png', 'b/img2.jpg', 'b/img10.jpg', 'C.JPEG']);
    expect(page.images[0]).toMatchObject({ width: 20, height: 10, status: 'unvisited', instanceCount: 0 });
    expect(page.images[0].fileSize).toBeGreaterThan(0);
    const second = await project.listImages({ offset: 1, limit: 2 });
    expect(second.images.map((image) => image.id)).toEqual(['b/img2.jpg', 'b/img10.jpg']);
  });

  test('an unknown folder is NOT_FOUND', async () => {
    await expectApiError(openProject(join(folder, 'missing')), 'NOT_FOUND');
  });

  test('reopening reuses cached probe results (no re-probe while size and mtime are unchanged)', async () => {
    const path = join(folder, 'a.png');
    const fixedTime = new Date('2024-01-02T03:04:05Z'); // whole seconds: survives utimes exactly
    await utimes(path, fixedTime, fixedTime);
    project = await openProject(folder);
    await project.listImages({ offset: 0, limit: 10 });
    await project.close();
    // Same size and mtime but garbage content: a re-probe would report NOT_AN_IMAGE.
    const before = await stat(path);
    await writeFile(path, Buffer.alloc(before.size, 0x41));
    await utimes(path, fixedTime, fixedTime);
    project = await openProject(folder);
    const [first] = (await project.listImages({ offset: 0, limit: 1 })).images;
    expect(first).toMatchObject({ id: 'a.png', width: 20, height: 10 });
    expect(first.problem).toBeUndefined();
    // A changed mtime invalidates the cache entry.
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const refreshed = await project.getImage({ imageId: 'a.png' });
    expect(refreshed.problem?.code).toBe('NOT_AN_IMAGE');
  });
});

describe('annotations', () => {
  test('save, read back, revisions, conflicts and events', async () => {
    project = await openProject(folder);
    const empty = await project.getAnnotations({ imageId: 'b/img2.jpg' });
    expect(empty).toEqual({ imageId: 'b/img2.jpg', width: 40, height: 30, status: 'unvisited', instances: [], revision: 0 });
    const seen: ApiEvents['onDidChangeAnnotations'][] = [];
    project.on('onDidChangeAnnotations', (event) => seen.push(event));
    const images: ApiEvents['onDidChangeImage'][] = [];
    project.on('onDidChangeImage', (event) => images.push(event));
    const instance = rectangleInstance('i1', 40, 30);
    expect(await project.saveAnnotations({ imageId: 'b/img2.jpg', instances: [instance], status: 'inProgress', baseRevision: 0 })).toEqual({ revision: 1 });
    expect(seen).toEqual([{ imageId: 'b/img2.jpg', revision: 1 }]);
    expect(images.map((event) => event.image)).toEqual([expect.objectContaining({ id: 'b/img2.jpg', status: 'inProgress', instanceCount: 1, width: 40 })]);
    const saved = await project.getAnnotations({ imageId: 'b/img2.jpg' });
    expect(saved).toMatchObject({ revision: 1, status: 'inProgress', instances: [instance] });
    await expectApiError(project.saveAnnotations({ imageId: 'b/img2.jpg', instances: [], baseRevision: 0 }), 'CONFLICT');
    expect(await project.saveAnnotations({ imageId: 'b/img2.jpg', instances: [instance, rectangleInstance('i2', 40, 30, { status: 'proposed' })] })).toEqual({
      revision: 2,
    });
    const [, record] = (await project.listImages({ offset: 0, limit: 2 })).images;
    expect(record).toMatchObject({ id: 'b/img2.jpg', status: 'inProgress', instanceCount: 2, proposedCount: 1 });
  });

  test('the saved file is on disk when save resolves and survives reopening', async () => {
    project = await openProject(folder);
    await project.saveAnnotations({ imageId: 'a.png', instances: [rectangleInstance('x', 20, 10)], status: 'done' });
    const files = await readdir(join(folder, '.maskpilot/annotations'));
    expect(files).toHaveLength(1);
    const onDisk = JSON.parse(await readFile(join(folder, '.maskpilot/annotations', files[0]), 'utf8'));
    expect(onDisk).toMatchObject({ version: 1, imageId: 'a.png', revision: 1, status: 'done' });
    await project.close();
    project = await openProject(folder);
    const [first] = (await project.listImages({ offset: 0, limit: 1 })).images;
    expect(first).toMatchObject({ status: 'done', instanceCount: 1 });
  });

  test('concurrent saves to one image are serialized: every revision is distinct and the last wins', async () => {
    project = await openProject(folder);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => project.saveAnnotations({ imageId: 'a.png', instances: [rectangleInstance(`v${index}`, 20, 10)] })),
    );
    expect(results.map((result) => result.revision)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    const saved = await project.getAnnotations({ imageId: 'a.png' });
    expect(saved.revision).toBe(20);
    expect(saved.instances[0].id).toBe('v19');
  });

  test('rejects malformed saves, naming the field, and saves nothing', async () => {
    project = await openProject(folder);
    const good = rectangleInstance('g', 20, 10);
    const cases: [unknown, string][] = [
      [{ imageId: 'a.png', instances: [good], extra: 1 }, 'saveAnnotations.extra'],
      [{ imageId: 'a.png', instances: 'nope' }, 'instances'],
      [{ imageId: 'a.png', instances: [{ ...good, polygons: [[0, 0, 1, Number.NaN, 2, 2]] }] }, 'instances[0].polygons[0][3]'],
      [{ imageId: 'a.png', instances: [{ ...good, polygons: [[0, 0, 1, 1]] }] }, 'instances[0].polygons[0]'],
      [{ imageId: 'a.png', instances: [{ ...good, rle: rectangleInstance('r', 40, 30).rle }] }, 'instances[0].rle.size'],
      [{ imageId: 'a.png', instances: [{ ...good, rle: { size: [10, 20], counts: '0' } }] }, 'instances[0].rle.counts'],
      [{ imageId: 'a.png', instances: [{ ...good, status: 'maybe' }] }, 'instances[0].status'],
      [{ imageId: 'a.png', instances: [{ ...good, score: 2 }] }, 'instances[0].score'],
      [{ imageId: 'a.png', instances: [{ ...good, categoryId: 7 }] }, 'instances[0].categoryId'],
      [{ imageId: 'a.png', instances: [{ ...good, bogus: true }] }, 'instances[0].bogus'],
      [{ imageId: 'a.png', instances: [good, good] }, 'instances[1].id'],
      [{ imageId: 'a.png', instances: [], status: 'finished' }, 'status'],
      [{ imageId: 'a.png', instances: [], baseRevision: -1 }, 'baseRevision'],
      [{ imageId: 42, instances: [] }, 'imageId'],
    ];
    for (const [params, field] of cases) {
      await expectApiError(project.saveAnnotations(params as never), 'INVALID_ARGUMENT', field);
    }
    await expectApiError(project.saveAnnotations({ imageId: 'nope.jpg', instances: [] }), 'NOT_FOUND');
    expect(await readdir(join(folder, '.maskpilot/annotations'))).toEqual([]);
  });

  test('other methods validate their params too', async () => {
    project = await openProject(folder);
    await expectApiError(project.listImages({ offset: -1, limit: 10 }), 'INVALID_ARGUMENT', 'offset');
    await expectApiError(project.listImages({ offset: 0, limit: 1.5 }), 'INVALID_ARGUMENT', 'limit');
    await expectApiError(project.listImages({ offset: 0, limit: 10, sort: 'x' } as never), 'INVALID_ARGUMENT', 'listImages.sort');
    await expectApiError(project.getProject([] as never), 'INVALID_ARGUMENT');
    await expectApiError(project.getImage({ imageId: ['a.png'] } as never), 'INVALID_ARGUMENT', 'imageId');
    await expectApiError(project.saveCategory({ name: '  ' }), 'INVALID_ARGUMENT', 'name');
    await expectApiError(project.saveCategory({ name: 'x', color: 'red' }), 'INVALID_ARGUMENT', 'color');
    await expectApiError(project.deleteCategory({ id: 'x' } as never), 'INVALID_ARGUMENT', 'id');
  });
});

describe('categories', () => {
  test('create, rename, unique names, persist; delete unassigns instances in every sidecar', async () => {
    project = await openProject(folder);
    const events: ApiEvents['onDidChangeCategories'][] = [];
    project.on('onDidChangeCategories', (event) => events.push(event));
    const person = await project.saveCategory({ name: 'person' });
    const car = await project.saveCategory({ name: 'car', color: '#112233' });
    expect(person).toMatchObject({ id: 1, name: 'person' });
    expect(car).toEqual({ id: 2, name: 'car', color: '#112233' });
    await expectApiError(project.saveCategory({ name: 'Person' }), 'INVALID_ARGUMENT', 'name');
    expect(await project.saveCategory({ id: 2, name: 'vehicle' })).toEqual({ id: 2, name: 'vehicle', color: '#112233' });
    await expectApiError(project.saveCategory({ id: 9, name: 'ghost' }), 'NOT_FOUND');
    expect(events.at(-1)?.categories.map((category) => category.name)).toEqual(['person', 'vehicle']);

    await project.saveAnnotations({ imageId: 'a.png', instances: [rectangleInstance('1', 20, 10, { categoryId: 1 }), rectangleInstance('2', 20, 10, { categoryId: 2 })] });
    await project.saveAnnotations({ imageId: 'C.JPEG', instances: [rectangleInstance('3', 16, 16, { categoryId: 1 })] });
    const changed: string[] = [];
    project.on('onDidChangeAnnotations', (event) => changed.push(event.imageId));
    expect(await project.deleteCategory({ id: 1 })).toEqual({ unassignedInstances: 2 });
    expect(changed.sort()).toEqual(['C.JPEG', 'a.png']);
    expect((await project.getAnnotations({ imageId: 'a.png' })).instances.map((instance) => instance.categoryId)).toEqual([null, 2]);
    expect((await project.getAnnotations({ imageId: 'C.JPEG' })).instances[0].categoryId).toBeNull();
    await expectApiError(project.deleteCategory({ id: 1 }), 'NOT_FOUND');
    await project.close();

    project = await openProject(folder);
    expect(await project.listCategories({})).toEqual([{ id: 2, name: 'vehicle', color: '#112233' }]);
    // Ids are never reused, so an old export's category 1 cannot be confused with a new one.
    expect((await project.saveCategory({ name: 'bike' })).id).toBe(3);
  });
});

describe('model delegation', () => {
  test('without a model: status none, propose/segmentAt/proposeAll refuse with MODEL_UNAVAILABLE', async () => {
    project = await openProject(folder);
    expect(await project.getModelStatus({})).toMatchObject({ backend: 'none', ready: false });
    await expectApiError(project.propose({ imageId: 'a.png' }), 'MODEL_UNAVAILABLE');
    await expectApiError(project.segmentAt({ imageId: 'a.png', clicks: [{ x: 1, y: 1, positive: true }] }), 'MODEL_UNAVAILABLE');
    await expectApiError(project.proposeAll({}), 'MODEL_UNAVAILABLE');
  });

  test('with a model: propose and segmentAt pass the resolved file and validate the point', async () => {
    const model = new FakeProvider();
    project = await openProject(folder, { model });
    expect((await project.getModelStatus({})).backend).toBe('fake');
    const proposed = await project.propose({ imageId: 'b/img2.jpg', maxProposals: 5 });
    expect(proposed.instances).toHaveLength(1);
    expect(model.calls).toEqual([await project.resolveImageFile('b/img2.jpg')]);
    const click = await project.segmentAt({ imageId: 'b/img2.jpg', clicks: [{ x: 10, y: 10, positive: true }] });
    expect(click.instance?.source).toBe('click');
    await expectApiError(project.segmentAt({ imageId: 'b/img2.jpg', clicks: [{ x: 41, y: 10, positive: true }] }), 'INVALID_ARGUMENT', 'clicks[0].x');
    await expectApiError(project.propose({ imageId: 'b/img2.jpg', maxProposals: 0 }), 'INVALID_ARGUMENT', 'maxProposals');
  });

  test('proposeAll proposes undecided images only, saves the proposals and reports progress', async () => {
    const model = new FakeProvider();
    project = await openProject(folder, { model });
    await project.saveAnnotations({ imageId: 'a.png', instances: [], status: 'done' });
    const progress: JobProgress[] = [];
    const finished = new Promise<void>((resolve) =>
      project.on('onDidProgress', (event) => {
        progress.push(event);
        if (event.state !== 'running') resolve();
      }),
    );
    const { jobId } = await project.proposeAll({});
    await finished;
    expect(progress.every((event) => event.jobId === jobId)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ state: 'finished', done: 4, total: 4 });
    expect(model.calls).toHaveLength(3);
    expect((await project.getAnnotations({ imageId: 'C.JPEG' })).instances[0].status).toBe('proposed');
    expect((await project.getAnnotations({ imageId: 'a.png' })).instances).toEqual([]);
    expect(await project.cancelJob({ jobId })).toEqual({ cancelled: false });
    await expectApiError(project.cancelJob({ jobId: 'nope' }), 'NOT_FOUND');
  });

  test('proposeAll says what it did with every image: proposed, and skipped by reason (decided, waiting for review, opened, unreadable, damaged)', async () => {
    await writeFile(join(folder, 'broken.jpg'), 'not a jpeg');
    await writeImage(join(folder, 'opened.jpg'), 12, 12);
    await writeImage(join(folder, 'damaged.jpg'), 12, 12);
    const model = new FakeProvider();
    project = await openProject(folder, { model });
    await project.saveAnnotations({ imageId: 'a.png', instances: [], status: 'done' });
    await project.saveAnnotations({ imageId: 'opened.jpg', instances: [], status: 'inProgress' });
    await project.saveAnnotations({ imageId: 'damaged.jpg', instances: [], status: 'inProgress' });
    const [sidecar] = (await readdir(join(folder, '.maskpilot/annotations'))).filter((name) => name.startsWith('damaged'));
    await writeFile(join(folder, '.maskpilot/annotations', sidecar), '{ not json');
    const run = async () => {
      const ended = new Promise<JobProgress>((resolve) => project.on('onDidProgress', (event) => event.state !== 'running' && resolve(event)));
      await project.proposeAll({});
      return ended;
    };
    const first = await run();
    expect(first.proposeAll).toEqual({
      proposed: 3,
      failed: 0,
      skipped: { decided: 1, proposed: 0, opened: 1, unreadable: 1, damaged: 1, changed: 0 },
      notReached: 0,
    });
    expect(first.message).toBe('3 images proposed');
    // Again: the three proposed wait for review and are not proposed twice; the damaged file was
    // kept aside when it was found, so that image starts afresh and is proposed now.
    const second = await run();
    expect(second.proposeAll).toMatchObject({ proposed: 1, skipped: { decided: 1, proposed: 3, opened: 1, unreadable: 1, damaged: 0 } });
    expect(model.calls).toHaveLength(4);
  });

  test('proposeAll can be cancelled between images', async () => {
    const model = new FakeProvider();
    model.delayMs = 50;
    project = await openProject(folder, { model });
    const states: JobProgress[] = [];
    const finished = new Promise<void>((resolve) =>
      project.on('onDidProgress', (event) => {
        states.push(event);
        if (event.state === 'running' && event.done === 1) void project.cancelJob({ jobId: event.jobId });
        if (event.state !== 'running') resolve();
      }),
    );
    await project.proposeAll({});
    await finished;
    expect(states.at(-1)).toMatchObject({ state: 'cancelled', done: 1, proposeAll: { proposed: 1, notReached: 3 } });
    expect(model.calls).toHaveLength(1);
  });
});

describe('resolveImageFile', () => {
  test('returns absolute paths inside the folder and refuses everything else', async () => {
    await symlink('/etc/hostname', join(folder, 'outside.jpg'));
    project = await openProject(folder);
    expect(await project.resolveImageFile('b/img2.jpg')).toBe(join(await import('node:fs/promises').then((fs) => fs.realpath(folder)), 'b/img2.jpg'));
    for (const bad of ['../etc/passwd', '/etc/passwd', 'b/../a.png', 'b\\img2.jpg', './a.png', 'a.png\0']) {
      await expectApiError(project.resolveImageFile(bad), 'FORBIDDEN');
    }
    await expectApiError(project.resolveImageFile('outside.jpg'), 'NOT_FOUND');
    await expectApiError(project.resolveImageFile('missing.jpg'), 'NOT_FOUND');
  });
});
