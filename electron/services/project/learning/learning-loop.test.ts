// The learning API through openProject, with the deterministic fake learner and provider.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ApiEvents } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import type { FineTuneProgress, Instance, JobProgress } from '../../../../shared/api/types';
import { openProject, type OpenProjectOptions, type ProjectService } from '../project-service';
import { makeTempFolder, rectangleInstance, rectangleRle, writeImage } from '../test-helpers';
import type { BundledModel } from './bundled-models';
import { MIN_HELD_OUT_OBJECTS } from './fine-tune-job';
import { FakeLearner, FakeSwitchingProvider, fakeBundledModels } from './test-fakes';

const W = 40;
const H = 30;
const IMAGES = ['img1.jpg', 'img2.jpg', 'img3.jpg', 'img4.jpg', 'img5.jpg', 'img6.jpg', 'img7.jpg'];

let folder: string;
let bundledRoot: string;
let bundled: BundledModel[];
let learner: FakeLearner;
let provider: FakeSwitchingProvider;
let project: ProjectService;

async function open(options: Partial<OpenProjectOptions> = {}): Promise<ProjectService> {
  project = await openProject(folder, { model: provider, learner, bundledModels: bundled, ...options });
  return project;
}

async function expectApiError(promise: Promise<unknown>, code: string): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe(code);
  return error as ApiError;
}

const proposal = (id: string, status: Instance['status'], modelVersion = 'deepmask-test-v1', extra: Partial<Instance> = {}) =>
  rectangleInstance(id, W, H, { source: 'model', status, score: 0.9, modelVersion, ...extra });

/** Saves `accepted` accepted proposals and one rejected one on each of the first `count` images. */
async function annotate(count: number, accepted = 1): Promise<void> {
  // Many corrections at once would start an automatic fine-tune in the middle of the test.
  if (accepted > 1) await project.saveLearningSettings({ autoFineTune: false });
  for (const name of IMAGES.slice(0, count)) {
    const positives = Array.from({ length: accepted }, (_, k) => proposal(`p${k + 2}`, 'accepted'));
    await project.saveAnnotations({ imageId: name, instances: [...positives, proposal('p1', 'rejected')], status: 'done' });
  }
}

/** Enough accepted objects per image that the held-out 5th image holds the check's minimum. */
const CHECKABLE = MIN_HELD_OUT_OBJECTS;

function collect<E extends keyof ApiEvents>(event: E): ApiEvents[E][] {
  const seen: ApiEvents[E][] = [];
  project.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Resolves with the final onDidProgress of a job. */
function jobEnd(jobId: string): Promise<JobProgress> {
  return new Promise((resolve) => {
    const stop = project.on('onDidProgress', (progress) => {
      if (progress.jobId === jobId && progress.state !== 'running') {
        stop();
        resolve(progress);
      }
    });
  });
}

async function fineTuneToEnd(steps?: number): Promise<{ end: JobProgress; progress: FineTuneProgress[] }> {
  const progress = collect('onDidFineTune');
  const { jobId } = await project.fineTune(steps === undefined ? {} : { steps });
  const end = await jobEnd(jobId);
  return { end, progress: progress.filter((item) => item.jobId === jobId) };
}

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-learning-');
  bundledRoot = await makeTempFolder('maskpilot-bundled-');
  for (const name of IMAGES) await writeImage(join(folder, name), W, H);
  bundled = await fakeBundledModels(bundledRoot);
  learner = new FakeLearner();
  provider = new FakeSwitchingProvider('deepmask-test-v1');
});

afterEach(async () => {
  await project?.close();
  await rm(folder, { recursive: true, force: true });
  await rm(bundledRoot, { recursive: true, force: true });
});

