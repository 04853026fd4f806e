// The desktop app end to end with Playwright's _electron: the real Electron binary running the
// bundled main process (built for this test into dist/electron-e2e-test/), the sandboxed preload
// and the built renderer.
// The folder is opened through File > Open Folder with the native dialog stubbed in the main
// process; proposals are shown, one is accepted, and File > Export Annotations… (the renderer's
// export dialog) writes COCO into the folder.
// Runs only where an Electron binary and a display exist; otherwise every test is reported as
// skipped, with the reason in its name.
//
// A second suite runs everywhere Chromium does: the real preload bundle (dist/electron/preload.cjs)
// evaluated in the page with a stand-in for Electron's contextBridge/ipcRenderer that forwards to
// the real IPC gate (createIpcDispatcher) and a real project service in this process, the built UI
// served with the app's Content-Security-Policy, and images served by the image protocol's code.
// It proves the renderer runs on the bridge as Electron exposes it; only Electron's own plumbing
// (contextBridge cloning, the custom schemes) is stood in for.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { _electron } from 'playwright-core';
import type { Browser, ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_EVENT_NAMES } from '../shared/api/contract';
import type { MaskPilotBridge } from '../shared/api/bridge';
import type { SerializedApiError } from '../shared/api/errors';
import type { ImageAnnotations, ModelStatus } from '../shared/api/types';
import { createIpcDispatcher } from '../electron/ipc/dispatch';
import { resolveImageRequest } from '../electron/ipc/image-request';
import { CONTENT_SECURITY_POLICY } from '../electron/main/content-security-policy';
import { errorResponse, imageResponse } from '../electron/main/image-response';
import { openProject } from '../electron/services/project';
import type { ProjectService } from '../electron/services/project';
import { splitRelativePath } from '../electron/services/safe-path';
import { browserSkipReason, collectPageErrors, launchChromium, screenshot } from './support/browser';
import { copyFolderToTemp, removeTempFolder } from './support/host';
import { repoRoot } from './support/shared-data';

declare global {
  interface Window {
    maskpilot?: MaskPilotBridge;
  }
}

