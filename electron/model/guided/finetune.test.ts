// A guided fine-tune end to end on three real images: untrained prompt-mask weights as the base,
// DeepMask's bundled windows kept (no negatives to fine-tune them on); the new folder is a guided
// model the registry recognises and that loads and proposes.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toCocoRle } from '../../../shared/geometry';
import { segmentationToRle } from '../../../shared/coco/segmentation';
import { datasetsAvailable, datasetsDir, datasetsSkipReason } from '../../../test/support/shared-data';
import type { LearningImage } from '../../services/learner';
import { selectBackend } from '../backend';
import { saveHeadsFiles } from '../heads-io';
import { DEFAULT_PROMPT_MASK_CONFIG, initialPromptMaskValue, promptMaskParameterNames, promptMaskShapes } from '../promptmask/network';
import { readCocoFile } from '../training/dataset';
import { modelOfDir } from '../registry';
import { defaultGuidedSteps, fineTuneGuided } from './finetune';
import { createGuidedModel } from './model';

let dir: string;
beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'guided-finetune-'));
  const shapes = promptMaskShapes(DEFAULT_PROMPT_MASK_CONFIG);
  const parameters = promptMaskParameterNames(DEFAULT_PROMPT_MASK_CONFIG).map((name, index) => ({ name, tensor: initialPromptMaskValue(name, shapes[name], index + 1) }));
  await saveHeadsFiles(join(dir, 'base'), DEFAULT_PROMPT_MASK_CONFIG, { architecture: 'guided', modelVersion: 'guided-base', deepmaskDir: resolve(import.meta.dirname, '../../../resources/models/deepmask') }, parameters);
  tf.dispose(parameters.map((parameter) => parameter.tensor));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fineTuneGuided', () => {
  test('default steps grow with the corrected objects, within bounds', () => {
    expect(defaultGuidedSteps(1)).toBe(20);
    expect(defaultGuidedSteps(100)).toBe(50);
    expect(defaultGuidedSteps(10_000)).toBe(120);
  });

  test.skipIf(!datasetsAvailable)(`trains the head on corrections and writes a guided model that loads${datasetsAvailable ? '' : ` (skipped: ${datasetsSkipReason})`}`, async () => {
    const data = await readCocoFile(join(datasetsDir, 'pennfudan/annotations.json'));
    const images: LearningImage[] = data.images.slice(0, 3).map((image) => ({
      path: join(datasetsDir, 'pennfudan/images', image.file_name),
      width: image.width,
      height: image.height,
      complete: false,
      annotations: {
        imageId: image.file_name,
        width: image.width,
        height: image.height,
        status: 'inProgress',
        revision: 1,
        instances: data.annotations.filter((annotation) => annotation.image_id === image.id).map((annotation, k) => ({ id: `i${k}`, polygons: [], rle: toCocoRle(segmentationToRle(annotation.segmentation, image.height, image.width)), score: null, status: 'accepted' as const, source: 'manual' as const, categoryId: 1, modelVersion: null })),
      },
    }));
    const phases = new Set<string>();
    const report = await fineTuneGuided({ baseModelDir: join(dir, 'base'), outputDir: join(dir, 'ft-1'), modelVersion: 'ft-1', images, steps: 2, cacheDir: join(dir, 'cache') }, { onProgress: (progress) => phases.add(progress.phase) });
    expect(report).toMatchObject({ steps: 2, cancelled: false, triplets: 64 });
    expect(report.positives).toBeGreaterThan(2);
    expect([...phases]).toEqual(['features', 'training']);
    expect((await readdir(join(dir, 'ft-1'))).sort()).toEqual(['MODEL_CARD.md', 'deepmask', 'heads.bin', 'heads.json']);
    const meta = JSON.parse(await readFile(join(dir, 'ft-1/heads.json'), 'utf8')).meta;
    expect(meta).toMatchObject({ architecture: 'guided', modelVersion: 'ft-1', parentVersion: 'guided-base', deepmaskDir: 'deepmask' });
    expect((await modelOfDir(join(dir, 'ft-1'))).id).toBe('guided');
    const model = createGuidedModel({ modelDir: join(dir, 'ft-1'), windows: 20, boxMasks: 10 });
    await model.load();
    expect(model.modelVersion).toBe('ft-1');
    expect((await model.propose({ path: images[0].path, width: images[0].width, height: images[0].height }, { maxProposals: 5 })).length).toBeGreaterThan(0);
    model.dispose();
    // The views are cached: a second fine-tune into another folder reads them back.
    const cached = await readdir(join(dir, 'cache/guided-views'));
    expect(cached).toHaveLength(3);
  }, 300_000);
});