describe('model versions', () => {
  test('bundled networks are versions; the provider’s is active on a fresh project', async () => {
    await open();
    const { versions, activeId } = await project.listModelVersions({});
    expect(versions.map((version) => [version.id, version.kind, version.architecture, version.label])).toEqual([
      ['deepmask-test-v1', 'bundled', 'deepmask', 'DeepMask (bundled)'],
      ['instancefcn-test-v1', 'bundled', 'instancefcn', 'InstanceFCN (bundled)'],
    ]);
    expect(activeId).toBe('deepmask-test-v1');
    expect((await project.getLearningState({})).activeVersionId).toBe('deepmask-test-v1');
  });

  test('defaultModelId picks the version of a project with none stored (host --model instancefcn)', async () => {
    await open({ defaultModelId: 'instancefcn-test-v1' });
    expect((await project.listModelVersions({})).activeId).toBe('instancefcn-test-v1');
    expect(provider.status().modelVersion).toBe('instancefcn-test-v1');
  });

  test('activate switches the provider, emits both events, and survives reopening; unknown ids are NOT_FOUND', async () => {
    await open();
    const versionEvents = collect('onDidChangeModelVersions');
    const modelEvents = collect('onDidChangeModel');
    const status = await project.activateModelVersion({ id: 'instancefcn-test-v1' });
    expect(status.modelVersion).toBe('instancefcn-test-v1');
    expect(versionEvents.at(-1)?.activeId).toBe('instancefcn-test-v1');
    expect(modelEvents.at(-1)?.modelVersion).toBe('instancefcn-test-v1');
    await expectApiError(project.activateModelVersion({ id: 'ft-9' }), 'NOT_FOUND');
    await expectApiError(project.activateModelVersion({ id: 42 } as never), 'INVALID_ARGUMENT');
    await project.close();

    provider = new FakeSwitchingProvider('deepmask-test-v1'); // a new session starts on the default weights
    await open({ defaultModelId: 'deepmask-test-v1' });
    expect((await project.listModelVersions({})).activeId).toBe('instancefcn-test-v1');
    expect(provider.loads).toEqual(['instancefcn-test-v1']);
  });

  test('a version the provider cannot load is refused clearly and the active one stays', async () => {
    await open();
    provider.broken.add('instancefcn-test-v1');
    const error = await expectApiError(project.activateModelVersion({ id: 'instancefcn-test-v1' }), 'MODEL_UNAVAILABLE');
    expect(error.message).toMatch(/could not be loaded: heads\.bin of instancefcn-test-v1 is damaged\. The previous version is still in use/);
    expect((await project.listModelVersions({})).activeId).toBe('deepmask-test-v1');
  });

  test('reopening with a stored version that no longer loads warns and keeps the bundled one', async () => {
    await open();
    await project.activateModelVersion({ id: 'instancefcn-test-v1' });
    await project.close();
    provider = new FakeSwitchingProvider('deepmask-test-v1');
    provider.broken.add('instancefcn-test-v1');
    await open();
    expect(project.openWarnings.map((warning) => warning.message).join('\n')).toMatch(/'instancefcn-test-v1' could not be loaded .*deepmask-test-v1 is in use instead/);
    expect((await project.listModelVersions({})).activeId).toBe('deepmask-test-v1');
  });

  test('without a provider versions are listed but cannot be activated', async () => {
    await open({ model: undefined });
    expect((await project.listModelVersions({})).activeId).toBe('deepmask-test-v1');
    await expectApiError(project.activateModelVersion({ id: 'instancefcn-test-v1' }), 'MODEL_UNAVAILABLE');
  });
});

