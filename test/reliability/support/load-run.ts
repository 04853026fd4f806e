// The load scenario shared by test/reliability/load.test.ts (short, CI) and bench/load.ts (long):
// one host (a child process) on a copy of a generated folder of 2,000 small JPEGs, N Chromium pages
// each running the real app and driving the API through the app's own client
// (window.maskpilotEditor.client) for a fixed time: read an image's annotations, save new ones on
// that revision, next image - every page on its own images. Afterwards the host is SIGKILLed and
// every acknowledged save is checked on disk. Latencies are measured in the page.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import type { Instance } from '../../../shared/api/types';
import { Random } from './fuzz';
import { parseAnnotationFile, SidecarStore } from '../../../electron/services/project/sidecar-store';
import { collectPageErrors, launchChromium } from '../../support/browser';
import { rectangleEdit } from './edit-model';
import { buildHostBundle, launchHost } from './host-launcher';

export const LOAD_IMAGE_WIDTH = 64;
export const LOAD_IMAGE_HEIGHT = 48;
/** The first images stay untouched: the UI of every page shows (and may re-read) them. */
const UNTOUCHED_IMAGES = 8;
const TOKEN = 'load-test-token-0123456789abcdef';

/** A folder of `count` small real JPEGs, generated once and cached in the temp dir. */
export async function cachedImageFolder(count: number): Promise<string> {
  const folder = join(tmpdir(), `maskpilot-load-${count}-v1`);
  if (existsSync(join(folder, '.complete'))) return folder;
  await rm(folder, { recursive: true, force: true });
  for (let index = 0; index < count; index += 1) {
    const directory = join(folder, `batch-${String(Math.floor(index / 250)).padStart(2, '0')}`);
    if (index % 250 === 0) await mkdir(directory, { recursive: true });
    await sharp({ create: { width: LOAD_IMAGE_WIDTH, height: LOAD_IMAGE_HEIGHT, channels: 3, background: { r: index % 256, g: (index * 7) % 256, b: 128 } } })
      .jpeg({ quality: 70 })
      .toFile(join(directory, `img-${String(index).padStart(5, '0')}.jpg`));
  }
  await writeFile(join(folder, '.complete'), '');
  return folder;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LoadReport {
  clients: number;
  seconds: number;
  images: number;
  saves: number;
  reads: number;
  errors: string[];
  pageErrors: string[];
  editsLost: number;
  lostSamples: string[];
  latency: { getAnnotations: LatencySummary; saveAnnotations: LatencySummary; all: LatencySummary };
  savesPerSecond: number;
  hostStartMs: number;
  clientKind: string;
}

function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { count: sorted.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(sorted[sorted.length - 1] ?? 0) };
}

interface PageResult {
  kind: string;
  acked: Record<string, { revision: number; ids: string[] }>;
  getMs: number[];
  saveMs: number[];
  errors: string[];
}

/** Instances the pages pick from: valid masks for the folder's image size, made in Node. */
function templates(): Instance[] {
  const random = new Random(99);
  return Array.from({ length: 12 }, (_, index) => rectangleEdit(`t${index}`, LOAD_IMAGE_WIDTH, LOAD_IMAGE_HEIGHT, random).instances[0]);
}

