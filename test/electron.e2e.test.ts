// The desktop app end to end with Playwright's _electron: the real Electron binary running the
// bundled main process (dist/electron/main.js), the sandboxed preload and the built renderer.
// The folder is opened through File > Open Folder with the native dialog stubbed in the main
// process; proposals are shown, one is accepted, and File > Export COCO writes the file.
// Runs only where an Electron binary and a display exist; otherwise every test is reported as
// skipped, with the reason in its name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BridgeEnvelope, MaskPilotBridge } from '../shared/api/bridge';
import type { ImageAnnotations, ModelStatus } from '../shared/api/types';
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
const samplePhotos = resolve(repoRoot, 'resources/sample-photos');
const suffix = electron.reason === null ? '' : ` [skipped: ${electron.reason}]`;
if (electron.reason !== null) console.warn(`electron.e2e: skipped: ${electron.reason}`);

let app: ElectronApplication;
let page: Page;
let firstFolder: string;
let secondFolder: string;
let userData: string;
let exportDir: string;

/** Calls the API the way the renderer does, through the preload bridge (so the IPC gate is exercised). */
function invoke<T>(method: string, params: Record<string, unknown>): Promise<BridgeEnvelope<T>> {
  return page.evaluate(([name, args]) => window.maskpilot!.invoke(name as never, args as never), [method, params] as const) as Promise<
    BridgeEnvelope<T>
  >;
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
      [['scripts/build-electron.mjs'], 'dist/electron/main.js'],
    ] as const) {
      if (output === 'dist/renderer/index.html' && existsSync(resolve(repoRoot, output))) continue;
      const built = spawnSync(process.execPath, [...script], { cwd: repoRoot, stdio: 'inherit' });
      if (built.status !== 0) throw new Error(`build failed: ${script.join(' ')}`);
    }
    firstFolder = await copyFolderToTemp(samplePhotos, 'maskpilot-electron-a-');
    secondFolder = await copyFolderToTemp(samplePhotos, 'maskpilot-electron-b-');
    userData = await mkdtemp(join(tmpdir(), 'maskpilot-electron-profile-'));
    exportDir = await mkdtemp(join(tmpdir(), 'maskpilot-electron-export-'));
    app = await _electron.launch({
      executablePath: electron.binary!,
      args: [resolve(repoRoot, 'dist/electron/main.js'), firstFolder],
      env: { ...process.env, MASKPILOT_USER_DATA: userData, ELECTRON_RUN_AS_NODE: '' },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.getByTestId('image-list').getByTestId('image-item').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
    for (const folder of [firstFolder, secondFolder]) if (folder) await removeTempFolder(folder);
    for (const dir of [userData, exportDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  test(`the page is sandboxed: no Node, only the bridge, allowlist and traversal refused${suffix}`, async () => {
    expect(page.url()).toBe('app://maskpilot/index.html');
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys(window.maskpilot ?? {}).sort(),
      popup: window.open('https://example.com') === null,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['imageUrl', 'invoke', 'on', 'onCommand', 'transport'], popup: true });
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

  test(`shows proposals, accepts one (saved), exports COCO through File > Export${suffix}`, async () => {
    const model = await result<ModelStatus>('getModelStatus', {});
    expect(model.ready, `model not ready: ${model.backendNotes.join('; ')}`).toBe(true);
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

    const target = join(exportDir, 'export.coco.json');
    await app.evaluate(({ dialog }, file) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: file })) as typeof dialog.showSaveDialog;
      dialog.showMessageBox = (async () => ({ response: 0, checkboxChecked: false })) as typeof dialog.showMessageBox;
    }, target);
    await clickMenu('file.exportCoco');
    await expect.poll(() => existsSync(target), { timeout: 20_000 }).toBe(true);
    const coco = JSON.parse(await readFile(target, 'utf8')) as { images: Array<{ file_name: string }>; annotations: unknown[] };
    expect(coco.annotations.length).toBeGreaterThanOrEqual(1);
    expect(coco.images.map((entry) => entry.file_name)).toContain(imageId);
  });
});