describe('fine-tune', () => {
  test('adopts a candidate that does at least as well on held-out images; every 5th annotated image is held out', async () => {
    await open();
    await annotate(7, CHECKABLE);
    learner.ar = { 'deepmask-test-v1': 0.28 };
    learner.candidateAr = 0.31;
    const modelEvents = collect('onDidChangeModel');
    const jobProgress = collect('onDidProgress');
    const { end, progress } = await fineTuneToEnd(4);
    // onDidProgress: reading features counts images, then training counts steps.
    expect(jobProgress.filter((item) => item.state === 'running' && item.message?.startsWith('reading features')).map((item) => [item.done, item.total])).toEqual([[6, 6]]);
    expect(jobProgress.filter((item) => item.message?.startsWith('step ')).map((item) => [item.done, item.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(end.state).toBe('finished');
    expect(end.kind).toBe('finetune');

    const request = learner.requests[0];
    expect(request.modelVersion).toBe('ft-1');
    expect(request.baseModelDir).toBe(bundled[0].dir);
    expect(request.outputDir).toBe(join(folder, '.maskpilot', 'models', 'ft-1'));
    expect(request.images.map((image) => image.path.split('/').at(-1))).toEqual(['img1.jpg', 'img2.jpg', 'img3.jpg', 'img4.jpg', 'img6.jpg', 'img7.jpg']);
    expect(request.images.every((image) => image.complete)).toBe(true);
    expect(learner.evaluations.map((evaluation) => [evaluation.version, evaluation.images.map((image) => image.path.split('/').at(-1))])).toEqual([
      ['ft-1', ['img5.jpg']],
      ['deepmask-test-v1', ['img5.jpg']],
    ]);

    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('ft-1');
    const made = versions.find((version) => version.id === 'ft-1')!;
    expect(made).toMatchObject({ kind: 'finetuned', architecture: 'deepmask', label: 'Fine-tune 1 of DeepMask', parentId: 'deepmask-test-v1' });
    expect(made.evaluation).toEqual({ heldOutImages: 1, heldOutInstances: 20, ar10: 0.155, ar100: 0.31, baselineId: 'deepmask-test-v1', baselineAr10: 0.14, baselineAr100: 0.28 });
    expect(made.training).toMatchObject({ positives: 120, negatives: 6, steps: 4, triplets: 128 });
    expect(made.training!.loss).toHaveLength(4);
    expect(made.decision).toBe('AR@10 .155 vs .140 (+.015), AR@100 .310 vs .280 (+.030) against deepmask-test-v1 on 1 held-out images, 20 objects: adopted');
    expect(provider.status().modelVersion).toBe('ft-1');
    expect(modelEvents.at(-1)?.modelVersion).toBe('ft-1');

    // Progress: phases in order, the whole curve each time, and the version on the last one.
    const phases = [...new Set(progress.map((item) => item.phase))];
    expect(phases).toEqual(['collecting', 'features', 'training', 'evaluating', 'finished']);
    expect(progress.filter((item) => item.phase === 'training').map((item) => item.loss.length)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toMatchObject({ phase: 'finished', versionId: 'ft-1' });
    expect((await project.getLearningState({})).running).toBeNull();

    // Stored: weights from the learner plus the record, listed in versions.json.
    expect((await readdir(join(folder, '.maskpilot', 'models', 'ft-1'))).sort()).toEqual(['heads.bin', 'heads.json', 'version.json']);
    const stored = JSON.parse(await readFile(join(folder, '.maskpilot', 'models', 'versions.json'), 'utf8'));
    expect(stored.activeId).toBe('ft-1');

    // Reopening restores the fine-tune as the active version.
    await project.close();
    provider = new FakeSwitchingProvider('deepmask-test-v1');
    await open();
    expect((await project.listModelVersions({})).activeId).toBe('ft-1');
    expect(provider.status().modelVersion).toBe('ft-1');

    // Rolling back is activating the bundled version.
    await project.activateModelVersion({ id: 'deepmask-test-v1' });
    expect(provider.status().modelVersion).toBe('deepmask-test-v1');
    // The next fine-tune starts from the active version and gets the next id.
    await fineTuneToEnd(2);
    expect(learner.requests.at(-1)).toMatchObject({ modelVersion: 'ft-2', baseModelDir: bundled[0].dir });
  });

  test('keeps a worse candidate as an inactive version and says why', async () => {
    await open();
    await annotate(5, CHECKABLE);
    learner.ar = { 'deepmask-test-v1': 0.28 };
    learner.candidateAr = 0.2;
    const { end } = await fineTuneToEnd(3);
    expect(learner.requests[0].steps).toBe(4); // steps come in mask/score pairs
    expect(end.state).toBe('finished');
    expect(end.message).toBe('ft-1: AR@10 .100 vs .140 (-.040), AR@100 .200 vs .280 (-.080) against deepmask-test-v1 on 1 held-out images, 20 objects: not adopted, deepmask-test-v1 stays active');
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    expect(versions.map((version) => version.id)).toContain('ft-1');
    expect(provider.loads).toEqual([]);
    // It can still be chosen by hand.
    await project.activateModelVersion({ id: 'ft-1' });
    expect(provider.status().modelVersion).toBe('ft-1');
  });

  test('a tie on held-out AR adopts the candidate (it has learnt from more corrections); a drop in AR@10 alone does not', async () => {
    await open();
    await annotate(5, CHECKABLE);
    learner.ar = { 'deepmask-test-v1': 0.25 };
    learner.candidateAr = 0.25;
    await fineTuneToEnd(2);
    expect((await project.listModelVersions({})).activeId).toBe('ft-1');
    learner.ar10 = { 'ft-2': 0.1 };
    await fineTuneToEnd(2);
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('ft-1');
    expect(versions.find((version) => version.id === 'ft-2')?.decision).toMatch(/^AR@10 \.100 vs \.125 \(-\.025\), AR@100 \.250 vs \.250 \(\+\.000\) .*: not adopted, ft-1 stays active$/);
  });

  test('with fewer than 20 held-out objects the candidate is kept, not evaluated and not adopted (an untested version is never adopted)', async () => {
    await open();
    await annotate(5, 3);
    await fineTuneToEnd(2);
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    const made = versions.find((version) => version.id === 'ft-1')!;
    expect(made.evaluation).toBeNull();
    expect(made.decision).toBe('not evaluated: the held-out images hold 3 annotated objects, the check needs 20; kept, not adopted (deepmask-test-v1 stays active; activate it by hand to try it)');
    expect(learner.evaluations).toEqual([]);
    // It can be tried by hand.
    await project.activateModelVersion({ id: 'ft-1' });
    expect(provider.status().modelVersion).toBe('ft-1');
  });

  test('held-out images cover the labelled categories: a category learnt from gets a held-out image of its own', async () => {
    await open();
    const withCategory = (id: string, categoryId: number) => proposal(id, 'accepted', 'deepmask-test-v1', { categoryId });
    const cat = await project.saveCategory({ name: 'cat' });
    const dog = await project.saveCategory({ name: 'dog' });
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [withCategory('a', cat.id), proposal('r', 'rejected')], status: 'done' });
    await project.saveAnnotations({ imageId: 'img2.jpg', instances: [withCategory('a', dog.id)], status: 'done' });
    await project.saveAnnotations({ imageId: 'img3.jpg', instances: [withCategory('a', dog.id)], status: 'done' });
    await project.saveAnnotations({ imageId: 'img4.jpg', instances: [withCategory('a', cat.id)], status: 'done' });
    await fineTuneToEnd(2);
    expect(learner.requests[0].images.map((image) => image.path.split('/').at(-1))).toEqual(['img1.jpg', 'img2.jpg']);
  });

  test('a candidate that cannot be loaded is kept inactive with the reason', async () => {
    await open();
    await annotate(5, CHECKABLE);
    provider.broken.add('ft-1');
    const { end } = await fineTuneToEnd(2);
    expect(end.state).toBe('finished');
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    expect(versions.find((version) => version.id === 'ft-1')?.decision).toMatch(/not adopted, its weights could not be loaded \(heads\.bin of ft-1 is damaged\)/);
  });

  test('a session whose model cannot switch keeps the candidate inactive instead of claiming it is active', async () => {
    const fixed = new FakeSwitchingProvider('deepmask-test-v1');
    await open({ model: { status: () => fixed.status(), propose: (image) => fixed.propose(image), segmentAt: () => fixed.segmentAt(), dispose: () => fixed.dispose() } });
    await annotate(5, CHECKABLE);
    await fineTuneToEnd(2);
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    expect(versions.find((version) => version.id === 'ft-1')?.decision).toMatch(/cannot switch versions/);
  });

  test('cancelJob stops it: the partial folder goes, the active version and annotations stay', async () => {
    await open();
    await annotate(3);
    const before = await project.getAnnotations({ imageId: 'img1.jpg' });
    learner.hang = true;
    const progress = collect('onDidFineTune');
    const { jobId } = await project.fineTune({ steps: 10 });
    const ended = jobEnd(jobId);
    await new Promise<void>((resolve) => {
      const stop = project.on('onDidFineTune', (item) => item.phase === 'training' && (stop(), resolve()));
    });
    expect((await project.getLearningState({})).running).toMatchObject({ jobId, phase: 'training', step: 1, totalSteps: 10 });
    await expectApiError(project.fineTune({}), 'CONFLICT');
    expect(await project.cancelJob({ jobId })).toEqual({ cancelled: true });
    expect((await ended).state).toBe('cancelled');
    expect(progress.at(-1)?.phase).toBe('cancelled');
    expect(await readdir(join(folder, '.maskpilot', 'models'))).not.toContain('ft-1');
    expect((await project.listModelVersions({})).activeId).toBe('deepmask-test-v1');
    expect(await project.getAnnotations({ imageId: 'img1.jpg' })).toEqual(before);
    expect((await project.getLearningState({})).running).toBeNull();
  });

  test('a failed fine-tune says why and changes nothing; the next one can start', async () => {
    await open();
    await annotate(3);
    learner.failWith = 'out of memory in the trunk';
    const progress = collect('onDidFineTune');
    const { end } = await fineTuneToEnd(3);
    expect(end.state).toBe('failed');
    expect(end.message).toMatch(/fine-tune failed: out of memory in the trunk/);
    expect(progress.at(-1)).toMatchObject({ phase: 'failed' });
    expect(progress.at(-1)?.message).toMatch(/unchanged/);
    expect(await readdir(join(folder, '.maskpilot', 'models'))).toEqual([]);
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    expect(versions).toHaveLength(2);
    learner.failWith = null;
    expect((await fineTuneToEnd(2)).end.state).toBe('finished');
  });

  test('refuses clearly: nothing learnt from yet, no learner, bad steps', async () => {
    await open();
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'proposed')] });
    const error = await expectApiError(project.fineTune({}), 'INVALID_ARGUMENT');
    expect(error.message).toMatch(/Nothing to learn from yet/);
    await expectApiError(project.fineTune({ steps: 0 }), 'INVALID_ARGUMENT');
    // Positives but nothing to draw negatives from (no rejections, image not done).
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'accepted')], status: 'inProgress' });
    expect((await expectApiError(project.fineTune({}), 'INVALID_ARGUMENT')).message).toMatch(/reject some wrong proposals, or mark an image as done/);
    expect(learner.requests).toHaveLength(0);
    // A learner that only fine-tunes DeepMask refuses an InstanceFCN base at once (not in a failing job).
    learner.architectures = ['deepmask'];
    await project.activateModelVersion({ id: 'instancefcn-test-v1' });
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'accepted')], status: 'done' });
    expect((await expectApiError(project.fineTune({}), 'INVALID_ARGUMENT')).message).toMatch(/InstanceFCN \(bundled\) cannot be fine-tuned here \(only DeepMask versions can\)/);
    expect(learner.requests).toHaveLength(0);
    await project.close();
    await open({ learner: undefined });
    await expectApiError(project.fineTune({}), 'MODEL_UNAVAILABLE');
  });
});

