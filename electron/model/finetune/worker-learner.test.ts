import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { FINE_TUNABLE } from '../learner';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { LearnerProgress, LearningImage } from '../../services/learner';
import { datasetsAvailable, datasetsDir, datasetsSkipReason } from '../../../test/support/shared-data';
import { defaultModelDir } from '../deepmask/model';
import { readHeadsManifest } from '../heads-io';
import { readCocoFile } from '../training/dataset';
import { learningImagesFromCoco } from './coco-learning-images';
import { startWorkerLearner, type WorkerLearner } from './worker-learner';

const reason = datasetsAvailable ? '' : ` (${datasetsSkipReason})`;

describe.skipIf(!datasetsAvailable)('the worker learner', () => {
  let work: string;
  let images: LearningImage[];
  let learner: WorkerLearner;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'maskpilot-worker-learner-'));
    const dir = join(datasetsDir, 'pennfudan');
    images = learningImagesFromCoco(await readCocoFile(join(dir, 'annotations.json')), join(dir, 'images')).slice(0, 2);
    learner = await startWorkerLearner();
  }, 120_000);
  afterAll(async () => {
    await learner?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test(`fine-tunes in the worker with progress, then evaluates the new weights${reason}`, async () => {
    const progress: LearnerProgress[] = [];
    const outputDir = join(work, 'v1');
    const report = await learner.fineTune(
      { baseModelDir: defaultModelDir(), outputDir, modelVersion: 'worker-ft', images, steps: 4, cacheDir: join(work, 'cache') },
      (event) => progress.push(event),
      new AbortController().signal,
    );
    expect(report).toMatchObject({ steps: 4, cancelled: false, triplets: 128 });
    expect(progress.some((event) => event.phase === 'features')).toBe(true);
    expect(progress.filter((event) => event.phase === 'training').map((event) => (event as { step: number }).step)).toEqual([2, 4]);
    expect((await readHeadsManifest(outputDir)).meta.modelVersion).toBe('worker-ft');

    const evaluation = await learner.evaluate(outputDir, images, new AbortController().signal);
    expect(evaluation.images).toBe(2);
    expect(evaluation.instances).toBe(images.reduce((sum, image) => sum + image.annotations.instances.length, 0));
    expect(evaluation.ar100).toBeGreaterThan(0);
    expect(evaluation.ar100).toBeLessThanOrEqual(1);
    expect(evaluation.ar10).toBeLessThanOrEqual(evaluation.ar100);
  }, 300_000);

  test(`aborting the signal cancels the run inside the worker${reason}`, async () => {
    const controller = new AbortController();
    const outputDir = join(work, 'cancelled');
    const report = await learner.fineTune(
      { baseModelDir: defaultModelDir(), outputDir, modelVersion: 'cancelled', images, steps: 2000, cacheDir: join(work, 'cache') },
      (event) => event.phase === 'training' && controller.abort(),
      controller.signal,
    );
    expect(report.cancelled).toBe(true);
    expect(report.steps).toBeLessThan(100);
    await expect(readdir(outputDir)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  test(`errors cross as ApiErrors; a crash rejects the call clearly and the next call gets a fresh worker${reason}`, async () => {
    const noPositives = images.map((image) => ({ ...image, annotations: { ...image.annotations, instances: [] } }));
    const refused = learner.fineTune({ baseModelDir: defaultModelDir(), outputDir: join(work, 'x'), modelVersion: 'x', images: noPositives }, () => undefined, new AbortController().signal);
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toThrow(/nothing to learn from/);
    // No negatives (nothing rejected, no image marked done): a coded refusal, not a message to parse.
    const noNegatives = images.map((image) => ({
      ...image,
      complete: false,
      annotations: { ...image.annotations, instances: image.annotations.instances.filter((instance) => instance.status !== 'rejected') },
    }));
    const unlearnable = await learner
      .fineTune({ baseModelDir: defaultModelDir(), outputDir: join(work, 'y'), modelVersion: 'y', images: noNegatives }, () => undefined, new AbortController().signal)
      .catch((error: unknown) => error);
    expect(unlearnable).toBeInstanceOf(ApiError);
    expect(unlearnable).toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'NO_NEGATIVES' }, message: expect.stringMatching(/nothing to learn "no object" from/) });

    const starts = learner.workerStarts;
    let crashed = false;
    const running = learner.fineTune(
      { baseModelDir: defaultModelDir(), outputDir: join(work, 'crashed'), modelVersion: 'crashed', images, steps: 2000, cacheDir: join(work, 'cache') },
      (event) => {
        if (event.phase === 'training' && !crashed) {
          crashed = true;
          void learner.simulateCrash();
        }
      },
      new AbortController().signal,
    );
    await expect(running).rejects.toThrow(/the training worker stopped .*fresh one/);
    const again = await learner.fineTune(
      { baseModelDir: defaultModelDir(), outputDir: join(work, 'after-crash'), modelVersion: 'after-crash', images: images.slice(0, 1), steps: 2, cacheDir: join(work, 'cache') },
      () => undefined,
      new AbortController().signal,
    );
    expect(again.steps).toBe(2);
    expect(learner.workerStarts).toBe(starts + 1);
  }, 300_000);
});

describe('the worker learner lifecycle', () => {
  test('calls after dispose are refused', async () => {
    const disposable = await startWorkerLearner();
    // The models the worker's registry can fine-tune; the service refuses others up front.
    expect(disposable.architectures).toEqual(FINE_TUNABLE);
    expect(disposable.architectures).toContain('deepmask');
    expect(disposable.architectures).not.toContain('instancefcn');
    await disposable.dispose();
    await expect(disposable.evaluate(defaultModelDir(), [], new AbortController().signal)).rejects.toThrow(/disposed/);
  }, 60_000);
});
