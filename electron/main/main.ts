// Entry of the Electron main process: one instance, one window, one open folder, one model worker.
// Everything the renderer can reach goes through the IPC gate (electron/ipc) or the two custom
// protocols; the window itself is sandboxed and may not navigate or open others (security.ts).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import type { JobProgress } from '../../shared/api/types';
import { appPageUrl } from '../ipc/app-request';
import { openProject } from '../services/project';
import { workingFolderFor } from '../services/sample-folder';
import { chooseFolder, showError } from './dialogs';
import { handleApiCalls, sendCommand, sendEvent } from './ipc';
import { createMainWindow } from './main-window';
import type { MainWindow } from './main-window';
import { buildMenuTemplate } from './menu';
import { bundledModelsIn, loadLearner, modelProviderFactory } from './model-host';
import { ModelSupervisor } from './model-supervisor';
import { resolveAppPaths } from './paths';
import { ProjectSession } from './project-session';
import { handleAppProtocol, handleImageProtocol, registerPrivilegedSchemes } from './protocols';
import { hardenAllWebContents, hardenSession } from './security';
import { folderFromArgv, readLastFolder, saveLastFolder, startupFolders } from './startup-folder';

/** How long quitting waits for pending writes before giving up (ms). */
const SHUTDOWN_TIMEOUT_MS = 8000;

// Before 'ready': schemes must be privileged before the first session exists; every webContents
// is hardened as it is created; tests isolate their profile through MASKPILOT_USER_DATA.
registerPrivilegedSchemes();
hardenAllWebContents();
if (process.env.MASKPILOT_USER_DATA) app.setPath('userData', process.env.MASKPILOT_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  // Another instance is running; it receives our command line ('second-instance') and opens it.
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  const bundleDir = dirname(fileURLToPath(import.meta.url));
  const paths = resolveAppPaths(import.meta.url, app.isPackaged, process.resourcesPath);
  const appArgCount = app.isPackaged ? 1 : 2;
  const lastFolderFile = () => join(app.getPath('userData'), 'last-folder.json');
  let main: MainWindow | null = null;
  const window = () => main?.window ?? null;

  const supervisor = new ModelSupervisor({
    create: modelProviderFactory(bundleDir, paths),
    onStatus: (status) => sendEvent(window(), 'onDidChangeModel', status),
    onCrash: (report) => {
      void dialog.showMessageBox({
        type: report.restarting ? 'warning' : 'error',
        title: 'Model worker crashed',
        message: report.restarting ? 'The proposal model crashed and is being restarted.' : 'The proposal model keeps crashing.',
        detail: `${report.message}\n\nYour annotations are safe: they are kept and saved by the app, not by the model.`,
      });
    },
  });

  // One learner (training worker) and one list of bundled networks for the whole session; every
  // project opened gets both, so its model versions and fine-tunes work like in the headless host.
  const learner = loadLearner(bundleDir);
  const bundledModels = bundledModelsIn(paths.modelsDir);
  const projects = new ProjectSession(
    async (folder) => {
      const [learnerOrNull, bundled] = await Promise.all([learner, bundledModels]);
      return openProject(folder, {
        model: supervisor,
        ...(learnerOrNull ? { learner: learnerOrNull } : {}),
        bundledModels: bundled,
        // The first bundled model by meta.bundledRank (the guided one), as `maskpilot host` does.
        defaultModelId: bundled[0]?.id,
      });
    },
    (event, payload) => {
      sendEvent(window(), event, payload);
      if (event === 'onDidProgress') showProgress(window(), payload as JobProgress);
    },
  );

  async function openFolder(requested: string): Promise<boolean> {
    let folder = requested;
    try {
      // The bundled samples are annotated in a working copy (shared with `npm run host`), never in place.
      folder = await workingFolderFor(requested, paths.sampleFolder);
      await projects.open(folder);
    } catch (error) {
      await showError(window(), `Open ${basename(folder)}`, error);
      return false;
    }
    await saveLastFolder(lastFolderFile(), folder).catch((error: unknown) => console.warn('maskpilot: last folder not saved:', error));
    const current = window();
    if (current && !current.isDestroyed()) {
      current.setTitle(`MaskPilot — ${basename(folder)}`);
      // The renderer starts over on the new folder; until the new page commits, calls of the old
      // page carry the old session in their URL and are refused (never routed to this folder).
      void current.loadURL(appPageUrl(projects.session));
    }
    return true;
  }

  async function openStartupFolder(): Promise<void> {
    const candidates = await startupFolders({
      argvFolder: folderFromArgv(process.argv, appArgCount, process.cwd()),
      lastFolder: await readLastFolder(lastFolderFile()),
      sampleFolder: paths.sampleFolder,
    });
    for (const folder of candidates) if (await openFolder(folder)) return;
  }

  async function showWindow(): Promise<void> {
    main = await createMainWindow(paths.preloadFile, app.getPath('userData'));
    const current = main.window;
    if (projects.folder) current.setTitle(`MaskPilot — ${basename(projects.folder)}`);
    current.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      void showError(current, 'The window stopped', new Error(`Renderer process ${details.reason}; reloading.`)).then(() => {
        if (!current.isDestroyed()) current.webContents.reload();
      });
    });
    current.on('closed', () => {
      if (main?.window === current) main = null;
    });
    if (!existsSync(join(paths.rendererDir, 'index.html'))) {
      await showError(current, 'Start MaskPilot', new Error(`The user interface is not built (${paths.rendererDir}). Run: npm run build`));
    }
    await current.loadURL(appPageUrl(projects.session));
  }

  const menuActions = {
    openFolder: () => {
      const current = window();
      if (current) {
        void chooseFolder(current)
          .then((folder) => (folder ? openFolder(folder) : false))
          .catch((error: unknown) => showError(current, 'Open Folder', error));
      }
    },
    proposeAll: () => {
      void projects
        .api()
        .then((api) => api.proposeAll({}))
        .catch((error: unknown) => showError(window(), 'Propose all images', error));
    },
    sendCommand: (command: Parameters<typeof sendCommand>[1]) => sendCommand(window(), command),
    reload: () => window()?.webContents.reload(),
    toggleDevTools: () => window()?.webContents.toggleDevTools(),
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const current = window();
    if (current) {
      if (current.isMinimized()) current.restore();
      current.focus();
    }
    const folder = folderFromArgv(argv, appArgCount, workingDirectory);
    if (folder) void openFolder(folder);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) void showWindow();
  });

  let shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    shutDown = true;
    const work = Promise.allSettled([main?.saveState(), projects.close(), supervisor.dispose(), learner.then((running) => running?.dispose())]);
    const timeout = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref());
    void Promise.race([work, timeout]).finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    const defaultSession = session.defaultSession;
    hardenSession(defaultSession);
    handleAppProtocol(defaultSession, paths.rendererDir);
    handleImageProtocol(defaultSession, projects);
    handleApiCalls(projects, () => window()?.id ?? null);
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(menuActions, { isMac: process.platform === 'darwin', isDev: !app.isPackaged })));
    void supervisor.start();
    await openStartupFolder();
    await showWindow();
  });
}

/** Long jobs (propose all) show in the taskbar / dock icon as well as in the window. */
function showProgress(window: BrowserWindow | null, progress: JobProgress): void {
  if (!window || window.isDestroyed()) return;
  if (progress.state === 'running' && progress.total > 0) window.setProgressBar(progress.done / progress.total);
  else window.setProgressBar(-1);
}
