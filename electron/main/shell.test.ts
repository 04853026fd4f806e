// The whole main process (main.ts and everything it wires) running against a stand-in 'electron'
// module, since no Electron binary exists on these machines or in CI. It checks what the shell
// itself decides: scheme privileges, window preferences, navigation and permission refusals, the
// IPC gate on real project calls, the image and app protocols on real files, the menus' flows
// (open folder, export COCO, commands to the renderer), event forwarding and quitting. What
// Chromium does with those decisions is covered by test/electron.e2e.test.ts where Electron runs.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { SerializedApiError } from '../../shared/api/errors';
import type { ModelStatus, ProjectInfo } from '../../shared/api/types';
import { polygonsToRle } from '../../shared/geometry/polygon-raster';
import { toCocoRle } from '../../shared/geometry/rle-string';
import { copyFolderToTemp, removeTempFolder } from '../../test/support/host';
import { repoRoot } from '../../test/support/shared-data';
import { COMMAND_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../ipc/channels';

vi.mock('electron', () => createFakeElectron());

type Handler = (...args: never[]) => unknown;
interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
const newEvent = (): FakeEvent => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

/** Just enough of Electron's main-process API for main.ts, recording what the shell asks of it. */
function createFakeElectron() {
  const recorded = {
    schemes: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
    protocols: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
    ipc: new Map<string, Handler>(),
    menuTemplate: [] as Array<{ id?: string; click?: () => void; submenu?: unknown }>,
    messageBoxes: [] as Array<{ type?: string; message?: string; detail?: string }>,
    permissionRequest: null as Handler | null,
    permissionCheck: null as Handler | null,
    headersReceived: null as Handler | null,
    quits: 0,
    exited: false,
  };
  const paths: Record<string, string> = {};
  let markReady = () => {};
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setPath: (name: string, value: string) => void (paths[name] = value),
    getPath: (name: string) => paths[name],
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    isReady: () => true,
    quit() {
      recorded.quits += 1;
      const event = newEvent();
      app.emit('before-quit', event);
      if (!event.defaultPrevented) recorded.exited = true;
    },
  });
  class WebContents extends EventEmitter {
    sent: unknown[][] = [];
    reloads = 0;
    openHandler: Handler | null = null;
    send(channel: string, ...args: unknown[]) {
      this.sent.push([channel, ...args]);
    }
    reload() {
      this.reloads += 1;
    }
    setWindowOpenHandler(handler: Handler) {
      this.openHandler = handler;
    }
    toggleDevTools() {}
  }
  let nextWindowId = 1;
  const windows: BrowserWindow[] = [];
  class BrowserWindow extends EventEmitter {
    readonly id = nextWindowId++;
    readonly webContents = new WebContents();
    url: string | null = null;
    title = '';
    progress: number | null = null;
    constructor(readonly options: { width: number; height: number; webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', newEvent(), this.webContents);
    }
    static fromWebContents(contents: unknown) {
      return windows.find((window) => window.webContents === contents) ?? null;
    }
    static getAllWindows() {
      return windows;
    }
    async loadURL(url: string) {
      this.url = url;
    }
    getNormalBounds() {
      return { x: 40, y: 30, width: this.options.width, height: this.options.height };
    }
    isMaximized = () => false;
    isMinimized = () => false;
    isDestroyed = () => false;
    maximize() {}
    show() {}
    restore() {}
    focus() {}
    setTitle(title: string) {
      this.title = title;
    }
    setProgressBar(value: number) {
      this.progress = value;
    }
  }
  const defaultSession = Object.assign(new EventEmitter(), {
    protocol: { handle: (scheme: string, handler: never) => void recorded.protocols.set(scheme, handler) },
    setPermissionRequestHandler: (handler: Handler) => void (recorded.permissionRequest = handler),
    setPermissionCheckHandler: (handler: Handler) => void (recorded.permissionCheck = handler),
    webRequest: { onHeadersReceived: (handler: Handler) => void (recorded.headersReceived = handler) },
  });
  const dialog = {
    showOpenDialog: async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] }),
    showSaveDialog: async (..._args: unknown[]) => ({ canceled: true, filePath: '' }),
    showMessageBox: async (...args: unknown[]) => {
      recorded.messageBoxes.push(args.at(-1) as { type?: string; message?: string });
      return { response: 0, checkboxChecked: false };
    },
  };
  return {
    app,
    BrowserWindow,
    dialog,
    protocol: { registerSchemesAsPrivileged: (schemes: typeof recorded.schemes) => void recorded.schemes.push(...schemes) },
    session: { defaultSession },
    ipcMain: { handle: (channel: string, handler: Handler) => void recorded.ipc.set(channel, handler) },
    Menu: {
      buildFromTemplate: (template: typeof recorded.menuTemplate) => ({ template }),
      setApplicationMenu: (menu: { template: typeof recorded.menuTemplate }) => void (recorded.menuTemplate = menu.template),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    recorded,
    markReady: () => markReady(),
    windows,
  };
}

