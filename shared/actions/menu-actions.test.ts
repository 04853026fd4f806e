import { describe, expect, test } from 'vitest';
import { APP_COMMANDS } from '../api/bridge';
import { MENU_ACTIONS, menuAction, menuChord } from './menu-actions';

describe('menu actions', () => {
  test('exactly one entry per command the shell can send, with unique menu ids', () => {
    expect(MENU_ACTIONS.map((spec) => spec.id).sort()).toEqual([...APP_COMMANDS].sort());
    expect(new Set(MENU_ACTIONS.map((spec) => spec.menuId)).size).toBe(MENU_ACTIONS.length);
  });

  test('the menu shows Shift+Cmd+Z for redo on macOS and Ctrl+Y elsewhere', () => {
    expect(menuChord(menuAction('redo'), true)).toEqual({ key: 'z', mod: true, shift: true });
    expect(menuChord(menuAction('redo'), false)).toEqual({ key: 'y', mod: true });
    expect(menuChord(menuAction('startFineTune'), false)).toBeUndefined();
  });

  test('no chord runs two actions', () => {
    const chords = MENU_ACTIONS.flatMap((spec) => spec.keys.map((chord) => JSON.stringify({ ...chord, shift: 'shift' in chord ? chord.shift : null })));
    expect(new Set(chords).size).toBe(chords.length);
  });
});
