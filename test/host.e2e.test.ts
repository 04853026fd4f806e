// The spine end to end: `maskpilot host` as a real child process on a temp copy of a photo folder,
// the built UI in Debian Chromium, an annotation saved through the WebSocket API, a SIGKILL, a
// restart, and the annotation still there (on disk and through the API, for Node and the page).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../shared/api/errors';
import type { Instance } from '../shared/api/types';
import { polygonsToRle } from '../shared/geometry/polygon-raster';
import { toCocoRle } from '../shared/geometry/rle-string';
import { browserSkipReason, collectPageErrors, launchChromium, screenshot } from './support/browser';
import { connectApi, copyFolderToTemp, rawRequest, removeTempFolder, startHostProcess, traversalPaths } from './support/host';
import type { HostProcess } from './support/host';
import { repoRoot } from './support/shared-data';
import { hasImageExtension } from '../electron/services/image-formats';

/** What the page-side check calls on the UI's client (a MaskPilotClient). */
interface EditorClient {
  getAnnotations(params: { imageId: string }): Promise<{ instances: { id: string }[] }>;
}

const SAMPLE_FOLDER = resolve(repoRoot, 'resources/sample-photos');
const BUILT_PAGE = resolve(repoRoot, 'dist/renderer/index.html');
/** Tests here start and kill real processes; on a loaded 2-core machine a cold start takes ~10 s. */
const SLOW_TEST_MS = 120_000;

/** The bundled sample photos, or (if absent) a few real JPEGs generated with sharp. */
async function sourceFolder(): Promise<string> {
  if (existsSync(SAMPLE_FOLDER)) return SAMPLE_FOLDER;
  // Named like copyFolderToTemp's folders so removeTempFolder cleans it up too.
  const folder = join(await mkdtemp(join(tmpdir(), 'maskpilot-generated-')), 'photos');
  await mkdir(folder, { recursive: true });
  for (const [index, colour] of ['#c03020', '#2060c0', '#30a040'].entries()) {
    await sharp({ create: { width: 320 + index * 40, height: 240, channels: 3, background: colour } })
      .composite([{ input: Buffer.from(`<svg width="120" height="90"><circle cx="60" cy="45" r="40" fill="white"/></svg>`), left: 60, top: 60 }])
      .jpeg()
      .toFile(join(folder, `generated-${index + 1}.jpg`));
  }
  return folder;
}

/** A square manual instance whose mask really matches its polygon, as the store validates. */
function squareInstance(width: number, height: number): Instance {
  const side = Math.floor(Math.min(width, height) / 4);
  const polygon = [side, side, 2 * side, side, 2 * side, 2 * side, side, 2 * side];
  return {
    id: 'e2e-square',
    polygons: [polygon],
    rle: toCocoRle(polygonsToRle([polygon], height, width)),
    score: null,
    status: 'accepted',
    source: 'manual',
    categoryId: null,
    modelVersion: null,
  };
}

function sidecarFilesMentioning(folder: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json') && readFileSync(path, 'utf8').includes(needle)) hits.push(path);
    }
  };
  walk(folder);
  return hits;
}