describe('corrections and automatic fine-tune', () => {
  test('counts decisions and drawings once, persists the count, and resets it when a fine-tune starts', async () => {
    await open();
    await project.saveLearningSettings({ autoFineTune: false });
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'proposed'), proposal('p2', 'proposed')] });
    expect((await project.getLearningState({})).correctionsSinceFineTune).toBe(0);
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'accepted'), proposal('p2', 'rejected'), rectangleInstance('m1', W, H)] });
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'accepted'), proposal('p2', 'rejected'), rectangleInstance('m1', W, H)] });
    expect((await project.getLearningState({})).correctionsSinceFineTune).toBe(3);
    await project.close();
    await open();
    expect(await project.getLearningState({})).toMatchObject({ correctionsSinceFineTune: 3, settings: { autoFineTune: false, correctionsPerFineTune: 25 } });
    await fineTuneToEnd(1);
    expect((await project.getLearningState({})).correctionsSinceFineTune).toBe(0);
  });

  test('after N corrections a fine-tune starts by itself, without delaying the save', async () => {
    await open();
    expect(await project.saveLearningSettings({ correctionsPerFineTune: 3 })).toEqual({ autoFineTune: true, correctionsPerFineTune: 3 });
    const progress = collect('onDidFineTune');
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'accepted'), proposal('p2', 'accepted')], status: 'done' });
    expect(learner.requests).toHaveLength(0);
    const finished = new Promise<FineTuneProgress>((resolve) => project.on('onDidFineTune', (item) => item.phase === 'finished' && resolve(item)));
    const saved = await project.saveAnnotations({ imageId: 'img2.jpg', instances: [proposal('p1', 'accepted')] });
    expect(saved.revision).toBe(1);
    expect(learner.requests).toHaveLength(0); // started after the save returned
    expect((await finished).versionId).toBe('ft-1');
    expect(progress[0].phase).toBe('collecting');
    expect((await project.getLearningState({})).correctionsSinceFineTune).toBe(0);
    // Nothing held out yet: the automatic fine-tune's version is kept but not adopted untested.
    const { versions, activeId } = await project.listModelVersions({});
    expect(activeId).toBe('deepmask-test-v1');
    expect(versions.find((version) => version.id === 'ft-1')?.decision).toMatch(/^not evaluated: .* kept, not adopted/);
  });

  test('an automatic start that finds nothing to learn never fails the save', async () => {
    await open();
    await project.saveLearningSettings({ correctionsPerFineTune: 1 });
    const saved = await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('p1', 'rejected')] });
    expect(saved.revision).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(learner.requests).toHaveLength(0);
    expect((await project.getLearningState({})).correctionsSinceFineTune).toBe(1);
  });

  test('settings are validated and a damaged learning.json is kept aside', async () => {
    await open();
    await expectApiError(project.saveLearningSettings({ correctionsPerFineTune: 0 }), 'INVALID_ARGUMENT');
    await expectApiError(project.saveLearningSettings({ autoFineTune: 'yes' } as never), 'INVALID_ARGUMENT');
    await expectApiError(project.saveLearningSettings({ other: 1 } as never), 'INVALID_ARGUMENT');
    await project.close();
    await writeFile(join(folder, '.maskpilot', 'learning.json'), '{"version": 1, "settings": ');
    await open();
    expect(project.openWarnings.some((warning) => warning.code === 'CORRUPT_FILE' && /learning\.json/.test(warning.message))).toBe(true);
    expect((await project.getLearningState({})).settings).toEqual({ autoFineTune: true, correctionsPerFineTune: 25 });
    expect((await readdir(join(folder, '.maskpilot'))).some((name) => name.startsWith('learning.json.corrupt-'))).toBe(true);
  });
});