type FakeElectron = ReturnType<typeof createFakeElectron>;
let fake: FakeElectron;
let folderA: string;
let folderB: string;
let userData: string;
const savedArgv = process.argv;

const mainWindow = () => fake.windows[0];
/** The page as main loaded it (its URL carries the folder session). */
const trustedFrame = () => ({ sender: mainWindow().webContents, senderFrame: { url: mainWindow().url, parent: null } });

type Reply<T> = { ok: true; result: T } | { ok: false; error: SerializedApiError };
let nextRequestId = 1;

/** One call as the preload makes it: a request message of the generic channel on the invoke channel; resolves with its response. */
async function invoke<T>(method: string, params: unknown, event: unknown = trustedFrame()): Promise<Reply<T>> {
  const handler = fake.recorded.ipc.get(INVOKE_CHANNEL) as (event: unknown, message: unknown) => Promise<Reply<T> & { type: string; id: number }>;
  const id = nextRequestId++;
  const response = await handler(event, { type: 'request', id, method, params });
  expect(response).toMatchObject({ type: 'response', id });
  return response;
}

async function result<T>(method: string, params: unknown): Promise<T> {
  const envelope = await invoke<T>(method, params);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result;
}

function clickMenu(id: string): void {
  const visit = (items: unknown): void => {
    for (const item of (items as FakeElectron['recorded']['menuTemplate']) ?? []) {
      if (item.id === id) return void item.click!();
      if (Array.isArray(item.submenu)) visit(item.submenu);
    }
  };
  visit(fake.recorded.menuTemplate);
}

const request = (url: string, method = 'GET') => ({ url, method });

