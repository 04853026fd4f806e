// A stand-in 'electron' for smoke-running the bundled main process under plain Node. It records
// what the bundle asks for and, once the window has loaded the UI, exercises the IPC handler and
// the image protocol the way the page would, prints one JSON line ("SMOKE {...}") and quits.
import { EventEmitter } from 'node:events';

const report = { schemes: [], protocols: [], loadedUrl: null, webPreferences: null, calls: {} };
const paths = { userData: process.env.MASKPILOT_USER_DATA ?? '/tmp' };
const protocolHandlers = new Map();
const ipcHandlers = new Map();
let markReady;
const ready = new Promise((resolve) => (markReady = resolve));

// MASKPILOT_STUB_RESOURCES=<dir> plays a packaged app whose resources folder is <dir> (an unpacked
// copy of what electron-builder produced, with app.asar extracted into a folder of that name).
const packagedResources = process.env.MASKPILOT_STUB_RESOURCES;
if (packagedResources) process.resourcesPath = packagedResources;

export const app = Object.assign(new EventEmitter(), {
  isPackaged: Boolean(packagedResources),
  setPath: (name, value) => void (paths[name] = value),
  getPath: (name) => paths[name],
  requestSingleInstanceLock: () => true,
  whenReady: () => ready,
  isReady: () => true,
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', event);
    if (!event.defaultPrevented) {
      process.stdout.write(`SMOKE ${JSON.stringify(report)}\n`);
      process.exit(0);
    }
  },
});

class WebContents extends EventEmitter {
  send() {}
  reload() {}
  setWindowOpenHandler() {}
  toggleDevTools() {}
}

const windows = [];
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.id = windows.length + 1;
    this.options = options;
    this.webContents = new WebContents();
    windows.push(this);
    report.webPreferences = options.webPreferences;
    app.emit('web-contents-created', {}, this.webContents);
  }
  static fromWebContents(contents) {
    return windows.find((window) => window.webContents === contents) ?? null;
  }
  static getAllWindows() {
    return windows;
  }
  async loadURL(url) {
    report.loadedUrl = url;
    setImmediate(() => void exercise(this));
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: this.options.width, height: this.options.height };
  }
  isMaximized() { return false; }
  isMinimized() { return false; }
  isDestroyed() { return false; }
  maximize() {}
  show() {}
  focus() {}
  restore() {}
  setTitle() {}
  setProgressBar() {}
}

async function exercise(window) {
  const event = { sender: window.webContents, senderFrame: { url: report.loadedUrl, parent: null } };
  const handler = ipcHandlers.get('maskpilot:invoke');
  let nextId = 1;
  // One call as the preload makes it: a request message of the generic channel; reported as {ok, result | error}.
  const invoke = async (_event, method, params) => {
    const { ok, result, error } = await handler(_event, { type: 'request', id: nextId++, method, params });
    return ok ? { ok, result } : { ok, error };
  };
  report.calls.getProject = await invoke(event, 'getProject', {});
  report.calls.listImages = await invoke(event, 'listImages', { offset: 0, limit: 2 });
  report.calls.offList = await invoke(event, 'resolveImageFile', { imageId: 'x' });
  const image = await protocolHandlers.get('maskpilot-image')({ url: 'maskpilot-image://project/coins.png?maxSide=32', method: 'GET' });
  report.calls.image = { status: image.status, type: image.headers.get('content-type'), bytes: (await image.arrayBuffer()).byteLength };
  if (process.env.MASKPILOT_SMOKE_PROPOSE) {
    // The model loads in its worker after start-up; wait for it, then propose on the first image.
    const deadline = Date.now() + Number(process.env.MASKPILOT_SMOKE_PROPOSE) * 1000;
    let status = await invoke(event, 'getModelStatus', {});
    while (!status.result?.ready && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = await invoke(event, 'getModelStatus', {});
    }
    report.calls.modelStatus = status;
    const proposed = await invoke(event, 'propose', { imageId: 'astronaut.jpg', maxProposals: 20 });
    report.calls.propose = proposed.ok
      ? { ok: true, count: proposed.result.instances.length, latencyMs: proposed.result.latencyMs, first: proposed.result.instances[0] && { status: proposed.result.instances[0].status, score: proposed.result.instances[0].score } }
      : proposed;
    // The learning loop in the bundled app: bundled networks listed as versions, switching to
    // InstanceFCN through the bundled worker, and the learner present (it refuses only for lack of
    // corrections, not for lack of a learner).
    report.calls.versions = await invoke(event, 'listModelVersions', {});
    report.calls.fineTune = await invoke(event, 'fineTune', {});
    const other = report.calls.versions.result?.versions.find((version) => version.architecture === 'instancefcn');
    if (other) report.calls.activate = await invoke(event, 'activateModelVersion', { id: other.id });
  }
  const app_ = await protocolHandlers.get('app')({ url: 'app://maskpilot/index.html', method: 'GET' });
  report.calls.appIndex = { status: app_.status, csp: app_.headers.get('content-security-policy') };
  app.quit();
}

export const protocol = { registerSchemesAsPrivileged: (schemes) => void report.schemes.push(...schemes) };
export const session = {
  defaultSession: Object.assign(new EventEmitter(), {
    protocol: {
      handle(scheme, handler) {
        report.protocols.push(scheme);
        protocolHandlers.set(scheme, handler);
      },
    },
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
    webRequest: { onHeadersReceived() {} },
  }),
};
export const ipcMain = { handle: (channel, handler) => void ipcHandlers.set(channel, handler) };
export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showMessageBox: async (...args) => {
    process.stderr.write(`message box: ${JSON.stringify(args.at(-1))}\n`);
    return { response: 0 };
  },
};
export const Menu = { buildFromTemplate: (template) => ({ template }), setApplicationMenu() {} };
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

setImmediate(() => markReady());