describe('headless host end to end', () => {
  let folder: string;
  let imageNames: string[];
  let host: HostProcess;

  beforeAll(async () => {
    const source = await sourceFolder();
    folder = await copyFolderToTemp(source);
    if (source !== SAMPLE_FOLDER) await removeTempFolder(source);
    imageNames = readdirSync(folder).filter((name) => hasImageExtension(name)).sort();
    host = await startHostProcess(folder);
  });

  afterAll(async () => {
    await host?.kill();
    if (folder) await removeTempFolder(folder);
  });

  test('prints a loopback URL carrying a long random token, and what became of the model', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
    expect(host.output()).toContain(`MaskPilot is serving ${folder} at ${host.url}`);
    expect(host.output()).toMatch(/^Model: /m);
  });

  test('an annotation saved through the API survives SIGKILL and a restart', async () => {
    const api = await connectApi(host.url);
    const { images, total } = await api.listImages({ offset: 0, limit: 100 });
    expect(total).toBe(imageNames.length);
    const target = images[0].id;
    const image = await api.getImage({ imageId: target });
    expect(image.width).toBeGreaterThan(0);
    const instance = squareInstance(image.width ?? 0, image.height ?? 0);
    const { revision } = await api.saveAnnotations({ imageId: target, instances: [instance], status: 'done' });
    expect(revision).toBeGreaterThan(0);
    api.close();

    // saveAnnotations resolved, so the data is durable: a crash right now must not lose it.
    await host.kill();
    expect(sidecarFilesMentioning(folder, 'e2e-square').length).toBeGreaterThan(0);
    await host.restart();

    const again = await connectApi(host.url);
    try {
      const saved = await again.getAnnotations({ imageId: target });
      expect(saved.revision).toBe(revision);
      expect(saved.status).toBe('done');
      expect(saved.instances).toEqual([instance]);
    } finally {
      again.close();
    }
  }, SLOW_TEST_MS);

  describe.skipIf(browserSkipReason !== null)('in Chromium', () => {
    let browser: Browser;
    let page: Page;
    let pageErrors: string[];

    beforeAll(async () => {
      if (!existsSync(BUILT_PAGE)) throw new Error(`${BUILT_PAGE} is missing: run npm run build first (npm test does)`);
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      pageErrors = collectPageErrors(page);
    });

    afterAll(async () => {
      await browser?.close();
    });

    test('the page lists every image of the folder', async () => {
      const imageResponses: string[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/images/')) imageResponses.push(`${response.status()} ${response.headers()['content-type']}`);
      });
      await page.goto(host.url);
      const items = page.locator('[data-testid="image-list"] [data-testid="image-item"]');
      await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(imageNames.length);
      const ids = await items.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-image-id')));
      expect([...ids].sort()).toEqual(imageNames);
      // The current photo is fetched from the host as an image and drawn on the canvas.
      await expect.poll(() => imageResponses.filter((line) => /^200 image\//.test(line)).length, { timeout: 30_000 }).toBeGreaterThan(0);
      expect(imageResponses.filter((line) => !line.startsWith('200 ') && !line.startsWith('304 '))).toEqual([]);
      await screenshot(page, 'host-image-list');
      expect(pageErrors).toEqual([]);
    }, SLOW_TEST_MS);

    test('after the host is killed and restarted, the open page reconnects and reads an annotation saved before the kill', async () => {
      if (!page.url().startsWith(host.origin)) await page.goto(host.url);
      const target = imageNames[imageNames.length - 1];
      const api = await connectApi(host.url);
      const image = await api.getImage({ imageId: target });
      await api.saveAnnotations({ imageId: target, instances: [{ ...squareInstance(image.width ?? 0, image.height ?? 0), id: 'e2e-page' }] });
      api.close();

      await host.restart();
      // The page's client reconnects with backoff to the same port and token; read through it.
      await expect
        .poll(
          () =>
            page.evaluate(async (imageId) => {
              // The UI exposes its controller for tests to read (renderer/src/main.tsx).
              const editor = (window as unknown as { maskpilotEditor?: { client: EditorClient } }).maskpilotEditor;
              const client = editor?.client;
              if (!client) return 'no client yet';
              try {
                return (await client.getAnnotations({ imageId })).instances.map((instance) => instance.id).join(',');
              } catch (error) {
                return `call failed: ${(error as Error).message}`;
              }
            }, target),
          { timeout: 30_000 },
        )
        .toBe('e2e-page');
      await screenshot(page, 'host-after-restart');
      const unexpected = pageErrors.filter((line) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(line));
      expect(unexpected).toEqual([]);
    }, SLOW_TEST_MS);

    test('once authorised, the page also works without ?token (the HttpOnly cookie admits page, API and images)', async () => {
      const imageStatuses: number[] = [];
      const onResponse = (response: { url(): string; status(): number }) => {
        if (new URL(response.url()).pathname.startsWith('/images/')) imageStatuses.push(response.status());
      };
      await page.goto(host.url); // the authorised load that sets the cookie
      page.on('response', onResponse);
      try {
        const response = await page.goto(`${host.origin}/`);
        expect(response?.status()).toBe(200);
        const items = page.locator('[data-testid="image-list"] [data-testid="image-item"]');
        await expect.poll(() => items.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(imageNames.length);
        await expect.poll(() => imageStatuses.filter((status) => status === 200).length, { timeout: 30_000 }).toBeGreaterThan(0);
        expect(imageStatuses.filter((status) => status === 401)).toEqual([]);
      } finally {
        page.off('response', onResponse);
      }
    }, SLOW_TEST_MS);

    test('the same URL without the token shows no app and no image', async () => {
      // A fresh context: no cookie from the authorised page above.
      const context = await browser.newContext();
      const stranger = await context.newPage();
      const response = await stranger.goto(`${host.origin}/`);
      expect(response?.status()).toBe(401);
      expect(await stranger.locator('[data-testid="image-item"]').count()).toBe(0);
      const image = await stranger.goto(`${host.origin}/images/${encodeURIComponent(imageNames[0])}`);
      expect(image?.status()).toBe(401);
      await context.close();
    }, SLOW_TEST_MS);
  });

  test('a wrong token is refused by the running process on the page, images and the WebSocket', async () => {
    const wrong = host.url.replace(/token=.*/, 'token=not-the-token-not-the-token');
    expect((await fetch(wrong)).status).toBe(401);
    expect((await fetch(new URL(`/images/${encodeURIComponent(imageNames[0])}`, host.origin))).status).toBe(401);
    const refused = await connectApi(wrong).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('401');
    expect(refused).not.toBeInstanceOf(ApiError);
  }, SLOW_TEST_MS);

  test('the CLI refuses a non-loopback bind without --allow-remote', async () => {
    const error = await startHostProcess(folder, { args: ['--bind', '0.0.0.0'], startTimeoutMs: 60_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('--allow-remote');
  }, SLOW_TEST_MS);

  test('traversal attempts and symlinks out of the folder are refused by the running host', async () => {
    const outside = resolve(folder, '..');
    const secretName = 'secret-outside.txt';
    const secret = 'SECRET-OUTSIDE-THE-OPENED-FOLDER';
    await writeFile(join(outside, secretName), secret);
    await mkdir(join(outside, 'elsewhere'), { recursive: true });
    await copyFile(join(folder, imageNames[0]), join(outside, 'elsewhere', 'outside.jpg'));
    await symlink(join(outside, secretName), join(folder, 'escape.jpg'));
    await symlink(join(outside, 'elsewhere'), join(folder, 'linked'));
    await host.restart(); // the new scan sees the links

    const probes = [
      ...traversalPaths(secretName, join(outside, secretName)),
      '/images/escape.jpg',
      '/images/escape.jpg?maxSide=16',
      '/images/linked/outside.jpg',
      '/images/linked/outside.jpg?maxSide=16',
    ];
    for (const path of probes) {
      const response = await rawRequest(host.origin, `${path}${path.includes('?') ? '&' : '?'}token=${host.token}`);
      expect([400, 403, 404], `${path} answered ${response.status}`).toContain(response.status);
      expect(response.body.toString('latin1')).not.toContain(secret);
      expect(String(response.headers['content-type'])).not.toMatch(/^image\//);
    }
    // The same probes without a token learn nothing either: 401 before any path is looked at.
    for (const path of probes) expect((await rawRequest(host.origin, path)).status).toBe(401);
    // And the real photos are still served.
    const photo = await rawRequest(host.origin, `/images/${encodeURIComponent(imageNames[0])}?maxSide=32&token=${host.token}`);
    expect(photo.status).toBe(200);
    expect(String(photo.headers['content-type'])).toMatch(/^image\//);
  }, SLOW_TEST_MS);

  test('with --allow-remote the CLI binds and prints a warning', async () => {
    // No model: this test is about binding, and the model's start-up would only cost CPU.
    const remote = await startHostProcess(folder, { args: ['--bind', '0.0.0.0', '--allow-remote', '--no-model'] });
    try {
      expect(remote.output()).toMatch(/WARNING: binding to 0\.0\.0\.0/);
      // An image, not the page: the page depends on dist/renderer, which is not what this test is about.
      const image = await fetch(`${remote.origin}/images/${encodeURIComponent(imageNames[0])}?token=${remote.token}`);
      expect(image.status).toBe(200);
    } finally {
      expect(await remote.stop()).toBe(0);
    }
  }, SLOW_TEST_MS);
});
