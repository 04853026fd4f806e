// The actions the desktop menu shows and the renderer carries out (import and export dialogs, undo,
// redo, zoom, model panel), described once as plain data: id, label, menu and key chords.
// electron/main builds those menu items from this list, and the renderer's action registry takes
// these entries' labels and keys for its keyboard handler, toolbar and shortcut help, so a menu item
// and its key cannot disagree.
import type { AppCommand } from '../api/bridge';

/**
 * A key with modifiers. `key` is KeyboardEvent.key (letters in lower case; they match either case).
 * `mod` is Ctrl, or Cmd on macOS; `mod` and `alt` must match exactly (absent = not held). `shift`
 * absent matches with or without Shift; true / false require it held / not held.
 */
export interface KeyChord {
  key: string;
  mod?: boolean;
  alt?: boolean;
  shift?: boolean;
}

export type MenuName = 'file' | 'edit' | 'view' | 'model';

interface MenuActionSpec {
  /** The command the menu sends to the renderer (shared/api/bridge.ts). */
  id: AppCommand;
  menu: MenuName;
  /** Stable menu item id: tests click items by it. */
  menuId: string;
  /** Label as a menu shows it (title case); the renderer's help and tooltips use it too. */
  label: string;
  /** Every chord that runs the action; the menu shows keys[menuKey] (default: the first). */
  keys: readonly KeyChord[];
  /** Which chord the menu displays on macOS and elsewhere, when not the first. */
  menuKey?: { mac: number; other: number };
}

export const MENU_ACTIONS = [
  // File: the renderer's dialogs, so the menu offers what the toolbar's Import… and Export… offer.
  { id: 'importAnnotations', menu: 'file', menuId: 'file.import', label: 'Import Annotations…', keys: [] },
  { id: 'exportDataset', menu: 'file', menuId: 'file.export', label: 'Export Annotations…', keys: [{ key: 'e', mod: true }] },
  { id: 'undo', menu: 'edit', menuId: 'edit.undo', label: 'Undo', keys: [{ key: 'z', mod: true, shift: false }] },
  {
    id: 'redo',
    menu: 'edit',
    menuId: 'edit.redo',
    label: 'Redo',
    keys: [
      { key: 'z', mod: true, shift: true },
      { key: 'y', mod: true },
    ],
    // macOS convention is Shift+Cmd+Z; Linux and Windows menus show Ctrl+Y.
    menuKey: { mac: 0, other: 1 },
  },
  {
    id: 'zoomIn',
    menu: 'view',
    menuId: 'view.zoomIn',
    label: 'Zoom In',
    keys: [
      { key: '=', mod: true },
      { key: '+', mod: true },
    ],
  },
  { id: 'zoomOut', menu: 'view', menuId: 'view.zoomOut', label: 'Zoom Out', keys: [{ key: '-', mod: true }] },
  { id: 'zoomFit', menu: 'view', menuId: 'view.zoomFit', label: 'Fit Image', keys: [{ key: '0', mod: true }, { key: 'f' }] },
  { id: 'startFineTune', menu: 'model', menuId: 'model.fineTune', label: 'Fine-tune on Corrections', keys: [] },
  { id: 'showModelVersions', menu: 'model', menuId: 'model.versions', label: 'Model Versions…', keys: [] },
] as const satisfies readonly MenuActionSpec[];

export function menuAction(id: AppCommand): MenuActionSpec {
  const spec = MENU_ACTIONS.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no menu action ${id}`);
  return spec;
}

/** The chord a menu displays for an action on this platform, or undefined when it has no key. */
export function menuChord(spec: MenuActionSpec, isMac: boolean): KeyChord | undefined {
  const index = spec.menuKey ? (isMac ? spec.menuKey.mac : spec.menuKey.other) : 0;
  return spec.keys[index];
}
