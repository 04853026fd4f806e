import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, defaultModelDir } from './deepmask/model';
import { createHeads } from './heads';
import { createInstanceFcnHeads } from './instancefcn/heads';
import { defaultInstanceFcnModelDir, INSTANCEFCN_NMS_IOU } from './instancefcn/model';
import { createModelForDir, defaultModel, MODELS, modelById, modelOfDir, resolveModelChoice } from './registry';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'registry-'));
  const instanceFcn = createInstanceFcnHeads({ channels: 4, sharedChannels: 4, contextChannels: 4, objectnessReduceChannels: 2, objectnessHidden: 4 });
  await instanceFcn.save(join(dir, 'ifcn'), { modelVersion: 'i' });
  instanceFcn.dispose();
  const deepMask = createHeads({ channels: 4, sharedChannels: 4, maskReduceChannels: 2, maskBottleneck: 4, scoreReduceChannels: 2, scoreHidden: 4 });
  await deepMask.save(join(dir, 'dm'), { modelVersion: 'd' });
  deepMask.dispose();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the model registry', () => {
  test('one entry per model, ids unique, each with a label, a bundled folder and a factory', () => {
    expect(new Set(MODELS.map((model) => model.id)).size).toBe(MODELS.length);
    for (const model of MODELS) {
      expect(model.label.length).toBeGreaterThan(0);
      expect(model.bundledDir()).toMatch(/resources\/models\//);
      expect(modelById(model.id)).toBe(model);
    }
    expect(() => modelById('nope')).toThrow(/unknown model 'nope'/);
  });

  test('--model names pick the bundled weights of each model; no value picks the default', async () => {
    expect(await resolveModelChoice('deepmask')).toEqual({ model: modelById('deepmask'), modelDir: defaultModelDir() });
    expect(await resolveModelChoice('instancefcn')).toEqual({ model: modelById('instancefcn'), modelDir: defaultInstanceFcnModelDir() });
    expect(await resolveModelChoice(undefined)).toEqual({ model: defaultModel(), modelDir: defaultModel().bundledDir() });
  });

  test('a folder is recognised by its heads.json', async () => {
    expect((await modelOfDir(join(dir, 'ifcn'))).id).toBe('instancefcn');
    expect((await modelOfDir(join(dir, 'dm'))).id).toBe('deepmask');
    expect((await resolveModelChoice(join(dir, 'ifcn'))).model.id).toBe('instancefcn');
    await expect(resolveModelChoice(join(dir, 'none'))).rejects.toThrow(/heads.json missing/);
  });

  test('createModelForDir builds InstanceFCN (NMS 0.8) or DeepMask by folder', async () => {
    const instanceFcn = await createModelForDir({ modelDir: join(dir, 'ifcn') });
    expect(instanceFcn.settings.nmsIou).toBe(INSTANCEFCN_NMS_IOU);
    instanceFcn.dispose();
    const deepMask = await createModelForDir({ modelDir: join(dir, 'dm'), settings: { maxCandidates: 77 } });
    expect(deepMask.settings.nmsIou).toBe(DEFAULT_SETTINGS.nmsIou);
    expect(deepMask.settings.maxCandidates).toBe(77);
    deepMask.dispose();
  });
});
