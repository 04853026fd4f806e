// Hostile images, generated here: cut-off files, headers claiming 100000x100000, 65000x65000 or
// 4194341x23 (cut off), PNG decompression bombs (a few MB inflating to 0.25 and 2.1 gigapixels),
// PNG/JPEG under each other's extension, 16-bit PNG, CMYK JPEG, animated GIFs (one renamed .webp),
// a BMP named .png (the decoder cannot read BMP), an animated WebP and all eight EXIF orientations
// (checked to the pixel). Each must open with its oriented size or give a clear per-image problem -
// through the project service (getImage) and through the running host's /images route with
// ?maxSide (which decodes with sharp) - within bounded time and memory, and the host must stay up
// throughout.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openProject } from '../../electron/services/project/project-service';
import { rawRequest } from '../support/host';
import { buildHostBundle, launchHost } from './support/host-launcher';
import type { BundledHost } from './support/host-launcher';
import { ORIENTED_HEIGHT, ORIENTED_WIDTH, writeHostileCorpus } from './support/hostile-images';
import type { HostileImage } from './support/hostile-images';

/** Generous bounds for a loaded 2-core machine: a hang or a full decode of a bomb would blow them. */
const PER_IMAGE_BOUND_MS = 30_000;
/** RSS growth allowed for reading the whole corpus in-process (a decoded 2.1 GP bomb would be 2 GB). */
const SERVICE_RSS_GROWTH_BOUND = 400 * 1024 * 1024;
/** Peak RSS of the host process over all requests (its start alone is ~100 MB). */
const HOST_PEAK_RSS_BOUND = 1024 * 1024 * 1024;
const MAX_SIDE = 64;
const TOKEN = 'hostile-images-token-0123456789abcdef';

let base: string;
let folder: string;
let corpus: HostileImage[];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-hostile-'));
  folder = join(base, 'photos');
  corpus = await writeHostileCorpus(folder);
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const encodedId = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/** Red at the top-left corner, blue at the opposite one: the picture is the right way round. */
async function expectUprightPicture(data: Buffer): Promise<void> {
  const { data: pixels, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [...pixels.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
  const [topLeft, bottomRight, topRight] = [at(2, 2), at(info.width - 3, info.height - 3), at(info.width - 3, 2)];
  expect(topLeft[0]).toBeGreaterThan(180);
  expect(topLeft[2]).toBeLessThan(80);
  for (const corner of [bottomRight, topRight]) {
    expect(corner[2]).toBeGreaterThan(180);
    expect(corner[0]).toBeLessThan(80);
  }
}

describe('hostile images through the project service', () => {
  test('each opens with its oriented size or reports a precise problem, in bounded time and memory', { timeout: 300_000 }, async () => {
    const project = await openProject(folder);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    try {
      const listed = await project.listImages({ offset: 0, limit: 100 });
      expect(listed.images.map((image) => image.id).sort()).toEqual(corpus.map((entry) => entry.name).sort());
      for (const entry of corpus) {
        const started = performance.now();
        const record = await project.getImage({ imageId: entry.name });
        const elapsed = performance.now() - started;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        expect(elapsed, `${entry.name} took ${elapsed} ms`).toBeLessThan(PER_IMAGE_BOUND_MS);
        if (entry.expect.kind === 'ok') {
          expect(record.problem, `${entry.name} (${entry.why})`).toBeUndefined();
          expect([record.width, record.height], `${entry.name} (${entry.why})`).toEqual([entry.expect.width, entry.expect.height]);
        } else {
          expect(entry.expect.codes, `${entry.name} (${entry.why}): ${JSON.stringify(record.problem)}`).toContain(record.problem?.code);
          expect(record.problem?.message.length).toBeGreaterThan(15);
          // A problem image cannot be annotated: a clear refusal, not a crash.
          const refused = await project.saveAnnotations({ imageId: entry.name, instances: [] }).then(
            () => null,
            (error: unknown) => error as { code?: string; message?: string },
          );
          expect(refused?.code).toBe('INVALID_ARGUMENT');
          expect(refused?.message).toContain(entry.name);
        }
      }
      const growth = peakRss - rssBefore;
      console.log(`hostile images via the service: ${corpus.length} files, RSS growth ${(growth / 1e6).toFixed(0)} MB`);
      expect(growth).toBeLessThan(SERVICE_RSS_GROWTH_BOUND);
    } finally {
      await project.close();
    }
  });
});

describe('hostile images through the running host', () => {
  let host: BundledHost;
  let bundle: string;

  beforeAll(async () => {
    bundle = await buildHostBundle();
    host = await launchHost(bundle, folder, { token: TOKEN });
  });

  afterAll(async () => {
    await host?.kill();
    if (bundle) await rm(bundle, { force: true });
  });

  async function peakRssOfHost(): Promise<number> {
    const status = await readFile(`/proc/${host.child.pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  }

  test(`/images/<id>?maxSide=${MAX_SIDE} serves each decodable one upright and refuses the others cleanly; the host stays up`, { timeout: 300_000 }, async () => {
    const good = corpus.find((entry) => entry.name === 'orientation/exif-1.jpg') as HostileImage;
    for (const entry of corpus) {
      const started = performance.now();
      const response = await rawRequest(host.origin, `/images/${encodedId(entry.name)}?maxSide=${MAX_SIDE}&token=${TOKEN}`);
      const elapsed = performance.now() - started;
      const label = `${entry.name} (${entry.why}): HTTP ${response.status} ${response.body.toString('utf8', 0, 200)}`;
      expect(elapsed, label).toBeLessThan(PER_IMAGE_BOUND_MS);
      expect(response.status, label).not.toBe(500);
      if (entry.expect.kind === 'ok') {
        expect(response.status, label).toBe(200);
        expect(String(response.headers['content-type'])).toMatch(/^image\/(jpeg|png)$/);
        const meta = await sharp(response.body).metadata();
        const scale = Math.min(1, MAX_SIDE / Math.max(entry.expect.width, entry.expect.height));
        expect([meta.width, meta.height], label).toEqual([Math.round(entry.expect.width * scale), Math.round(entry.expect.height * scale)]);
        expect(meta.orientation ?? 1).toBe(1);
        if (entry.expect.orientation !== undefined) {
          expect([meta.width, meta.height]).toEqual([ORIENTED_WIDTH, ORIENTED_HEIGHT]);
          await expectUprightPicture(response.body);
        }
      } else {
        // An image the project refuses is never decoded by the route: 422 with the project's reason.
        expect(response.status, label).toBe(422);
        expect(response.body.toString()).toMatch(/^CORRUPT_FILE: .{15,}/);
      }
      // Still up and serving after each hostile file.
      expect(host.child.exitCode, `host exited after ${entry.name}`).toBeNull();
      const check = await rawRequest(host.origin, `/images/${encodedId(good.name)}?maxSide=16&token=${TOKEN}`);
      expect(check.status, `after ${entry.name}`).toBe(200);
    }
    const peak = await peakRssOfHost();
    console.log(`hostile images via the host: ${corpus.length} files, host peak RSS ${(peak / 1e6).toFixed(0)} MB`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(HOST_PEAK_RSS_BOUND);
  });

  test('the originals (no maxSide) of refused files are only ever streamed as bytes, never decoded', { timeout: 120_000 }, async () => {
    const bomb = await rawRequest(host.origin, `/images/${encodedId('bombs/giga.png')}?token=${TOKEN}`);
    expect(bomb.status).toBe(200);
    expect(bomb.body.equals(await readFile(join(folder, 'bombs/giga.png')))).toBe(true);
    expect(host.child.exitCode).toBeNull();
  });
});