describe('Electron main process (stand-in electron module)', () => {
  beforeAll(async () => {
    const samples = resolve(repoRoot, 'resources/sample-photos');
    folderA = await copyFolderToTemp(samples, 'mp-shell-a-');
    folderB = await copyFolderToTemp(samples, 'mp-shell-b-');
    userData = await mkdtemp(join(tmpdir(), 'mp-shell-profile-'));
    process.env.MASKPILOT_USER_DATA = userData;
    process.argv = [process.execPath, 'dist/electron/main.js', folderA];
    fake = (await import('electron')) as unknown as FakeElectron;
    await import('./main');
    fake.markReady();
    await vi.waitFor(() => expect(mainWindow()?.url).toBe('app://maskpilot/index.html?session=1'), { timeout: 20_000 });
  });

  afterAll(async () => {
    process.argv = savedArgv;
    delete process.env.MASKPILOT_USER_DATA;
    for (const folder of [folderA, folderB]) if (folder) await removeTempFolder(folder);
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  test('both schemes are privileged, secure and standard (real origins, never file://)', () => {
    const byName = Object.fromEntries(fake.recorded.schemes.map((entry) => [entry.scheme, entry.privileges]));
    expect(byName.app).toMatchObject({ standard: true, secure: true });
    expect(byName['maskpilot-image']).toMatchObject({ standard: true, secure: true, corsEnabled: true });
    expect(byName.app?.bypassCSP).toBeUndefined();
  });

  test('the window is sandboxed and isolated, with the bundled preload, on the folder from the command line', async () => {
    expect(fake.windows).toHaveLength(1);
    expect(mainWindow().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(mainWindow().options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    expect((await result<ProjectInfo>('getProject', {})).name).toBe(basename(folderA));
    expect(mainWindow().title).toContain(basename(folderA));
  });

  test('navigation, new windows, webviews, permissions and foreign downloads are refused; CSP is added', () => {
    const contents = mainWindow().webContents;
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = newEvent();
      contents.emit(name, event, 'https://example.com/');
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect((contents.openHandler as () => unknown)()).toEqual({ action: 'deny' });
    let granted: boolean | null = null;
    (fake.recorded.permissionRequest as (...args: unknown[]) => void)(contents, 'media', (value: boolean) => (granted = value), {});
    expect(granted).toBe(false);
    expect((fake.recorded.permissionCheck as () => boolean)()).toBe(false);
    let headers: Record<string, string[]> = {};
    (fake.recorded.headersReceived as (...args: unknown[]) => void)(
      { responseHeaders: { 'content-security-policy': ["default-src *"] } },
      (response: { responseHeaders: Record<string, string[]> }) => (headers = response.responseHeaders),
    );
    expect(Object.keys(headers)).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy'][0]).toMatch(/script-src 'self';/);
    const session = (fake as unknown as { session: { defaultSession: EventEmitter } }).session.defaultSession;
    const foreign = newEvent();
    session.emit('will-download', foreign, { getURL: () => 'https://evil.example/x.exe' });
    expect(foreign.defaultPrevented).toBe(true);
    const ownExport = newEvent();
    session.emit('will-download', ownExport, { getURL: () => 'blob:app://maskpilot/1234-5678' });
    expect(ownExport.defaultPrevented).toBe(false);
  });

  test('IPC: the main frame gets envelopes; iframes, other windows and off-list methods are refused', async () => {
    const listed = await invoke<{ total: number }>('listImages', { offset: 0, limit: 10 });
    expect(listed).toMatchObject({ ok: true, result: { total: 6 } });
    const iframe = { ...trustedFrame(), senderFrame: { url: mainWindow().url, parent: {} } };
    expect(await invoke('getProject', {}, iframe)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const elsewhere = { ...trustedFrame(), senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await invoke('getProject', {}, elsewhere)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const strangerWindow = { sender: new EventEmitter(), senderFrame: { url: mainWindow().url, parent: null } };
    expect(await invoke('getProject', {}, strangerWindow)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await invoke('resolveImageFile', { imageId: 'astronaut.jpg' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await invoke('getImage', { imageId: 'nope.jpg' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('the model status says why there are no proposals in a build without the model module', async () => {
    const status = await result<ModelStatus>('getModelStatus', {});
    expect(status.ready).toBe(false);
    expect(status.backendNotes.join(' ')).toMatch(/no proposal model|could not be loaded/);
  });

  test('maskpilot-image:// serves images of the open folder, downscaled on request, and nothing else', async () => {
    const handler = fake.recorded.protocols.get('maskpilot-image')!;
    const small = await handler(request('maskpilot-image://project/astronaut.jpg?maxSide=64'));
    expect(small.status).toBe(200);
    expect(small.headers.get('content-type')).toBe('image/jpeg');
    expect(small.headers.get('access-control-allow-origin')).toBe('app://maskpilot');
    const sharp = (await import('sharp')).default;
    const meta = await sharp(Buffer.from(await small.arrayBuffer())).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(64);
    expect((await handler(request('maskpilot-image://project/..%2F..%2Fetc%2Fpasswd'))).status).toBe(403);
    expect((await handler(request('maskpilot-image://project/%2Fetc%2Fpasswd'))).status).toBe(403);
    expect((await handler(request('maskpilot-image://project/LICENSES.md'))).status).toBe(404); // in the folder, not an image
    expect((await handler(request('maskpilot-image://project/astronaut.jpg', 'POST'))).status).toBe(403);
  });

  test('app:// serves the built renderer with the CSP, and nothing outside it', async () => {
    const handler = fake.recorded.protocols.get('app')!;
    const index = await handler(request('app://maskpilot/index.html'));
    if (existsSync(resolve(repoRoot, 'dist/renderer/index.html'))) {
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
    } else {
      expect(index.status).toBe(404);
    }
    expect((await handler(request('app://maskpilot/..%2F..%2Fpackage.json'))).status).toBe(403);
    expect((await handler(request('app://elsewhere/index.html'))).status).toBe(403);
  });

  test('menu commands reach the renderer; project events are forwarded to it', async () => {
    clickMenu('edit.undo');
    clickMenu('view.zoomFit');
    clickMenu('model.versions');
    const commands = mainWindow().webContents.sent.filter((message) => message[0] === COMMAND_CHANNEL).map((message) => message[1]);
    expect(commands).toEqual(['undo', 'zoomFit', 'showModelVersions']);

    const rle = polygonsToRle([[10, 10, 60, 10, 60, 50, 10, 50]], 512, 512);
    const saved = await result<{ revision: number }>('saveAnnotations', {
      imageId: 'astronaut.jpg',
      status: 'done',
      instances: [
        {
          id: 'manual-1',
          polygons: [[10, 10, 60, 10, 60, 50, 10, 50]],
          rle: toCocoRle(rle),
          score: null,
          status: 'accepted',
          source: 'manual',
          categoryId: null,
          modelVersion: null,
        },
      ],
    });
    await vi.waitFor(() =>
      expect(mainWindow().webContents.sent).toContainEqual([EVENT_CHANNEL, { type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'astronaut.jpg', revision: saved.revision } }]),
    );
  });

  test("File > Import Annotations… and Export Annotations… open the renderer's dialogs: commands to the window, no native dialog", async () => {
    const boxes = fake.recorded.messageBoxes.length;
    fake.dialog.showSaveDialog = async () => {
      throw new Error('File > Export must not open a save dialog any more');
    };
    const sent = () => mainWindow().webContents.sent.filter((message) => message[0] === COMMAND_CHANNEL).map((message) => message[1]);
    const before = sent().length;
    clickMenu('file.import');
    clickMenu('file.export');
    expect(sent().slice(before)).toEqual(['importAnnotations', 'exportDataset']);
    await new Promise((settle) => setTimeout(settle, 50));
    expect(fake.recorded.messageBoxes.length).toBe(boxes);
  });

  test('File > Open Folder opens another folder, reloads the window and remembers it; a bad folder changes nothing', async () => {
    fake.dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [folderB] });
    const oldPage = trustedFrame();
    clickMenu('file.openFolder');
    await vi.waitFor(() => expect(mainWindow().url).toBe('app://maskpilot/index.html?session=2'), { timeout: 10_000 });
    expect((await result<ProjectInfo>('getProject', {})).name).toBe(basename(folderB));
    // The page of folder A, still running until the new one commits, cannot reach folder B.
    expect(await invoke('saveAnnotations', { imageId: 'astronaut.jpg', instances: [] }, oldPage)).toMatchObject({
      ok: false,
      error: { code: 'DISCONNECTED' },
    });
    expect((await result<{ instances: unknown[]; revision: number }>('getAnnotations', { imageId: 'astronaut.jpg' })).revision).toBe(0);
    expect(JSON.parse(await readFile(join(userData, 'last-folder.json'), 'utf8'))).toEqual({ folder: folderB });

    fake.dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [join(folderB, 'no-such-folder')] });
    const boxes = fake.recorded.messageBoxes.length;
    clickMenu('file.openFolder');
    await vi.waitFor(() => expect(fake.recorded.messageBoxes.length).toBe(boxes + 1));
    expect(fake.recorded.messageBoxes.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/failed \(NOT_FOUND\)/) });
    expect((await result<ProjectInfo>('getProject', {})).name).toBe(basename(folderB));
  });

  test('quitting waits for the window state and the project to be saved, then quits', async () => {
    fake.app.quit();
    expect(fake.recorded.exited).toBe(false); // held back until the writes are done
    await vi.waitFor(() => expect(fake.recorded.exited).toBe(true), { timeout: 10_000 });
    expect(JSON.parse(await readFile(join(userData, 'window-state.json'), 'utf8'))).toMatchObject({ x: 40, y: 30, width: 1400, height: 900 });
    expect(await invoke('getProject', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
