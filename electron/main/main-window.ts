// The app's one window: sandboxed, context-isolated, no Node, web security on, and its bounds
// remembered across starts (window-state.ts).
import { BrowserWindow, screen } from 'electron';
import { join } from 'node:path';
import { loadWindowState, saveWindowState } from './window-state';
import type { WindowState } from './window-state';
import { MIN_WINDOW_SIZE } from './window-state';

/** How long after the last move or resize the bounds are saved (ms). */
const SAVE_DELAY_MS = 750;

export interface MainWindow {
  window: BrowserWindow;
  /** Writes the current bounds now; resolves when they are on disk. */
  saveState(): Promise<void>;
}

export async function createMainWindow(preloadFile: string, userDataDir: string): Promise<MainWindow> {
  const stateFile = join(userDataDir, 'window-state.json');
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const state = await loadWindowState(stateFile, workAreas);
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'MaskPilot',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const currentState = (): WindowState => {
    const bounds = window.getNormalBounds();
    return { ...bounds, maximized: window.isMaximized() };
  };
  const saveState = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return writing;
    const snapshot = currentState();
    writing = writing
      .then(() => saveWindowState(stateFile, snapshot))
      .catch((error: unknown) => console.warn('maskpilot: window state not saved:', error));
    return writing;
  };
  const scheduleSave = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void saveState(), SAVE_DELAY_MS);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', scheduleSave);
  window.on('close', () => void saveState());
  return { window, saveState };
}
