// The preload against a stand-in 'electron': what it exposes to the page, and that the page never
// gets ipcRenderer, its events, or a way to send anything but allowlisted calls on the one channel.
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import type { MaskPilotBridge } from '../../shared/api/bridge';
import { COMMAND_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../ipc/channels';

vi.mock('electron', () => {
  const exposed: Record<string, unknown> = {};
  const invocations: unknown[][] = [];
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: async (...args: unknown[]) => {
      invocations.push(args);
      const message = args[1] as { type: string; id: number };
      return message.type === 'request' ? { type: 'response', id: message.id, ok: true, result: 'from main' } : null;
    },
  });
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer,
    exposed,
    invocations,
  };
});

interface StandIn {
  exposed: Record<string, unknown>;
  invocations: unknown[][];
  ipcRenderer: EventEmitter;
}
let electron: StandIn;
let bridge: MaskPilotBridge;

describe('preload bridge', () => {
  beforeAll(async () => {
    electron = (await import('electron')) as unknown as StandIn;
    await import('./preload');
    bridge = electron.exposed.maskpilot as MaskPilotBridge;
  });

  test('exposes exactly the bridge as window.maskpilot', () => {
    expect(Object.keys(electron.exposed)).toEqual(['maskpilot']);
    expect(Object.keys(bridge).sort()).toEqual(['imageUrl', 'onCommand', 'onMessage', 'post', 'transport']);
    expect(bridge.transport).toBe('electron');
  });

  test('allowlisted requests go to main on the one channel, rebuilt; others never leave the page', async () => {
    const received: unknown[] = [];
    const stop = bridge.onMessage((message) => received.push(message));
    bridge.post({ type: 'request', id: 1, method: 'listImages', params: { offset: 0, limit: 5 }, extra: 'dropped' } as never);
    bridge.post({ type: 'request', id: 2, method: 'resolveImageFile', params: {} });
    bridge.post({ type: 'cancel', id: 1 });
    bridge.post({ type: 'shutdown', id: 3 } as never);
    await new Promise((resolve) => setTimeout(resolve, 0));
    stop();
    expect(electron.invocations).toEqual([
      [INVOKE_CHANNEL, { type: 'request', id: 1, method: 'listImages', params: { offset: 0, limit: 5 } }],
      [INVOKE_CHANNEL, { type: 'cancel', id: 1 }],
    ]);
    expect(received).toHaveLength(2);
    expect(received).toContainEqual({ type: 'response', id: 2, ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/not on the API allowlist/) } });
    expect(received).toContainEqual({ type: 'response', id: 1, ok: true, result: 'from main' });
  });

  test('events reach subscribers without the IPC event object; unknown names are dropped', () => {
    const received: unknown[][] = [];
    const stop = bridge.onMessage((...args: unknown[]) => received.push(args));
    const ipcEvent = { sender: 'ipcRenderer itself' };
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, { type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'a.jpg', revision: 2 } });
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, { type: 'event', event: 'onDidEvil', payload: { x: 1 } });
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, { type: 'response', id: 1, ok: true, result: 'forged' });
    stop();
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, { type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'a.jpg', revision: 3 } });
    expect(received).toEqual([[{ type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'a.jpg', revision: 2 } }]]);
    expect(() => bridge.onMessage('nope' as never)).toThrow(/must be a function/);
  });

  test('menu commands reach subscribers; unknown commands are dropped; a throwing subscriber does not starve others', async () => {
    const commands: unknown[] = [];
    const unhandled: unknown[] = [];
    const onError = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onError);
    bridge.onCommand(() => {
      throw new Error('faulty subscriber');
    });
    const stop = bridge.onCommand((command) => commands.push(command));
    electron.ipcRenderer.emit(COMMAND_CHANNEL, {}, 'undo');
    electron.ipcRenderer.emit(COMMAND_CHANNEL, {}, 'rm -rf');
    stop();
    electron.ipcRenderer.emit(COMMAND_CHANNEL, {}, 'redo');
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off('uncaughtException', onError);
    expect(commands).toEqual(['undo']);
    expect(unhandled.map((error) => (error as Error).message)).toEqual(['faulty subscriber', 'faulty subscriber']);
  });

  test('image URLs use the image protocol with the id as one encoded segment', () => {
    expect(bridge.imageUrl('street/a b.jpg', { maxSide: 256 })).toBe('maskpilot-image://project/street%2Fa%20b.jpg?maxSide=256');
  });
});