/** The Electron executable, or why these tests cannot run here. */
function findElectron(): { binary: string; reason: null } | { binary: null; reason: string } {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { binary: null, reason: `no Electron binary (${(error as Error).message.split('\n')[0]})` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { binary: null, reason: `no Electron binary at ${String(binary)}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { binary: null, reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset; run under xvfb-run)' };
  }
  return { binary, reason: null };
}

const electron = findElectron();

/** The environment for the app: ours plus `extra`, without ELECTRON_RUN_AS_NODE (which would make it plain Node). */
function electronEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value;
  return { ...env, ...extra };
}
const samplePhotos = resolve(repoRoot, 'resources/sample-photos');
const suffix = electron.reason === null ? '' : ` [skipped: ${electron.reason}]`;
if (electron.reason !== null) console.warn(`electron.e2e: skipped: ${electron.reason}`);

let app: ElectronApplication;
let page: Page;
let firstFolder: string;
let secondFolder: string;
let userData: string;

type Reply<T> = { ok: true; result: T } | { ok: false; error: SerializedApiError };

/**
 * Calls the API the way the renderer does: a request message of the generic channel posted through
 * the preload bridge (so the IPC gate is exercised), answered by the response with its id. The id is
 * far above the page's own client's, whose responses this listener ignores (and it ignores ours).
 */
function callThroughBridge<T>(target: Page, method: string, params: Record<string, unknown>): Promise<Reply<T>> {
  return target.evaluate(
    ([name, args]) =>
      new Promise<unknown>((resolve) => {
        const id = 1e9 + Math.floor(Math.random() * 1e6);
        const stop = window.maskpilot!.onMessage((message) => {
          const response = message as { type?: string; id?: number };
          if (response.type !== 'response' || response.id !== id) return;
          stop();
          resolve(message);
        });
        window.maskpilot!.post({ type: 'request', id, method: name, params: args });
      }),
    [method, params] as const,
  ) as Promise<Reply<T>>;
}

function invoke<T>(method: string, params: Record<string, unknown>): Promise<Reply<T>> {
  return callThroughBridge<T>(page, method, params);
}

async function result<T>(method: string, params: Record<string, unknown>): Promise<T> {
  const envelope = await invoke<T>(method, params);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result;
}

function clickMenu(id: string): Promise<void> {
  return app.evaluate(({ Menu }, itemId) => {
    const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
    if (!item) throw new Error(`no menu item ${itemId}`);
    item.click();
  }, id);
}

describe.skipIf(electron.reason !== null)('desktop app (Electron)', () => {
  beforeAll(async () => {
    for (const [script, output] of [
      [['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], 'dist/renderer/index.html'],
      [['scripts/build-electron.mjs', '--outdir-name', 'electron-e2e-test'], 'dist/electron-e2e-test/main.js'],
    ] as const) {
      if (output === 'dist/renderer/index.html' && existsSync(resolve(repoRoot, output))) continue;
      const built = spawnSync(process.execPath, [...script], { cwd: repoRoot, stdio: 'inherit' });
      if (built.status !== 0) throw new Error(`build failed: ${script.join(' ')}`);
    }
    firstFolder = await copyFolderToTemp(samplePhotos, 'maskpilot-electron-a-');
    secondFolder = await copyFolderToTemp(samplePhotos, 'maskpilot-electron-b-');
    userData = await mkdtemp(join(tmpdir(), 'maskpilot-electron-profile-'));
    app = await _electron.launch({
      executablePath: electron.binary!,
      args: [resolve(repoRoot, 'dist/electron-e2e-test/main.js'), firstFolder],
      env: electronEnv({ MASKPILOT_USER_DATA: userData }),
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.getByTestId('image-list').getByTestId('image-item').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
    await rm(resolve(repoRoot, 'dist/electron-e2e-test'), { recursive: true, force: true });
    for (const folder of [firstFolder, secondFolder]) if (folder) await removeTempFolder(folder);
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  test(`the page is sandboxed: no Node, only the bridge, allowlist and traversal refused${suffix}`, async () => {
    expect(page.url()).toMatch(/^app:\/\/maskpilot\/index\.html\?session=\d+$/);
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys(window.maskpilot ?? {}).sort(),
      popup: window.open('https://example.com') === null,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['imageUrl', 'onCommand', 'onMessage', 'post', 'transport'], popup: true });
    const refused = await invoke('resolveImageFile', { imageId: 'astronaut.jpg' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const status = await page.evaluate(async () => (await fetch('maskpilot-image://project/..%2F..%2Fetc%2Fpasswd')).status);
    expect(status).toBe(403);
    const image = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type') };
    }, await page.evaluate(() => window.maskpilot!.imageUrl('astronaut.jpg', { maxSide: 64 })));
    expect(image).toEqual({ status: 200, type: 'image/jpeg' });
  });

  test(`File > Open Folder (stubbed dialog) opens another folder${suffix}`, async () => {
    await app.evaluate(({ dialog }, folder) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
    }, secondFolder);
    await clickMenu('file.openFolder');
    await expect.poll(async () => (await result<{ name: string }>('getProject', {}).catch(() => ({ name: '' }))).name, { timeout: 20_000 }).toBe(
      secondFolder.split(/[\\/]/).pop(),
    );
    await page.getByTestId('image-list').getByTestId('image-item').first().waitFor({ timeout: 30_000 });
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toContain('maskpilot-electron-b-');
  });

  test(`shows proposals, accepts one (saved), exports COCO through File > Export Annotations… (the dialog)${suffix}`, async () => {
    // The model loads in its worker after start-up (seconds on a CPU).
    let model = await result<ModelStatus>('getModelStatus', {});
    const deadline = Date.now() + 120_000;
    while (!model.ready && Date.now() < deadline) {
      await new Promise((wait) => setTimeout(wait, 500));
      model = await result<ModelStatus>('getModelStatus', {});
    }
    expect(model.ready, `model not ready: ${model.message ?? ''} ${model.backendNotes.join('; ')}`).toBe(true);
    const imageId = await page.getByTestId('image-item').first().getAttribute('data-image-id');
    expect(imageId).toBeTruthy();
    let rows = page.getByTestId('instance-row');
    if ((await rows.count()) === 0) await page.getByTestId('propose').click();
    await rows.first().waitFor({ timeout: 60_000 });
    rows = page.getByTestId('instance-row');
    const firstId = await rows.first().getAttribute('data-instance-id');
    await rows.first().getByTitle('Accept (A)').click();
    await expect
      .poll(async () => (await result<ImageAnnotations>('getAnnotations', { imageId: imageId! })).instances.find((i) => i.id === firstId)?.status, {
        timeout: 15_000,
      })
      .toBe('accepted');

    // File > Export Annotations… opens the renderer's export dialog; COCO (its default) into the folder.
    await clickMenu('file.export');
    await page.getByTestId('export-dialog').waitFor({ timeout: 10_000 });
    await page.getByTestId('export-run').click();
    const outcome = page.getByTestId('export-outcome');
    await expect.poll(() => outcome.getAttribute('data-kind'), { timeout: 30_000 }).toBe('written');
    const target = join(secondFolder, (await outcome.getAttribute('data-folder'))!, 'annotations.json');
    const coco = JSON.parse(await readFile(target, 'utf8')) as { images: Array<{ file_name: string }>; annotations: unknown[] };
    expect(coco.annotations.length).toBeGreaterThanOrEqual(1);
    expect(coco.images.map((entry) => entry.file_name)).toContain(imageId);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// The preload bridge in Chromium, with Electron's IPC plumbing stood in for (runs everywhere).

const rendererDir = resolve(repoRoot, 'dist/renderer');
const ASSET_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** The page's view of Electron inside the init script: the real preload, a stand-in contextBridge and ipcRenderer. */
function bridgeInitScript(preloadSource: string): string {
  return `(() => {
    const channels = new Map();
    const ipcRenderer = {
      invoke: (channel, ...args) => window.__mpIpcInvoke(channel, args),
      on(channel, listener) { channels.set(channel, [...(channels.get(channel) ?? []), listener]); return ipcRenderer; },
    };
    Object.defineProperty(window, '__mpIpcSend', { value: (channel, ...args) => { for (const listener of channels.get(channel) ?? []) listener({ sender: ipcRenderer }, ...args); } });
    const contextBridge = {
      exposeInMainWorld(key, api) {
        // Electron serves maskpilot-image:// itself; here the same URLs are served over http.
        const imageUrl = api.imageUrl;
        const exposed = { ...api, imageUrl: (id, options) => imageUrl(id, options).replace('maskpilot-image://project/', '/maskpilot-image/') };
        Object.defineProperty(window, key, { value: Object.freeze(exposed) });
      },
    };
    const module = { exports: {} };
    const require = (name) => { if (name === 'electron') return { contextBridge, ipcRenderer }; throw new Error('a sandboxed preload cannot require ' + name); };
    (function (require, module, exports) {
${preloadSource}
    })(require, module, module.exports);
  })();`;
}

describe.skipIf(browserSkipReason !== null)(`preload bridge in Chromium (Electron IPC stood in)${browserSkipReason ? ` [skipped: ${browserSkipReason}]` : ''}`, () => {
  let folder: string;
  let service: ProjectService;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let bridgePage: Page;
  let pageErrors: string[];
  const imageStatuses: number[] = [];

  async function respond(url: URL): Promise<Response> {
    try {
      if (url.pathname.startsWith('/maskpilot-image/')) {
        const protocolUrl = `maskpilot-image://project/${url.pathname.slice('/maskpilot-image/'.length)}${url.search}`;
        const { imageId, maxSide, file } = await resolveImageRequest(protocolUrl, folder);
        await service.resolveImageFile(imageId);
        return await imageResponse(file, maxSide, origin);
      }
      const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = join(rendererDir, ...splitRelativePath(relative));
      if (relative === 'favicon.ico') return new Response(null, { status: 204 }); // Chromium asks for it on http pages; the UI ships none
      if (!existsSync(file)) return new Response('not found', { status: 404 });
      return new Response(readFileSync(file), {
        headers: { 'Content-Type': ASSET_TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
      });
    } catch (error) {
      return errorResponse(error, origin);
    }
  }

  beforeAll(async () => {
    const built = [
      [['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], 'dist/renderer/index.html'],
      [['scripts/build-electron.mjs', '--outdir-name', 'electron-bridge-test'], 'dist/electron-bridge-test/preload.cjs'],
    ] as const;
    for (const [script, output] of built) {
      if (existsSync(resolve(repoRoot, output)) && output.endsWith('index.html')) continue;
      const run = spawnSync(process.execPath, [...script], { cwd: repoRoot, stdio: 'inherit' });
      if (run.status !== 0) throw new Error(`build failed: ${script.join(' ')}`);
    }
    folder = await copyFolderToTemp(samplePhotos, 'maskpilot-bridge-');
    service = await openProject(folder);
    server = createServer((request, response) => {
      void respond(new URL(request.url ?? '/', origin)).then(async (reply) => {
        reply.headers.forEach((value, name) => response.setHeader(name, value));
        response.writeHead(reply.status);
        response.end(Buffer.from(await reply.arrayBuffer()));
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const dispatch = createIpcDispatcher({ policy: () => ({ mainWindowId: 1, allowedOrigins: [origin] }), api: async () => service });
    await context.exposeBinding('__mpIpcInvoke', (source, channel: string, args: unknown[]) => {
      if (channel !== 'maskpilot:invoke') throw new Error(`no handler for ${channel}`);
      return dispatch(args[0], { url: source.frame.url(), isMainFrame: source.frame.parentFrame() === null, windowId: 1 });
    });
    await context.addInitScript({ content: bridgeInitScript(readFileSync(resolve(repoRoot, 'dist/electron-bridge-test/preload.cjs'), 'utf8')) });
    bridgePage = await context.newPage();
    pageErrors = collectPageErrors(bridgePage);
    bridgePage.on('response', (response) => {
      if (response.url().includes('/maskpilot-image/')) imageStatuses.push(response.status());
      else if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });
    for (const event of API_EVENT_NAMES) {
      service.on(event, (payload) => {
        void bridgePage.evaluate(([name, data]) => (window as unknown as { __mpIpcSend(...args: unknown[]): void }).__mpIpcSend('maskpilot:event', { type: 'event', event: name, payload: data }), [event, payload] as const).catch(() => undefined);
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await service?.close();
    if (folder) await removeTempFolder(folder);
    await rm(resolve(repoRoot, 'dist/electron-bridge-test'), { recursive: true, force: true });
  });

  test('the UI boots on window.maskpilot under the app CSP, listing the folder and showing its image', async () => {
    await bridgePage.goto(`${origin}/`);
    const items = bridgePage.getByTestId('image-list').getByTestId('image-item');
    await items.first().waitFor({ timeout: 20_000 });
    expect(await items.count()).toBe(6);
    expect(await bridgePage.evaluate(() => Object.keys(window.maskpilot ?? {}).sort())).toEqual(['imageUrl', 'onCommand', 'onMessage', 'post', 'transport']);
    await expect.poll(() => imageStatuses.includes(200), { timeout: 20_000 }).toBe(true);
    expect(imageStatuses.filter((status) => status !== 200 && status !== 304)).toEqual([]);
    await screenshot(bridgePage, 'electron-bridge-01-booted');
    expect(pageErrors).toEqual([]);
  });

  test('an edit in the UI is saved through the bridge and the IPC gate', async () => {
    const imageId = (await bridgePage.getByTestId('image-item').first().getAttribute('data-image-id'))!;
    await bridgePage.waitForFunction((id) => {
      const editor = (window as unknown as { maskpilotEditor?: { store: { getState(): { document: { images: Record<string, unknown> } } } } }).maskpilotEditor;
      return editor?.store.getState().document.images[id] !== undefined;
    }, imageId);
    const box = (await bridgePage.getByTestId('canvas').boundingBox())!;
    await bridgePage.getByTestId('canvas').focus();
    await bridgePage.keyboard.press('d');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of [[-60, -50], [60, -50], [60, 50], [-60, 50]]) await bridgePage.mouse.click(cx + dx, cy + dy);
    await bridgePage.keyboard.press('Enter');
    await expect.poll(async () => (await service.getAnnotations({ imageId })).instances.length, { timeout: 15_000 }).toBe(1);
  });

  test('events from main reach the UI through the preload', async () => {
    await service.saveCategory({ name: 'via-bridge', color: '#00aa55' });
    await bridgePage.getByTestId('category-row').filter({ hasText: 'via-bridge' }).waitFor({ timeout: 10_000 });
  });

  test("File > Import Annotations… and Export Annotations… (menu commands through the preload) open the UI's import and export dialogs", async () => {
    const sendCommand = (command: string) =>
      bridgePage.evaluate((name) => (window as unknown as { __mpIpcSend(...args: unknown[]): void }).__mpIpcSend('maskpilot:command', name), command);
    await sendCommand('importAnnotations');
    await bridgePage.getByTestId('import-dialog').waitFor({ timeout: 10_000 });
    expect(await bridgePage.getByTestId('import-choose-folder').count()).toBe(1); // Chromium (and Electron) can choose a folder
    await sendCommand('exportDataset'); // one dialog at a time: export replaces import
    await bridgePage.getByTestId('export-dialog').waitFor({ timeout: 10_000 });
    expect(await bridgePage.getByTestId('import-dialog').count()).toBe(0);
    await bridgePage.keyboard.press('Escape');
    await expect.poll(() => bridgePage.getByTestId('export-dialog').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('calls off the allowlist are refused by the preload, and by main if the preload is bypassed', async () => {
    const viaPreload = await callThroughBridge(bridgePage, 'resolveImageFile', {});
    expect(viaPreload).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bypassed = await bridgePage.evaluate(() =>
      (window as unknown as { __mpIpcInvoke(channel: string, args: unknown[]): Promise<unknown> }).__mpIpcInvoke('maskpilot:invoke', [
        { type: 'request', id: 1, method: 'close', params: {} },
      ]),
    );
    expect(bypassed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const traversal = await bridgePage.evaluate(async () => (await fetch('/maskpilot-image/..%2F..%2Fetc%2Fpasswd')).status);
    expect(traversal).toBe(403);
  });
});
