// The action registry: one definition per action feeds the keys, the menu commands and the help.
import { describe, expect, test } from 'vitest';
import { MENU_ACTIONS } from '../../../../shared/actions/menu-actions';
import { APP_COMMANDS } from '../../../../shared/api/bridge';
import type { Instance } from '../../../../shared/api/types';
import { rleFromPolygons } from '../../editing/mask-sync';
import { createImageDocument } from '../../state/document';
import { createEditorStore } from '../../state/store';
import { dispatchKey } from '../keyboard';
import { chordMatches, formatChord } from './action';
import type { KeyPress } from './action';
import { fakeActionContext } from './fake-context';
import { ACTIONS, actionById } from './registry';
import { GESTURES, KEY_TARGET_RULE, shortcutHelp } from './shortcut-help';

/** Proposals on separate squares, so the display order is the score order. */
const proposal = (id: string, score: number, x = Number(id.slice(1)) * 3): Instance => ({
  id,
  polygons: [[x, 0, x + 2, 0, x + 2, 2, x, 2]],
  rle: rleFromPolygons([[x, 0, x + 2, 0, x + 2, 2, x, 2]], 10, 10),
  score,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
});

function setup() {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 10, 10, 'inProgress', [proposal('p1', 0.9), proposal('p2', 0.8), proposal('p3', 0.7)]), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg', camera: { x: 0, y: 0, scale: 1 } });
  store.getState().actions.setCategories([
    { id: 4, name: 'cat', color: '#ff0000' },
    { id: 2, name: 'dog', color: '#00ff00' },
  ]);
  const context = fakeActionContext(store);
  const press = (key: string, modifiers: Partial<KeyPress> = {}) => dispatchKey(context, { key, ctrlKey: false, shiftKey: false, altKey: false, ...modifiers });
  const status = (id: string) => store.getState().document.images['a.jpg'].instances[id];
  return { store, context, press, status };
}

