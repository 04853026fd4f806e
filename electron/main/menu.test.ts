import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, test } from 'vitest';
import { buildMenuTemplate, MENU_IDS } from './menu';
import type { MenuActions } from './menu';

function recordingActions(log: string[]): MenuActions {
  return {
    openFolder: () => log.push('openFolder'),
    proposeAll: () => log.push('proposeAll'),
    sendCommand: (command) => log.push(`command:${command}`),
    reload: () => log.push('reload'),
    toggleDevTools: () => log.push('devTools'),
  };
}

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

function click(items: MenuItemConstructorOptions[], id: string): void {
  const item = flatten(items).find((candidate) => candidate.id === id);
  if (!item?.click) throw new Error(`no clickable item ${id}`);
  (item.click as () => void)();
}

describe('application menu', () => {
  test('every item does what its label says', () => {
    const log: string[] = [];
    const template = buildMenuTemplate(recordingActions(log), { isMac: false, isDev: true });
    for (const id of Object.values(MENU_IDS)) click(template, id);
    expect(log).toEqual([
      'openFolder',
      'command:importAnnotations',
      'command:exportDataset',
      'command:undo',
      'command:redo',
      'command:zoomIn',
      'command:zoomOut',
      'command:zoomFit',
      'reload',
      'devTools',
      'proposeAll',
      'command:startFineTune',
      'command:showModelVersions',
    ]);
  });

  test("File > Import Annotations… and Export Annotations… open the renderer's dialogs (every format), not native COCO dialogs", () => {
    const log: string[] = [];
    const template = buildMenuTemplate(recordingActions(log), { isMac: false, isDev: false });
    const file = template.find((menu) => menu.label === '&File')!;
    const items = (file.submenu as MenuItemConstructorOptions[]).filter((item) => item.type !== 'separator');
    expect(items.map((item) => item.label ?? item.role)).toEqual(['Open Folder…', 'Import Annotations…', 'Export Annotations…', 'quit']);
    click(template, MENU_IDS.importAnnotations);
    click(template, MENU_IDS.exportDataset);
    expect(log).toEqual(['command:importAnnotations', 'command:exportDataset']);
    // Ctrl+E as before; the renderer handles the key itself (the browser too), so the menu only shows it.
    const exportItem = flatten(template).find((item) => item.id === MENU_IDS.exportDataset)!;
    expect(exportItem).toMatchObject({ accelerator: 'CmdOrCtrl+E', registerAccelerator: false });
  });

  test('release builds have no reload or developer tools', () => {
    const ids = flatten(buildMenuTemplate(recordingActions([]), { isMac: false, isDev: false })).map((item) => item.id);
    expect(ids).not.toContain(MENU_IDS.reload);
    expect(ids).not.toContain(MENU_IDS.devTools);
    expect(ids).toContain(MENU_IDS.openFolder);
  });

  test('accelerators are unique and macOS gets its app menu', () => {
    const mac = buildMenuTemplate(recordingActions([]), { isMac: true, isDev: true });
    expect(mac[0]).toEqual({ role: 'appMenu' });
    const accelerators = flatten(mac).flatMap((item) => (item.accelerator ? [String(item.accelerator)] : []));
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  test("keys the renderer handles itself are shown but not registered, so the menu does not swallow them", () => {
    const items = flatten(buildMenuTemplate(recordingActions([]), { isMac: false, isDev: false }));
    const byId = (id: string) => items.find((item) => item.id === id)!;
    for (const id of [MENU_IDS.undo, MENU_IDS.redo, MENU_IDS.zoomIn, MENU_IDS.zoomOut, MENU_IDS.zoomFit]) {
      expect(byId(id).registerAccelerator, id).toBe(false);
      expect(byId(id).accelerator, id).toBeTruthy();
    }
    expect(byId(MENU_IDS.openFolder).registerAccelerator).toBeUndefined();
  });
});
