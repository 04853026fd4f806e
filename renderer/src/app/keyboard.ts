// Keyboard shortcuts. The active tool sees a key first (Escape, Enter, Delete, Backspace mean
// different things mid-gesture); the rest are global. Keys typed into inputs are left alone.
import { actualSizeCamera } from '../state/session';
import { acceptShownProposals, assignCategory, cycleSelection, decide } from './annotation-actions';
import type { Controller } from './controller';
import { resimplifySelected, sortedCategories, validSelection } from './selectors';
import { isTyping } from './typing';

export const SHORTCUTS: [string, string][] = [
  ['A / R', 'accept / reject (selection or best proposal)'],
  ['Shift+A', 'accept every proposal shown'],
  ['Tab / Shift+Tab', 'next / previous proposal'],
  ['N P, → ←', 'next / previous image'],
  ['1-9, 0', 'assign category, unassign'],
  ['V D S', 'select, draw, click-to-segment tool'],
  ['Alt+click, dbl-click edge', 'insert vertex'],
  ['Delete', 'delete vertex (or instance)'],
  ['E', 're-simplify from mask'],
  ['Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y', 'undo, redo'],
  ['Esc', 'cancel gesture / deselect'],
  ['F, Ctrl+1', 'fit, 100%'],
  ['M', 'model panel (versions, fine-tune)'],
  ['Space+drag, middle drag, wheel', 'pan, zoom'],
];

export function handleKeyDown(controller: Controller, event: KeyboardEvent): void {
  if (isTyping(event)) return;
  const { store, toolbox } = controller;
  const state = store.getState();
  const { actions } = state;
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key;
  const done = () => event.preventDefault();

  if (ctrl && (key === 'z' || key === 'Z')) {
    if (event.shiftKey) actions.redo();
    else actions.undo();
    actions.setSession({ selection: validSelection(store) });
    return done();
  }
  if (ctrl && (key === 'y' || key === 'Y')) {
    actions.redo();
    actions.setSession({ selection: validSelection(store) });
    return done();
  }
  if (ctrl && key === '1') {
    const { width, height } = state.ephemeral.viewport;
    actions.setSession({ camera: actualSizeCamera(state.session.camera, width, height) });
    return done();
  }
  if (ctrl && key === '0') {
    controller.fitToView();
    return done();
  }
  if (ctrl || event.altKey) return;

  if (toolbox.keyDown({ key, shiftKey: event.shiftKey, ctrlKey: ctrl, altKey: event.altKey })) return done();

  switch (key) {
    case 'Escape':
      actions.setSession({ selection: null });
      return done();
    case 'a':
    case 'A':
      if (event.shiftKey) acceptShownProposals(store);
      else decide(store, 'accepted');
      return done();
    case 'r':
    case 'R':
      decide(store, 'rejected');
      return done();
    case 'Tab':
      cycleSelection(store, event.shiftKey ? -1 : 1);
      return done();
    case 'n':
    case 'N':
    case 'ArrowRight':
    case 'ArrowDown':
      void controller.openByOffset(1);
      return done();
    case 'p':
    case 'P':
    case 'ArrowLeft':
    case 'ArrowUp':
      void controller.openByOffset(-1);
      return done();
    case 'v':
    case 'V':
      toolbox.setTool('select');
      return done();
    case 'd':
    case 'D':
      toolbox.setTool('draw');
      return done();
    case 's':
    case 'S':
      toolbox.setTool('segment');
      return done();
    case 'f':
    case 'F':
      controller.fitToView();
      return done();
    case 'm':
    case 'M':
      actions.setSession({ modelPanelOpen: !state.session.modelPanelOpen });
      return done();
    case 'e':
    case 'E':
      resimplifySelected(store);
      return done();
    case 'Delete':
    case 'Backspace':
      return;
    default:
      if (/^[0-9]$/.test(key)) {
        const categories = sortedCategories(state.document.categories);
        if (key === '0') assignCategory(store, null);
        else {
          const category = categories[Number(key) - 1];
          if (category) assignCategory(store, category.id);
        }
        return done();
      }
  }
}
