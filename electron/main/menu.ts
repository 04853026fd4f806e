// The application menu as a template. Items that change the document (undo, redo), the view
// (zoom) or open the renderer's dialogs (import, export) are carried out by the renderer, which owns
// the editor state and those dialogs: they become commands sent over IPC. Items that need the file
// system or native dialogs (open a folder) are carried out here in main.
// The renderer-run items (id, label, key) come from shared/actions/menu-actions.ts, the list the
// renderer's action registry reads too. Only `import type` from electron, so the template is
// unit-tested everywhere.
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_ACTIONS, menuAction, menuChord } from '../../shared/actions/menu-actions';
import type { KeyChord, MenuName } from '../../shared/actions/menu-actions';
import type { AppCommand } from '../../shared/api/bridge';

export interface MenuActions {
  openFolder(): void;
  proposeAll(): void;
  /** Forwards a command to the renderer. */
  sendCommand(command: AppCommand): void;
  reload(): void;
  toggleDevTools(): void;
}

interface MenuOptions {
  /** macOS has an app menu and keeps Quit there. */
  isMac: boolean;
  /** Development builds get Reload and the developer tools. */
  isDev: boolean;
}

/** Menu item ids, stable so tests (and the e2e test) can click items by id. */
export const MENU_IDS = {
  openFolder: 'file.openFolder',
  importAnnotations: menuAction('importAnnotations').menuId,
  exportDataset: menuAction('exportDataset').menuId,
  undo: menuAction('undo').menuId,
  redo: menuAction('redo').menuId,
  zoomIn: menuAction('zoomIn').menuId,
  zoomOut: menuAction('zoomOut').menuId,
  zoomFit: menuAction('zoomFit').menuId,
  reload: 'view.reload',
  devTools: 'view.devTools',
  proposeAll: 'model.proposeAll',
  fineTune: menuAction('startFineTune').menuId,
  versions: menuAction('showModelVersions').menuId,
} as const;

/** Electron's name for a KeyboardEvent.key where they differ. */
const ACCELERATOR_KEYS: Record<string, string> = { '+': 'Plus', ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right', Escape: 'Esc' };

/** A key chord as an Electron accelerator ("CmdOrCtrl+Shift+Z"). */
function acceleratorOf(chord: KeyChord): string {
  const key = ACCELERATOR_KEYS[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  return [chord.mod ? 'CmdOrCtrl' : null, chord.alt ? 'Alt' : null, chord.shift ? 'Shift' : null, key].filter((part) => part !== null).join('+');
}

export function buildMenuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const command = (name: AppCommand) => () => actions.sendCommand(name);
  // The renderer handles these keys itself (the same code runs in the browser). Registering them
  // would let the menu swallow the key before the page sees it, so they are only displayed
  // (Linux, Windows); on macOS the menu takes them and the command reaches the renderer instead.
  const shownOnly = { registerAccelerator: false } as const;
  /** The renderer-run items of one menu, in the shared list's order. */
  const rendererItems = (menu: MenuName): MenuItemConstructorOptions[] =>
    MENU_ACTIONS.filter((spec) => spec.menu === menu).map((spec) => {
      const chord = menuChord(spec, options.isMac);
      return { id: spec.menuId, label: spec.label, ...(chord ? { accelerator: acceleratorOf(chord), ...shownOnly } : {}), click: command(spec.id) };
    });
  const template: MenuItemConstructorOptions[] = [];
  if (options.isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        { id: MENU_IDS.openFolder, label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        { type: 'separator' },
        // The toolbar's Import… and Export… dialogs (every format), not native dialogs of their own.
        ...rendererItems('file'),
        { type: 'separator' },
        options.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // Not role 'undo': the document's history lives in the renderer's store, not in a text field.
        ...rendererItems('edit'),
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
        ...rendererItems('view'),
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
        ...rendererItems('model'),
      ],
    },
    { role: 'windowMenu' },
  );
  return template;
}