export async function runLoad(options: { clients: number; seconds: number; images: number }): Promise<LoadReport> {
  const source = await cachedImageFolder(options.images);
  const base = await mkdtemp(join(tmpdir(), 'maskpilot-load-run-'));
  const folder = join(base, 'photos');
  await cp(source, folder, { recursive: true });
  const bundle = await buildHostBundle();
  const host = await launchHost(bundle, folder, { token: TOKEN });
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const ids = await listAllIds(host.url);
    const pages = await Promise.all(Array.from({ length: options.clients }, () => (browser as Browser).newPage()));
    const pageErrors = pages.map((page) => collectPageErrors(page));
    // One page after the other: four cold app loads at once can take minutes on a loaded machine.
    for (const page of pages) {
      await page.goto(host.url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
      await page.waitForFunction(() => Boolean((window as unknown as { maskpilotEditor?: unknown }).maskpilotEditor), undefined, { timeout: 180_000 });
    }
    const editable = ids.slice(UNTOUCHED_IMAGES);
    const shared = templates();
    const results = await Promise.all(
      pages.map((page, client) =>
        page.evaluate(driveApi, {
          imageIds: editable.filter((_, index) => index % options.clients === client),
          templates: shared,
          durationMs: options.seconds * 1000,
          client,
        }),
      ),
    );
    // The acknowledged saves must be on disk even if the host dies right now.
    await host.kill();
    const store = new SidecarStore(folder);
    const lost: string[] = [];
    for (const result of results) {
      for (const [imageId, saved] of Object.entries(result.acked)) {
        const text = await readFile(store.annotationPath(imageId), 'utf8').catch(() => null);
        const onDisk = text === null ? null : parseAnnotationFile(text, imageId);
        const idsOnDisk = onDisk?.instances.map((instance) => instance.id) ?? [];
        if (!onDisk || onDisk.revision !== saved.revision || idsOnDisk.join() !== saved.ids.join()) {
          lost.push(`${imageId}: acknowledged revision ${saved.revision}, on disk ${onDisk?.revision ?? 'nothing'}`);
        }
      }
    }
    const getMs = results.flatMap((result) => result.getMs);
    const saveMs = results.flatMap((result) => result.saveMs);
    return {
      clients: options.clients,
      seconds: options.seconds,
      images: ids.length,
      saves: saveMs.length,
      reads: getMs.length,
      errors: results.flatMap((result) => result.errors),
      pageErrors: pageErrors.flat().filter((line) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(line)),
      editsLost: lost.length,
      lostSamples: lost.slice(0, 10),
      latency: { getAnnotations: summarize(getMs), saveAnnotations: summarize(saveMs), all: summarize([...getMs, ...saveMs]) },
      savesPerSecond: Math.round((saveMs.length / options.seconds) * 10) / 10,
      hostStartMs: Math.round(host.startMs),
      clientKind: results[0]?.kind ?? 'none',
    };
  } finally {
    await browser?.close();
    await host.kill();
    await rm(bundle, { force: true });
    await rm(base, { recursive: true, force: true });
  }
}

async function listAllIds(url: string): Promise<string[]> {
  const { connectApi } = await import('../../support/host');
  const api = await connectApi(url);
  try {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await api.listImages({ offset, limit: 1000 });
      ids.push(...page.images.map((image) => image.id));
      if (ids.length >= page.total) return ids;
    }
  } finally {
    api.close();
  }
}

/** Runs inside the page: the app's client, a read-then-save loop over this page's images. */
async function driveApi(input: { imageIds: string[]; templates: Instance[]; durationMs: number; client: number }): Promise<PageResult> {
  interface Api {
    getAnnotations(params: { imageId: string }): Promise<{ revision: number }>;
    saveAnnotations(params: { imageId: string; instances: Instance[]; status: string; baseRevision: number }): Promise<{ revision: number }>;
  }
  const editor = (window as unknown as { maskpilotEditor?: { client?: Api } }).maskpilotEditor;
  const api = editor?.client;
  const result: PageResult = { kind: 'app client (window.maskpilotEditor.client)', acked: {}, getMs: [], saveMs: [], errors: [] };
  if (!api) {
    result.errors.push('the app exposes no client');
    return result;
  }
  const deadline = performance.now() + input.durationMs;
  let step = 0;
  while (performance.now() < deadline) {
    const imageId = input.imageIds[step % input.imageIds.length];
    try {
      let started = performance.now();
      const current = await api.getAnnotations({ imageId });
      result.getMs.push(performance.now() - started);
      const count = 1 + (step % 3);
      const instances = Array.from({ length: count }, (_, index) => ({
        ...input.templates[(step + index * 5) % input.templates.length],
        id: `c${input.client}-s${step}-${index}`,
      }));
      started = performance.now();
      const saved = await api.saveAnnotations({ imageId, instances, status: step % 2 ? 'done' : 'inProgress', baseRevision: current.revision });
      result.saveMs.push(performance.now() - started);
      result.acked[imageId] = { revision: saved.revision, ids: instances.map((instance) => instance.id) };
    } catch (error) {
      result.errors.push(`${imageId}: ${error instanceof Error ? error.message : String(error)}`);
      if (result.errors.length > 20) break;
    }
    step += 1;
  }
  return result;
}
