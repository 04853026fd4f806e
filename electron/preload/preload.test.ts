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
      return { ok: true, result: 'from main' };
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
    expect(Object.keys(bridge).sort()).toEqual(['imageUrl', 'invoke', 'on', 'onCommand', 'transport']);
    expect(bridge.transport).toBe('electron');
  });

  test('allowlisted calls go to main on the one channel; others never leave the page', async () => {
    expect(await bridge.invoke('listImages', { offset: 0, limit: 5 })).toEqual({ ok: true, result: 'from main' });
    expect(electron.invocations).toEqual([[INVOKE_CHANNEL, 'listImages', { offset: 0, limit: 5 }]]);
    const refused = await bridge.invoke('resolveImageFile' as never, {} as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(electron.invocations).toHaveLength(1);
  });

  test('events reach subscribers without the IPC event object; unknown names are dropped', () => {
    const received: unknown[][] = [];
    const stop = bridge.on('onDidChangeAnnotations', (...args: unknown[]) => received.push(args));
    const ipcEvent = { sender: 'ipcRenderer itself' };
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'onDidChangeAnnotations', { imageId: 'a.jpg', revision: 2 });
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'onDidEvil', { x: 1 });
    stop();
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'onDidChangeAnnotations', { imageId: 'a.jpg', revision: 3 });
    expect(received).toEqual([[{ imageId: 'a.jpg', revision: 2 }]]);
    expect(() => bridge.on('onDidEvil' as never, () => {})).toThrow(/unknown event/);
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
