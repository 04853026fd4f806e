import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readCocoFile } from '../training/dataset';
import { createDeepMask, defaultModelDir } from '../deepmask/model';
import { readHeadsManifest } from '../heads-io';
import { createHeads, loadHeads } from '../heads';
import { selectBackend } from '../backend';
import { loadTrunk, type Trunk } from '../trunk';
import type { LearnerProgress, LearningImage } from '../../services/learner';
import { datasetsAvailable, datasetsDir, datasetsSkipReason } from '../../../test/support/shared-data';
import { learningImagesFromCoco } from './coco-learning-images';
import { defaultFineTuneSteps, fineTuneDeepMask, lossPoints } from './finetune';
import { evaluateModelDir } from './evaluate';

const reason = datasetsAvailable ? '' : ` (${datasetsSkipReason})`;

describe('defaultFineTuneSteps and lossPoints', () => {
  test('steps grow with the data within [40, 400], always even', () => {
    expect(defaultFineTuneSteps(3)).toBe(40);
    expect(defaultFineTuneSteps(51)).toBe(102);
    expect(defaultFineTuneSteps(5000)).toBe(400);
  });

  test('loss points pair a mask and a score step and average down long runs', () => {
    const history = Array.from({ length: 8 }, (_, i) => ({ step: i + 1, branch: i % 2 === 0 ? ('mask' as const) : ('score' as const), loss: i }));
    expect(lossPoints(history)).toEqual([
      { step: 2, maskLoss: 0, scoreLoss: 1 },
      { step: 4, maskLoss: 2, scoreLoss: 3 },
      { step: 6, maskLoss: 4, scoreLoss: 5 },
      { step: 8, maskLoss: 6, scoreLoss: 7 },
    ]);
    expect(lossPoints(history, 2)).toEqual([
      { step: 4, maskLoss: 1, scoreLoss: 2 },
      { step: 8, maskLoss: 5, scoreLoss: 6 },
    ]);
  });
});

