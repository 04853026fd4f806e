import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ModelVersion } from '../../../../shared/api/types';
import { makeTempFolder } from '../test-helpers';
import { writeFakeWeights } from './test-fakes';
import { VersionStore } from './version-store';

function fineTune(id: string, overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    id,
    architecture: 'deepmask',
    architectureLabel: 'DeepMask',
    kind: 'finetuned',
    label: `Fine-tune ${id.slice(3)} of DeepMask`,
    parentId: 'deepmask-test-v1',
    createdAt: '2026-11-25T17:00:00.000Z',
    evaluation: { heldOutImages: 2, heldOutInstances: 5, ar10: 0.2, ar100: 0.31, baselineId: 'deepmask-test-v1', baselineAr10: 0.1, baselineAr100: 0.28 },
    training: { positives: 10, negatives: 3, triplets: 128, steps: 4, seconds: 1.5, loss: [{ step: 1, maskLoss: 0.7, scoreLoss: 0.3 }] },
    decision: 'AR@100 .310 vs .280: adopted',
    ...overrides,
  };
}

/** Writes a complete version folder (weights + record), as a finished fine-tune leaves it. */
async function writeVersionFolder(store: VersionStore, version: ModelVersion): Promise<void> {
  await writeFakeWeights(store.versionDir(version.id), version.id);
  await store.writeRecord(version);
}

let folder: string;
let store: VersionStore;

beforeEach(async () => {
  folder = await makeTempFolder('maskpilot-versions-');
  store = new VersionStore(join(folder, 'models'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('VersionStore', () => {
  test('a fresh project has no fine-tunes and no stored choice', async () => {
    expect(await store.read()).toEqual({ file: { versions: [], activeId: null }, warning: null });
    expect(await store.nextId([])).toBe('ft-1');
  });

  test('writes and reads back the list and the active id', async () => {
    const versions = [fineTune('ft-1'), fineTune('ft-2', { evaluation: null, decision: 'not evaluated: no held-out images yet; adopted' })];
    for (const version of versions) await writeVersionFolder(store, version);
    await store.write({ versions, activeId: 'ft-2' });
    const read = await new VersionStore(join(folder, 'models')).read();
    expect(read.warning).toBeNull();
    expect(read.file).toEqual({ versions, activeId: 'ft-2' });
    expect(await store.nextId(read.file.versions)).toBe('ft-3');
  });

  test('a damaged versions.json is kept aside and the list rebuilt from the folders, with a warning', async () => {
    const versions = [fineTune('ft-1'), fineTune('ft-3')];
    for (const version of versions) await writeVersionFolder(store, version);
    await store.write({ versions, activeId: 'ft-3' });
    await writeFile(store.listPath, '{"version": 1, "activeId": "ft-3", "versions": [{"id": ');
    const read = await store.read();
    expect(read.file).toEqual({ versions, activeId: null });
    expect(read.warning?.code).toBe('CORRUPT_FILE');
    expect(read.warning?.message).toMatch(/rebuilt from their folders \(2 found\)/);
    const names = await readdir(join(folder, 'models'));
    const aside = names.find((name) => name.startsWith('versions.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(folder, 'models', aside!), 'utf8')).toContain('"activeId": "ft-3"');
  });

  test('a record with a wrong shape counts as damage too', async () => {
    await mkdir(join(folder, 'models'), { recursive: true });
    await writeFile(store.listPath, JSON.stringify({ version: 1, activeId: null, versions: [{ ...fineTune('ft-1'), training: { steps: 'many' } }] }));
    const read = await store.read();
    expect(read.warning?.message).toMatch(/training numbers are missing/);
    expect(read.file.versions).toEqual([]);
  });

  test('a version whose record never reached the list is picked up; an unfinished folder is removed', async () => {
    await writeVersionFolder(store, fineTune('ft-1'));
    await store.write({ versions: [fineTune('ft-1')], activeId: 'ft-1' });
    await writeVersionFolder(store, fineTune('ft-2')); // crash before versions.json was rewritten
    await writeFakeWeights(store.versionDir('ft-3'), 'ft-3'); // crash mid fine-tune: no record
    const read = await store.read();
    expect(read.file.versions.map((version) => version.id)).toEqual(['ft-1', 'ft-2']);
    expect(read.file.activeId).toBe('ft-1');
    expect(await store.nextId(read.file.versions)).toBe('ft-4'); // never reuses a folder's id
    expect(await store.removeIncomplete(read.file.versions)).toEqual(['ft-3']);
    expect((await readdir(join(folder, 'models'))).sort()).toEqual(['ft-1', 'ft-2', 'versions.json']);
  });

  test('claims: two fine-tunes never get one id, and a live claim protects its unfinished folder', async () => {
    expect(await store.claimNextId([])).toBe('ft-1');
    expect(await store.claimNextId([])).toBe('ft-2'); // ft-1 is claimed though its folder does not exist yet
    await writeFakeWeights(store.versionDir('ft-1'), 'ft-1'); // in progress in this (live) process
    await writeFakeWeights(store.versionDir('ft-2'), 'ft-2');
    await writeFile(join(folder, 'models', 'ft-2.claim'), '999999999\n'); // its process is gone
    expect(await store.removeIncomplete([])).toEqual(['ft-2']);
    expect((await readdir(join(folder, 'models'))).sort()).toEqual(['ft-1', 'ft-1.claim']);
    await store.releaseClaim('ft-1');
    expect(await store.removeIncomplete([])).toEqual(['ft-1']);
  });

  test('refuses ids that are not fine-tune ids as folder names (no path tricks)', () => {
    expect(() => store.versionDir('../../etc')).toThrow(/not a fine-tune id/);
    expect(() => store.versionDir('deepmask-coco128-v1')).toThrow(/not a fine-tune id/);
  });
});
