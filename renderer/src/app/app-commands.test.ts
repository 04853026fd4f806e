// Menu commands arriving through a fake Electron bridge do what their keys and buttons do; a
// client without a command source (the browser) subscribes to nothing.
import { describe, expect, test } from 'vitest';
import type { AppCommand, MaskPilotBridge } from '../../../shared/api/bridge';
import { APP_COMMANDS } from '../../../shared/api/bridge';
import type { Instance } from '../../../shared/api/types';
import { createBridgeClient } from '../client/bridge-client';
import { setStatus } from '../state/commands';
import { createImageDocument } from '../state/document';
import { createEditorStore } from '../state/store';
import { fakeActionContext } from './actions/fake-context';
import { MENU_ZOOM_STEP } from './actions/registry';
import { listenToAppCommands } from './app-commands';

const proposal: Instance = {
  id: 'p',
  polygons: [[0, 0, 5, 0, 5, 5]],
  rle: { size: [10, 10], counts: 'x' },
  score: 0.9,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
};

function fakeBridge() {
  const listeners = new Set<(command: AppCommand) => void>();
  const bridge: MaskPilotBridge = {
    transport: 'electron',
    post: () => {},
    onMessage: () => () => {},
    onCommand: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    imageUrl: (imageId) => `maskpilot-image://project/${imageId}`,
  };
  const send = (command: AppCommand) => listeners.forEach((listener) => listener(command));
  return { bridge, send, listeners };
}

function setup() {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 10, 10, 'inProgress', [proposal]), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg', camera: { x: 0, y: 0, scale: 1 } });
  store.getState().actions.setEphemeral({ viewport: { width: 400, height: 200 } });
  const context = fakeActionContext(store);
  const calls = context.calls;
  const fake = fakeBridge();
  const stop = listenToAppCommands(createBridgeClient(fake.bridge), context);
  const status = () => store.getState().document.images['a.jpg'].instances.p.status;
  return { store, calls, status, stop, ...fake };
}

describe('menu commands', () => {
  test('undo and redo walk the document history; a selection that no longer exists is cleared', () => {
    const { store, send, status } = setup();
    const doc = store.getState().document.images['a.jpg'];
    store.getState().actions.execute(setStatus(doc, ['p'], 'accepted', 'Accept'));
    store.getState().actions.setSession({ selection: { instanceId: 'p', vertex: { ring: 0, index: 2 } } });
    send('undo');
    expect(status()).toBe('proposed');
    send('redo');
    expect(status()).toBe('accepted');
    expect(store.getState().session.selection).toEqual({ instanceId: 'p', vertex: { ring: 0, index: 2 } });
  });

  test('zoom in and out keep the centre of the canvas fixed; zoom fit fits', () => {
    const { store, send, calls } = setup();
    send('zoomIn');
    expect(store.getState().session.camera).toEqual({ scale: MENU_ZOOM_STEP, x: 200 - 200 * MENU_ZOOM_STEP, y: 100 - 100 * MENU_ZOOM_STEP });
    send('zoomOut');
    const camera = store.getState().session.camera;
    expect(camera.scale).toBeCloseTo(1, 10);
    expect(camera.x).toBeCloseTo(0, 10);
    expect(camera.y).toBeCloseTo(0, 10);
    send('zoomFit');
    expect(calls).toEqual(['fit']);
  });

  test('show model versions opens the model panel; start fine-tune opens it and starts', () => {
    const { store, send, calls } = setup();
    send('showModelVersions');
    expect(store.getState().session.modelPanelOpen).toBe(true);
    store.getState().actions.setSession({ modelPanelOpen: false });
    send('startFineTune');
    expect(store.getState().session.modelPanelOpen).toBe(true);
    expect(calls).toEqual(['fineTune']);
  });

  test('every command the shell can send is handled; an unknown one from a newer shell is ignored', () => {
    const { store, send } = setup();
    for (const command of APP_COMMANDS) expect(() => send(command)).not.toThrow();
    const before = store.getState().session;
    expect(() => send('explode' as AppCommand)).not.toThrow();
    expect(store.getState().session).toBe(before);
  });

  test('unsubscribing stops commands; a client without onCommand (browser) needs none', () => {
    const { send, stop, listeners, store, status } = setup();
    stop();
    expect(listeners.size).toBe(0);
    store.getState().actions.execute(setStatus(store.getState().document.images['a.jpg'], ['p'], 'accepted', 'Accept'));
    send('undo');
    expect(status()).toBe('accepted');
    const noShell = listenToAppCommands({}, fakeActionContext(store));
    expect(() => noShell()).not.toThrow();
  });
});
