import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { selectBackend } from './backend';
import { createHeads } from './heads';
import { createModelProvider, type WorkerModelProvider } from './provider';

const NARROW = { sharedChannels: 16, maskReduceChannels: 8, maskBottleneck: 32, scoreReduceChannels: 8, scoreHidden: 16 };
let dir: string;
let weights: string;
let image: { path: string; width: number; height: number };
const providers: WorkerModelProvider[] = [];

beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'provider-'));
  weights = join(dir, 'weights');
  const heads = createHeads(NARROW, 4);
  await heads.save(weights, { version: 'provider-test-1' });
  heads.dispose();
  const path = join(dir, 'photo.png');
  await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 200, g: 90, b: 40 } } }).png().toFile(path);
  image = { path, width: 160, height: 120 };
}, 60_000);

afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.dispose()));
  await rm(dir, { recursive: true, force: true });
});

async function provider(options: Parameters<typeof createModelProvider>[0]): Promise<WorkerModelProvider> {
  const created = await createModelProvider(options);
  providers.push(created);
  return created;
}

describe('worker-backed model provider', () => {
  test('loads in a worker, reports backend, notes, version and latency, and proposes without blocking', async () => {
    const model = await provider({ modelDir: weights, bundledModelDir: join(dir, 'no-bundle'), settings: { maxCandidates: 40 } });
    const status = model.status();
    expect(status).toMatchObject({ ready: true, backend: 'wasm', modelVersion: 'provider-test-1', lastLatencyMs: null });
    expect(status.backendNotes[0]).toMatch(/^tensorflow: /);
    expect(status.message).toBeUndefined();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const proposals = await model.propose(image, { maxProposals: 5 });
    clearInterval(timer);
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals[0].rle.size).toEqual([120, 160]);
    // The caller's event loop kept running while the worker computed.
    expect(ticks).toBeGreaterThan(2);
    expect(model.status().lastLatencyMs).toBeGreaterThan(0);
    const click = await model.segmentAt(image, { clicks: [{ x: 80, y: 60, positive: true }] });
    expect(click?.source).toBe('click');
  }, 120_000);

  test('corrupt chosen weights fall back to the bundled ones and the status says so', async () => {
    const corrupt = join(dir, 'corrupt');
    const heads = createHeads(NARROW, 5);
    await heads.save(corrupt, { version: 'broken' });
    heads.dispose();
    await writeFile(join(corrupt, 'heads.bin'), Buffer.from('garbage'));
    const model = await provider({ modelDir: corrupt, bundledModelDir: weights });
    const status = model.status();
    expect(status).toMatchObject({ ready: true, modelVersion: 'provider-test-1' });
    expect(status.message).toMatch(/heads\.bin are corrupt.*using the bundled weights instead/);
  }, 120_000);

  test('with no usable weights the status explains why and calls fail with MODEL_UNAVAILABLE', async () => {
    const model = await provider({ modelDir: join(dir, 'none-a'), bundledModelDir: join(dir, 'none-b') });
    const status = model.status();
    expect(status.ready).toBe(false);
    expect(status.message).toMatch(/no model could be loaded: no model weights at .*none-a.*none-b/);
    const failure = await model.propose(image, { maxProposals: 3 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('MODEL_UNAVAILABLE');
    expect((failure as ApiError).message).toMatch(/no model weights at/);
  }, 120_000);

  test('a crashed worker is reported and replaced; the next call works', async () => {
    const model = await provider({ modelDir: weights, bundledModelDir: weights, settings: { maxCandidates: 20 } });
    expect(model.workerStarts).toBe(1);
    await model.simulateCrash();
    expect(model.workerStarts).toBe(2);
    expect(model.status().message).toMatch(/model worker stopped \(exit code 1\) and was restarted/);
    const proposals = await model.propose(image, { maxProposals: 2 });
    expect(proposals.length).toBeGreaterThan(0);
    expect(model.status().ready).toBe(true);
  }, 120_000);
});

describe('switching weights with load()', () => {
  let second: string;
  beforeAll(async () => {
    second = join(dir, 'weights-2');
    const heads = createHeads(NARROW, 9);
    await heads.save(second, { modelVersion: 'provider-test-2' });
    heads.dispose();
  });

  test('calls in flight finish with the old weights, later calls use the new ones, the status follows', async () => {
    const model = await provider({ modelDir: weights, bundledModelDir: weights, settings: { maxCandidates: 20 } });
    const inFlight = model.propose(image, { maxProposals: 2 });
    const loaded = model.load?.(second);
    expect((await inFlight)[0].modelVersion).toBe('provider-test-1');
    expect(await loaded).toMatchObject({ ready: true, modelVersion: 'provider-test-2' });
    expect(model.status().modelVersion).toBe('provider-test-2');
    expect((await model.propose(image, { maxProposals: 2 }))[0].modelVersion).toBe('provider-test-2');
  }, 120_000);

  test('weights that cannot be loaded are refused clearly and the current ones stay in use', async () => {
    const model = await provider({ modelDir: second, bundledModelDir: weights, settings: { maxCandidates: 20 } });
    const corrupt = join(dir, 'corrupt-load');
    const heads = createHeads(NARROW, 6);
    await heads.save(corrupt, { modelVersion: 'never' });
    heads.dispose();
    await writeFile(join(corrupt, 'heads.bin'), Buffer.from('garbage'));
    for (const bad of [corrupt, join(dir, 'missing-weights')]) {
      const failure = await model.load?.(bad).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiError);
      expect((failure as ApiError).code).toBe('MODEL_UNAVAILABLE');
      expect((failure as ApiError).message).toMatch(/cannot load the weights in .*; still using provider-test-2/);
      expect(model.status()).toMatchObject({ ready: true, modelVersion: 'provider-test-2' });
    }
    expect((await model.propose(image, { maxProposals: 2 }))[0].modelVersion).toBe('provider-test-2');
  }, 120_000);

  test('a worker restarted after a crash uses the weights loaded last', async () => {
    const model = await provider({ modelDir: weights, bundledModelDir: weights, settings: { maxCandidates: 20 } });
    await model.load?.(second);
    await model.simulateCrash();
    expect((await model.propose(image, { maxProposals: 2 }))[0].modelVersion).toBe('provider-test-2');
    expect(model.status()).toMatchObject({ ready: true, modelVersion: 'provider-test-2' });
  }, 120_000);
});
