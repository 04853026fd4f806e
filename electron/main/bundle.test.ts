// The bundles `npm run build:electron` produces, run under plain Node with a stand-in 'electron'
// (testing/electron-stub.mjs): proves the ESM main bundle loads (its imports of 'electron', sharp
// and the node-side services resolve from dist/electron/), finds its preload and the UI, and
// answers IPC and protocol requests; and that the preload is one CommonJS file needing only
// 'electron', as a sandboxed preload must be.
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFolderToTemp, removeTempFolder } from '../../test/support/host';
import { repoRoot } from '../../test/support/shared-data';
import { polygonsToRle, toCocoRle } from '../../shared/geometry';

let folder: string;
let userData: string;
/** This test's own build (dist/electron-bundle-test), so no other test file rewrites it meanwhile. */
const OUT = 'electron-bundle-test';
const outdir = resolve(repoRoot, 'dist', OUT);

const modelAvailable = existsSync(resolve(repoRoot, 'electron/model/provider.ts')) && existsSync(resolve(repoRoot, 'resources/models/deepmask'));

/** Runs dist/electron/main.js on the folder under the stand-in electron; returns its one-line report. */
function runBundle(env: Record<string, string> = {}) {
  const run = spawnSync(
    process.execPath,
    ['--import', './electron/main/testing/register-electron-stub.mjs', join(outdir, 'main.js'), folder],
    { cwd: repoRoot, encoding: 'utf8', timeout: 150_000, env: { ...process.env, MASKPILOT_USER_DATA: userData, ...env } },
  );
  const line = run.stdout.split('\n').find((text) => text.startsWith('SMOKE '));
  if (!line) throw new Error(`no report from the bundle (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { status: run.status, report: JSON.parse(line.slice('SMOKE '.length)) };
}

describe('bundled main process and preload', () => {
  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--outdir-name', OUT], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build-electron failed:\n${build.stderr}`);
    folder = await copyFolderToTemp(resolve(repoRoot, 'resources/sample-photos'), 'mp-bundle-');
    userData = await mkdtemp(join(tmpdir(), 'mp-bundle-profile-'));
  });

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
    if (folder) await removeTempFolder(folder);
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  test('the preload is one CommonJS file whose only import is electron', () => {
    const preload = readFileSync(join(outdir, 'preload.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(requires).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
  });

  test('main.js starts, opens the folder, loads the UI over app:// and answers the page', () => {
    const { status, report } = runBundle();
    expect(report.protocols).toEqual(['app', 'maskpilot-image']);
    expect(report.loadedUrl).toBe('app://maskpilot/index.html?session=1');
    expect(report.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(existsSync(report.webPreferences.preload)).toBe(true);
    expect(report.calls.getProject).toMatchObject({ ok: true, result: { imageCount: 6 } });
    expect(report.calls.listImages.result.images.map((image: { id: string }) => image.id)).toEqual(['astronaut.jpg', 'camera.jpg']);
    expect(report.calls.offList).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.calls.image).toMatchObject({ status: 200 });
    expect(report.calls.image.bytes).toBeGreaterThan(100);
    const rendererBuilt = existsSync(resolve(repoRoot, 'dist/renderer/index.html'));
    expect(report.calls.appIndex.status).toBe(rendererBuilt ? 200 : 404);
    if (rendererBuilt) expect(report.calls.appIndex.csp).toMatch(/script-src 'self'/);
    expect(status).toBe(0);
    expect(existsSync(join(userData, 'window-state.json'))).toBe(true);
  });

  test.skipIf(!modelAvailable)('the model module runs in its bundled worker and proposes on a real photo', () => {
    const { report } = runBundle({ MASKPILOT_SMOKE_PROPOSE: '120' });
    expect(report.calls.modelStatus).toMatchObject({ ok: true, result: { ready: true } });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(report.calls.modelStatus.result.backend);
    expect(report.calls.propose).toMatchObject({ ok: true, first: { status: 'proposed' } });
    expect(report.calls.propose.count).toBeGreaterThan(0);
    // Model versions and the learner work in the bundle too.
    const versions = report.calls.versions.result;
    expect(versions.versions.map((version: { architecture: string; kind: string }) => `${version.architecture}/${version.kind}`)).toEqual(['guided/bundled', 'deepmask/bundled', 'instancefcn/bundled']);
    expect(versions.activeId).toBe(versions.versions[0].id);
    // The stand-in activates the InstanceFCN version: switching networks works in the bundle.
    expect(report.calls.activate).toMatchObject({ ok: true, result: { ready: true, modelVersion: versions.versions[2].id } });
    expect(report.calls.fineTune).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(report.calls.fineTune.error.message).toMatch(/Nothing to learn from yet/);
  }, 180_000);

  test.skipIf(!modelAvailable)('the bundled training worker evaluates weights on an annotated photo', async () => {
    const weights = resolve(repoRoot, 'resources/models/deepmask');
    const box = { x: 100, y: 60, w: 200, h: 250 };
    const polygon = [box.x, box.y, box.x + box.w, box.y, box.x + box.w, box.y + box.h, box.x, box.y + box.h];
    const rle = toCocoRle(polygonsToRle([polygon], 512, 512));
    const annotations = {
      imageId: 'astronaut.jpg', width: 512, height: 512, status: 'done', revision: 1,
      instances: [{ id: 'a', polygons: [polygon], rle, score: null, status: 'accepted', source: 'manual', categoryId: null, modelVersion: null }],
    };
    const images = [{ path: join(folder, 'astronaut.jpg'), width: 512, height: 512, annotations, complete: true }];
    // A request of the generic channel (shared/api/wire.ts), as the worker learner sends it.
    const reply = await new Promise<{ type: string; ok?: boolean; result?: { images: number; instances: number; ar100: number } }>((resolveReply, reject) => {
      const worker = new Worker(join(outdir, 'learner-worker-entry.mjs'), { env: { ...process.env, MASKPILOT_TFJS_WASM_DIR: resolve(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/') } });
      worker.on('message', (message: { type: string }) => {
        if (message.type === 'progress') return;
        void worker.terminate();
        resolveReply(message);
      });
      worker.once('error', reject);
      worker.postMessage({ type: 'request', id: 1, method: 'evaluate', params: { modelDir: weights, images } });
    });
    expect(reply).toMatchObject({ type: 'response', ok: true, result: { images: 1, instances: 1 } });
    expect(reply.result!.ar100).toBeGreaterThanOrEqual(0);
  }, 120_000);

  test.skipIf(!modelAvailable)('the bundled model worker loads tfjs wasm from the folder main gives it', async () => {
    // A folder without the .wasm files must make the wasm backend fail (and the model fall back),
    // which proves the worker uses MASKPILOT_TFJS_WASM_DIR rather than a path of its own.
    const weights = resolve(repoRoot, 'resources/models/deepmask');
    const report = await new Promise<{ backend: string; backendNotes: string[] }>((resolveReport, reject) => {
      const worker = new Worker(join(outdir, 'worker-entry.mjs'), { env: { ...process.env, MASKPILOT_TFJS_WASM_DIR: join(userData, 'no-wasm-here/') } });
      worker.once('message', (reply: { ok: boolean; result: { backend: string; backendNotes: string[] } }) => {
        void worker.terminate();
        if (reply.ok) resolveReport(reply.result);
        else reject(new Error(JSON.stringify(reply)));
      });
      worker.once('error', reject);
      worker.postMessage({ type: 'request', id: 1, method: 'init', params: { modelDir: weights, bundledModelDir: weights, backend: 'wasm' } });
    });
    expect(report.backend).not.toBe('wasm');
    expect(report.backendNotes.join(' ')).toMatch(/wasm: /);
  }, 120_000);
});
