// The application menu as a template. Items that change the document (undo, redo) or the view
// (zoom) are carried out by the renderer, which owns the editor state: they become commands sent
// over IPC. Items that need the file system or native dialogs are carried out here in main.
// Only `import type` from electron, so the template is unit-tested everywhere.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../shared/api/bridge';

export interface MenuActions {
  openFolder(): void;
  importCoco(): void;
  exportCoco(): void;
  proposeAll(): void;
  /** Forwards a command to the renderer. */
  sendCommand(command: AppCommand): void;
  reload(): void;
  toggleDevTools(): void;
}

export interface MenuOptions {
  /** macOS has an app menu and keeps Quit there. */
  isMac: boolean;
  /** Development builds get Reload and the developer tools. */
  isDev: boolean;
}

/** Menu item ids, stable so tests (and the e2e test) can click items by id. */
export const MENU_IDS = {
  openFolder: 'file.openFolder',
  importCoco: 'file.importCoco',
  exportCoco: 'file.exportCoco',
  undo: 'edit.undo',
  redo: 'edit.redo',
  zoomIn: 'view.zoomIn',
  zoomOut: 'view.zoomOut',
  zoomFit: 'view.zoomFit',
  reload: 'view.reload',
  devTools: 'view.devTools',
  proposeAll: 'model.proposeAll',
  fineTune: 'model.fineTune',
  versions: 'model.versions',
} as const;

export function buildMenuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const command = (name: AppCommand) => () => actions.sendCommand(name);
  // The renderer handles these keys itself (the same code runs in the browser). Registering them
  // would let the menu swallow the key before the page sees it, so they are only displayed
  // (Linux, Windows); on macOS the menu takes them and the command reaches the renderer instead.
  const shownOnly = { registerAccelerator: false } as const;
  const template: MenuItemConstructorOptions[] = [];
  if (options.isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        { id: MENU_IDS.openFolder, label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        { type: 'separator' },
        { id: MENU_IDS.importCoco, label: 'Import COCO…', click: () => actions.importCoco() },
        { id: MENU_IDS.exportCoco, label: 'Export COCO…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportCoco() },
        { type: 'separator' },
        options.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // Not role 'undo': the document's history lives in the renderer's store, not in a text field.
        { id: MENU_IDS.undo, label: 'Undo', accelerator: 'CmdOrCtrl+Z', ...shownOnly, click: command('undo') },
        { id: MENU_IDS.redo, label: 'Redo', accelerator: options.isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y', ...shownOnly, click: command('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { id: MENU_IDS.zoomIn, label: 'Zoom In', accelerator: 'CmdOrCtrl+=', ...shownOnly, click: command('zoomIn') },
        { id: MENU_IDS.zoomOut, label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', ...shownOnly, click: command('zoomOut') },
        { id: MENU_IDS.zoomFit, label: 'Fit Image', accelerator: 'CmdOrCtrl+0', ...shownOnly, click: command('zoomFit') },
        ...(options.isDev
          ? ([
              { type: 'separator' },
              { id: MENU_IDS.reload, label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
              { id: MENU_IDS.devTools, label: 'Toggle Developer Tools', accelerator: 'CmdOrCtrl+Shift+I', click: () => actions.toggleDevTools() },
            ] satisfies MenuItemConstructorOptions[])
          : []),
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Model',
      submenu: [
        { id: MENU_IDS.proposeAll, label: 'Propose All Images', accelerator: 'CmdOrCtrl+Shift+P', click: () => actions.proposeAll() },
        { id: MENU_IDS.fineTune, label: 'Fine-tune on Corrections', click: command('startFineTune') },
        { id: MENU_IDS.versions, label: 'Model Versions…', click: command('showModelVersions') },
      ],
    },
    { role: 'windowMenu' },
  );
  return template;
}