describe('keyboard through the registry', () => {
  test('decisions: A accepts the first shown and keeps it, Tab moves on, R rejects, Shift+A accepts the rest; Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y', () => {
    const { store, press, status } = setup();
    expect(press('a')).toBe(true);
    expect(status('p1').status).toBe('accepted');
    expect(store.getState().session.selection?.instanceId).toBe('p1');
    expect(press('Tab')).toBe(true);
    expect(press('r')).toBe(true);
    expect(status('p2').status).toBe('rejected');
    expect(store.getState().session.selection).toBeNull();
    expect(press('A', { shiftKey: true })).toBe(true);
    expect(status('p3').status).toBe('accepted');
    expect(press('z', { ctrlKey: true })).toBe(true);
    expect(status('p3').status).toBe('proposed');
    expect(press('Z', { ctrlKey: true, shiftKey: true })).toBe(true);
    expect(status('p3').status).toBe('accepted');
    press('z', { metaKey: true }); // Cmd+Z on macOS
    expect(press('y', { ctrlKey: true })).toBe(true);
    expect(status('p3').status).toBe('accepted');
    expect(store.getState().history['a.jpg'].undo).toHaveLength(3);
  });

  test('category keys assign by id order, 0 unassigns; Tab and Shift+Tab cycle; Escape deselects', () => {
    const { store, press, status } = setup();
    press('Tab'); // from the key target p1 (nothing selected) on to p2
    expect(store.getState().session.selection?.instanceId).toBe('p2');
    press('Tab', { shiftKey: true });
    press('Tab', { shiftKey: true });
    expect(store.getState().session.selection?.instanceId).toBe('p3');
    press('2');
    expect(status('p3')).toMatchObject({ categoryId: 4, status: 'accepted' });
    press('0');
    expect(status('p3').categoryId).toBeNull();
    press('Escape');
    expect(store.getState().session.selection).toBeNull();
  });

  test('tools, navigation, view and panel keys; Shift does not matter where it never did', () => {
    const { store, press, context } = setup();
    press('d');
    expect(store.getState().session.tool).toBe('draw');
    press('S', { shiftKey: true });
    expect(store.getState().session.tool).toBe('segment');
    press('v');
    expect(store.getState().session.tool).toBe('select');
    for (const key of ['n', 'ArrowRight', 'ArrowDown', 'p', 'ArrowLeft', 'ArrowUp']) press(key);
    press('f');
    press('0', { ctrlKey: true });
    expect(context.calls).toEqual(['open 1', 'open 1', 'open 1', 'open -1', 'open -1', 'open -1', 'fit', 'fit']);
    press('m');
    expect(store.getState().session.modelPanelOpen).toBe(true);
    store.getState().actions.setEphemeral({ viewport: { width: 400, height: 200 } });
    store.getState().actions.setSession({ camera: { x: 10, y: 10, scale: 0.5 } });
    press('1', { ctrlKey: true });
    expect(store.getState().session.camera.scale).toBe(1);
    press('=', { ctrlKey: true });
    expect(store.getState().session.camera.scale).toBe(1.25);
    press('-', { ctrlKey: true });
    expect(store.getState().session.camera.scale).toBeCloseTo(1, 10);
  });

  test('Alt chords, unknown keys and Delete without a selection are left to the browser', () => {
    const { press, status } = setup();
    expect(press('a', { altKey: true })).toBe(false);
    expect(press('a', { ctrlKey: true })).toBe(false);
    expect(press('Delete')).toBe(false);
    expect(press('q')).toBe(false);
    expect(status('p1').status).toBe('proposed');
  });

  test('Ctrl+Enter finishes the image in one undo step; C and / open the category picker', () => {
    const { store, press, status } = setup();
    press('a');
    expect(press('Enter', { ctrlKey: true })).toBe(true);
    expect(['p1', 'p2', 'p3'].map((id) => status(id).status)).toEqual(['accepted', 'rejected', 'rejected']);
    press('z', { ctrlKey: true });
    expect(['p2', 'p3'].map((id) => status(id).status)).toEqual(['proposed', 'proposed']);
    expect(press('c')).toBe(true);
    expect(store.getState().session.categoryPickerOpen).toBe(true);
    store.getState().actions.setSession({ categoryPickerOpen: false });
    expect(press('/')).toBe(true);
    expect(store.getState().session.categoryPickerOpen).toBe(true);
  });

  test('a disabled action does nothing but still takes its key', () => {
    const { store, press } = setup();
    expect(press('e')).toBe(true); // re-simplify needs a selection
    expect(store.getState().history['a.jpg']?.undo ?? []).toHaveLength(0);
  });
});

describe('the registry is the one definition', () => {
  test('no key chord belongs to two actions', () => {
    const presses: KeyPress[] = ACTIONS.flatMap((action) => action.keys).flatMap((chord) =>
      [false, true].map((shiftKey) => ({ key: chord.key, ctrlKey: !!chord.mod, altKey: !!chord.alt, shiftKey })),
    );
    for (const press of presses) {
      const owners = ACTIONS.filter((action) => action.keys.some((chord) => chordMatches(chord, press))).map((action) => action.id);
      expect(owners.length, `${JSON.stringify(press)}: ${owners.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  test('every menu command is an action with the label and keys the menu shows', () => {
    for (const command of APP_COMMANDS) expect(actionById(command)).toBeDefined();
    for (const spec of MENU_ACTIONS) {
      expect(actionById(spec.id).label).toBe(spec.label);
      expect(actionById(spec.id).keys).toEqual(spec.keys);
    }
  });

  test('the help lists every action that has a key, then the tools’ gestures', () => {
    const help = shortcutHelp();
    for (const action of ACTIONS.filter((candidate) => candidate.keys.length > 0)) expect(help.map((row) => row.label)).toContain(action.label);
    expect(help.slice(-GESTURES.length)).toEqual(GESTURES);
    expect(help[0]).toBe(KEY_TARGET_RULE); // the rule for which instance the keys act on comes first
    expect(KEY_TARGET_RULE.label).toMatch(/keep it selected/);
    expect(help.find((row) => row.label === 'Redo')?.keys).toBe('Ctrl+Shift+Z, Ctrl+Y');
    expect(help.find((row) => row.label.startsWith('Assign category'))?.keys).toBe('1-9, 0');
    expect(formatChord({ key: 'Tab', shift: true })).toBe('Shift+Tab');
  });
});