describe.skipIf(!datasetsAvailable)('fine-tuning DeepMask on pennfudan corrections', () => {
  let work: string;
  let images: LearningImage[];
  let trunk: Trunk;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'maskpilot-finetune-'));
    const dir = join(datasetsDir, 'pennfudan');
    images = learningImagesFromCoco(await readCocoFile(join(dir, 'annotations.json')), join(dir, 'images')).slice(0, 4);
    await selectBackend();
    trunk = await loadTrunk();
  }, 120_000);
  afterAll(async () => {
    trunk?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test(`lowers the training loss, writes loadable weights with the new version whose proposals differ from the base${reason}`, async () => {
    const outputDir = join(work, 'v2');
    const cacheDir = join(work, 'cache');
    const progress: LearnerProgress[] = [];
    const report = await fineTuneDeepMask(
      { baseModelDir: defaultModelDir(), outputDir, modelVersion: 'pennfudan-ft-1', images, steps: 40, cacheDir, seed: 3 },
      // A high learning rate makes the change visible after 40 steps on 4 images.
      { trunk, onProgress: (event) => progress.push(event), learningRate: 1e-3 },
    );
    expect(report.cancelled).toBe(false);
    expect(report.steps).toBe(40);
    expect(report.triplets).toBe(40 * 32);
    expect(report.positives).toBeGreaterThan(4);
    const first = report.loss.slice(0, 4);
    const last = report.loss.slice(-4);
    const mean = (points: typeof first, key: 'maskLoss' | 'scoreLoss'): number => points.reduce((sum, point) => sum + point[key], 0) / points.length;
    expect(mean(last, 'maskLoss')).toBeLessThan(mean(first, 'maskLoss'));
    expect(progress.some((event) => event.phase === 'features')).toBe(true);
    expect(progress.filter((event) => event.phase === 'training').at(-1)).toMatchObject({ step: 40, totalSteps: 40 });

    const manifest = await readHeadsManifest(outputDir);
    expect(manifest.meta.modelVersion).toBe('pennfudan-ft-1');
    expect(manifest.meta.parentVersion).toBe('deepmask-coco128-v2');
    // The bundled heads carry a 32-wide mask refiner: the fine-tune keeps it and trains it.
    expect(manifest.config).toMatchObject({ refineHidden: 32, refineChannels8: 32, refineChannels4: 24 });
    expect(await readFile(join(outputDir, 'MODEL_CARD.md'), 'utf8')).toMatch(/fine-tuned from \*\*deepmask-coco128-v2\*\*[\s\S]*Mask refiner: 32 wide[^\n]*inherited from deepmask-coco128-v2[\s\S]*steps: 40/);
    expect((await readdir(work)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The disk cache holds the views' features for the next fine-tune of the project.
    const cached = (await readdir(cacheDir, { recursive: true })).filter((name) => String(name).endsWith('.f32'));
    expect(cached.length).toBeGreaterThan(images.length);

    const probe = { path: images[0].path, width: images[0].width, height: images[0].height };
    const base = createDeepMask({ trunk });
    const tuned = createDeepMask({ trunk, modelDir: outputDir });
    await base.load();
    await tuned.load();
    const before = await base.propose(probe, { maxProposals: 5, withPolygons: false });
    const after = await tuned.propose(probe, { maxProposals: 5, withPolygons: false });
    base.dispose();
    tuned.dispose();
    expect(after[0].modelVersion).toBe('pennfudan-ft-1');
    expect(after.map((instance) => instance.score)).not.toEqual(before.map((instance) => instance.score));
  }, 300_000);

  test(`heads without a refiner get one (16 wide, starting as the identity) and it is trained${reason}`, async () => {
    const plainDir = join(work, 'plain-base');
    const plain = createHeads({ channels: trunk.channels }, 2);
    await plain.save(plainDir, { modelVersion: 'plain-base' });
    plain.dispose();
    const outputDir = join(work, 'from-plain');
    await fineTuneDeepMask({ baseModelDir: plainDir, outputDir, modelVersion: 'from-plain-1', images: images.slice(0, 2), steps: 4, cacheDir: join(work, 'cache'), seed: 3 }, { trunk });
    const manifest = await readHeadsManifest(outputDir);
    expect(manifest.config).toMatchObject({ refineHidden: 16, refineChannels8: 32, refineChannels4: 24 });
    expect(manifest.weights.map((weight) => weight.name)).toContain('refine/conv2/pointwise');
    expect(await readFile(join(outputDir, 'MODEL_CARD.md'), 'utf8')).toMatch(/fine-tuned from \*\*plain-base\*\*[\s\S]*Mask refiner: 16 wide[^\n]*added by this fine-tune/);
    const tuned = await loadHeads(outputDir);
    expect(Array.from(await tuned.refineVariables[8].data()).some((value) => value !== 0)).toBe(true); // the output layer left zero
    tuned.dispose();
  }, 120_000);

  test(`a cancelled fine-tune writes nothing${reason}`, async () => {
    const controller = new AbortController();
    const outputDir = join(work, 'cancelled');
    const report = await fineTuneDeepMask(
      { baseModelDir: defaultModelDir(), outputDir, modelVersion: 'cancelled', images: images.slice(0, 2), steps: 400, cacheDir: join(work, 'cache') },
      { trunk, signal: controller.signal, onProgress: (event) => event.phase === 'training' && controller.abort() },
    );
    expect(report.cancelled).toBe(true);
    expect(report.steps).toBeLessThan(400);
    await expect(readdir(outputDir)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  test(`clear refusals: no positives, an InstanceFCN base, an output folder already in use${reason}`, async () => {
    const request = { baseModelDir: defaultModelDir(), outputDir: join(work, 'x'), modelVersion: 'x', steps: 2 };
    const rejectedOnly = images.slice(0, 1).map((image) => ({ ...image, annotations: { ...image.annotations, instances: image.annotations.instances.map((instance) => ({ ...instance, status: 'rejected' as const })) } }));
    await expect(fineTuneDeepMask({ ...request, images: rejectedOnly }, { trunk })).rejects.toThrow(/nothing to learn from: no accepted or edited/);
    await expect(fineTuneDeepMask({ ...request, images, steps: 0 }, { trunk })).rejects.toThrow(/steps must be a positive integer/);
    await expect(evaluateModelDir(defaultModelDir(), rejectedOnly, { trunk })).rejects.toThrow(/nothing to evaluate on/);

    const fcnDir = join(work, 'fcn');
    await mkdir(fcnDir);
    const manifest = JSON.parse(await readFile(join(defaultModelDir(), 'heads.json'), 'utf8'));
    manifest.meta.architecture = 'instancefcn';
    await writeFile(join(fcnDir, 'heads.json'), JSON.stringify(manifest));
    await expect(fineTuneDeepMask({ ...request, baseModelDir: fcnDir, images }, { trunk })).rejects.toThrow(/fine-tuning needs a DeepMask version/);

    const used = join(work, 'used');
    await cp(defaultModelDir(), used, { recursive: true });
    await expect(fineTuneDeepMask({ ...request, outputDir: used, images: images.slice(0, 1), cacheDir: join(work, 'cache') }, { trunk })).rejects.toThrow(/already holds files/);
    expect((await readdir(work)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
