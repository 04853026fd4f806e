import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, defaultModelDir } from '../deepmask';
import { createHeads } from '../heads';
import { architectureOf, createModelForDir, resolveModelChoice } from './choose-model';
import { createInstanceFcnHeads } from './heads';
import { defaultInstanceFcnModelDir, INSTANCEFCN_NMS_IOU } from './model';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'choose-model-'));
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

describe('choosing the proposal network', () => {
  test('--model names pick the bundled weights of each architecture', async () => {
    expect(await resolveModelChoice(undefined)).toEqual({ architecture: 'deepmask', modelDir: defaultModelDir() });
    expect(await resolveModelChoice('deepmask')).toEqual({ architecture: 'deepmask', modelDir: defaultModelDir() });
    expect(await resolveModelChoice('instancefcn')).toEqual({ architecture: 'instancefcn', modelDir: defaultInstanceFcnModelDir() });
  });

  test('a folder is recognised by what its heads.json says', async () => {
    expect(await architectureOf(join(dir, 'ifcn'))).toBe('instancefcn');
    expect(await architectureOf(join(dir, 'dm'))).toBe('deepmask');
    expect((await resolveModelChoice(join(dir, 'ifcn'))).architecture).toBe('instancefcn');
    await expect(resolveModelChoice(join(dir, 'none'))).rejects.toThrow(/heads.json missing/);
  });

  test('createModelForDir builds InstanceFCN (NMS 0.8) or DeepMask by folder', async () => {
    const instanceFcn = await createModelForDir({ modelDir: join(dir, 'ifcn') });
    expect(instanceFcn.settings.nmsIou).toBe(INSTANCEFCN_NMS_IOU);
    instanceFcn.dispose();
    const deepMask = await createModelForDir({ modelDir: join(dir, 'dm') });
    expect(deepMask.settings.nmsIou).toBe(DEFAULT_SETTINGS.nmsIou);
    deepMask.dispose();
  });
});