describe('version stats', () => {
  test('per version: proposed, accepted as-is, edited with mean IoU to the proposal, rejected; zeros for unused versions', async () => {
    await open();
    const full = rectangleRle(W, H, 0, 0, 20, 10); // 200 px
    const half = rectangleRle(W, H, 0, 0, 10, 10); // 100 px inside it: IoU .5
    await project.saveAnnotations({
      imageId: 'img1.jpg',
      instances: [
        proposal('a', 'accepted'),
        proposal('b', 'proposed'),
        proposal('c', 'rejected'),
        { ...proposal('d', 'edited'), rle: half, polygons: [[0, 0, 10, 0, 10, 10, 0, 10]], proposalRle: full },
        proposal('e', 'edited'), // edited before proposalRle was kept: counted, not in the IoU
        rectangleInstance('m', W, H), // manual: belongs to no version
      ],
    });
    await project.saveAnnotations({
      imageId: 'img2.jpg',
      instances: [{ ...proposal('d', 'edited', 'old-model-v0'), rle: full, polygons: [[0, 0, 20, 0, 20, 10, 0, 10]], proposalRle: full }],
    });
    expect(await project.getVersionStats({})).toEqual([
      { versionId: 'deepmask-test-v1', proposed: 1, acceptedAsIs: 1, edited: 2, meanEditIou: 0.5, rejected: 1 },
      { versionId: 'instancefcn-test-v1', proposed: 0, acceptedAsIs: 0, edited: 0, meanEditIou: null, rejected: 0 },
      { versionId: 'old-model-v0', proposed: 0, acceptedAsIs: 0, edited: 1, meanEditIou: 1, rejected: 0 },
    ]);
    // Later saves are reflected (the tallies of saved images are recounted, not kept stale).
    await project.saveAnnotations({ imageId: 'img1.jpg', instances: [proposal('a', 'rejected'), proposal('b', 'rejected')] });
    await project.saveAnnotations({ imageId: 'img3.jpg', instances: [proposal('x', 'accepted', 'instancefcn-test-v1')] });
    const [deepmask, instancefcn] = await project.getVersionStats({});
    expect(deepmask).toEqual({ versionId: 'deepmask-test-v1', proposed: 0, acceptedAsIs: 0, edited: 0, meanEditIou: null, rejected: 2 });
    expect(instancefcn.acceptedAsIs).toBe(1);
  });
});
