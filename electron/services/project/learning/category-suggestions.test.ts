// Category suggestions through the project API, with a provider whose descriptions are known: an
// instance's embedding says which half of the image its mask starts in, its class evidence is none.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { CocoRle, Instance, ModelStatus } from '../../../../shared/api/types';
import { COCO_CLASSES } from '../../../../shared/categories/coco-classes';
import type { InstanceDescription } from '../../../../shared/categories/suggester';
import { fromCocoRle, rleBbox } from '../../../../shared/geometry';
import type { ModelProvider, ProviderImage } from '../../model-provider';
import { openProject, type ProjectService } from '../project-service';
import { makeTempFolder, rectangleInstance, rectangleRle, writeImage } from '../test-helpers';

const W = 40;
const H = 30;
const left = (id: string, extra: Partial<Instance> = {}): Instance => ({ ...rectangleInstance(id, W, H, extra), rle: rectangleRle(W, H, 1, 1, 10, 10) });
const right = (id: string, extra: Partial<Instance> = {}): Instance => ({ ...rectangleInstance(id, W, H, extra), rle: rectangleRle(W, H, 25, 1, 35, 10) });

class DescribingProvider implements ModelProvider {
  described = 0;
  proposals: Instance[] = [];
  /** Class evidence to report (e.g. a confident dog), else none. */
  evidence: Record<string, number> = {};
  status(): ModelStatus {
    return { backend: 'fake', backendNotes: [], modelVersion: 'fake-1', lastLatencyMs: null, ready: true };
  }
  async propose(): Promise<Instance[]> {
    return this.proposals;
  }
  async segmentAt(): Promise<Instance | null> {
    return right('c1', { source: 'click', score: 0.8, modelVersion: 'fake-1' });
  }
  async describe(_image: ProviderImage, masks: CocoRle[]): Promise<InstanceDescription[]> {
    this.described += masks.length;
    return masks.map((mask) => {
      const [x] = rleBbox(fromCocoRle(mask));
      const evidence = new Float32Array(COCO_CLASSES.length);
      for (const [name, value] of Object.entries(this.evidence)) evidence[COCO_CLASSES.indexOf(name)] = value;
      return { embedding: Float32Array.from(x < W / 2 ? [1, 0] : [0, 1]), classEvidence: evidence };
    });
  }
  async dispose(): Promise<void> {}
}

let folder: string;
let project: ProjectService;
let provider: DescribingProvider;

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-suggest-');
  for (const name of ['a.jpg', 'b.jpg', 'c.jpg']) await writeImage(join(folder, name), W, H);
  provider = new DescribingProvider();
});
afterEach(async () => {
  await project?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Waits until the background learning of saved labels has described `count` instances. */
async function learnt(count: number): Promise<void> {
  for (let tries = 0; tries < 200 && provider.described < count; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('category suggestions', () => {
  test('labels saved by the user teach it; proposals and click results then carry the suggested category', async () => {
    project = await openProject(folder, { model: provider });
    const scratch = await project.saveCategory({ name: 'scratch' });
    const dent = await project.saveCategory({ name: 'dent' });
    await project.saveAnnotations({ imageId: 'a.jpg', instances: [left('s1', { status: 'accepted', categoryId: scratch.id }), right('d1', { status: 'accepted', categoryId: dent.id }), right('x', { status: 'rejected' })] });
    await learnt(2);
    provider.proposals = [left('p1', { status: 'proposed', source: 'model', score: 0.9 }), right('p2', { status: 'proposed', source: 'model', score: 0.8 })];
    const { instances } = await project.propose({ imageId: 'b.jpg' });
    expect(instances.map((instance) => instance.suggestedCategoryId)).toEqual([scratch.id, dent.id]);
    expect(instances[0].suggestionConfidence).toBeGreaterThan(0.5);
    const { instance } = await project.segmentAt({ imageId: 'b.jpg', clicks: [{ x: 30, y: 5, positive: true }] });
    expect(instance?.suggestedCategoryId).toBe(dent.id);
    // The examples survive a restart; a saved instance is learnt once.
    await project.close();
    const stored = JSON.parse(await readFile(join(folder, '.maskpilot/category-examples.json'), 'utf8'));
    expect(stored.examples.map((example: { instanceId: string }) => example.instanceId).sort()).toEqual(['d1', 's1']);
    provider.described = 0;
    project = await openProject(folder, { model: provider });
    await project.saveAnnotations({ imageId: 'a.jpg', instances: [left('s1', { status: 'accepted', categoryId: scratch.id }), right('d1', { status: 'accepted', categoryId: dent.id })] });
    expect((await project.propose({ imageId: 'c.jpg' })).instances[1].suggestedCategoryId).toBe(dent.id);
    expect(provider.described).toBe(2); // the two proposals; nothing relearnt
  });

  test('a category named as a COCO class is suggested from the detector before any label; deleting a category drops its examples', async () => {
    project = await openProject(folder, { model: provider });
    const person = await project.saveCategory({ name: 'person' });
    const dog = await project.saveCategory({ name: 'dogs' });
    provider.proposals = [left('p1', { status: 'proposed', source: 'model', score: 0.9 })];
    provider.evidence = { dog: 0.7, person: 0.1 };
    expect((await project.propose({ imageId: 'b.jpg' })).instances[0].suggestedCategoryId).toBe(dog.id);
    await project.saveAnnotations({ imageId: 'a.jpg', instances: [left('s1', { status: 'accepted', categoryId: person.id })] });
    await learnt(2);
    await project.deleteCategory({ id: person.id });
    await project.close();
    const stored = JSON.parse(await readFile(join(folder, '.maskpilot/category-examples.json'), 'utf8'));
    expect(stored.examples).toEqual([]);
  });

  test('without categories nothing is described; a damaged examples file is kept aside and reported', async () => {
    project = await openProject(folder, { model: provider });
    provider.proposals = [left('p1', { status: 'proposed', source: 'model', score: 0.9 })];
    expect((await project.propose({ imageId: 'b.jpg' })).instances[0].suggestedCategoryId).toBeUndefined();
    expect(provider.described).toBe(0);
    await project.close();
    await writeFile(join(folder, '.maskpilot/category-examples.json'), '{"version": 1, "examples": [{"imageId": 3}]}');
    project = await openProject(folder, { model: provider });
    expect(project.openWarnings.map((warning) => warning.message).join(' ')).toMatch(/category-examples\.json.*category suggestions start over/);
  });
});
