import { describe, expect, test } from 'vitest';
import type { MaskPilotBridge } from '../../../shared/api/bridge';
import { ApiError } from '../../../shared/api/errors';
import type { SerializedApiError } from '../../../shared/api/errors';
import type { ClientMessage } from '../../../shared/api/wire';
import { createBridgeClient, findBridge } from './bridge-client';

type Answer = { ok: true; result: unknown } | { ok: false; error: SerializedApiError };

/** A preload bridge whose main side answers every request with `answer` (asynchronously, as IPC does). */
function fakeBridge(answer: (method: string, params: unknown) => Answer) {
  const calls: [string, unknown][] = [];
  const listeners = new Set<(message: unknown) => void>();
  const deliver = (message: unknown) => {
    for (const listener of listeners) listener(message);
  };
  const bridge: MaskPilotBridge = {
    transport: 'electron',
    post(message: ClientMessage) {
      if (message.type !== 'request') return;
      calls.push([message.method, message.params]);
      const reply = answer(message.method, message.params);
      queueMicrotask(() => deliver({ type: 'response', id: message.id, ...reply }));
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCommand: () => () => {},
    imageUrl: (imageId, options) => `maskpilot-image://project/${imageId}?maxSide=${options?.maxSide ?? ''}`,
  };
  return { bridge, calls, deliver };
}

describe('createBridgeClient', () => {
  test('requests go through the bridge; responses resolve with results', async () => {
    const { bridge, calls } = fakeBridge(() => ({ ok: true, result: { name: 'p', imageCount: 2, categories: [] } }));
    const client = createBridgeClient(bridge);
    expect(client.transport).toBe('electron');
    expect(await client.getProject({})).toEqual({ name: 'p', imageCount: 2, categories: [] });
    await client.getImage({ imageId: 'a.jpg' });
    expect(calls).toEqual([
      ['getProject', {}],
      ['getImage', { imageId: 'a.jpg' }],
    ]);
  });

  test('error responses become ApiErrors with their code and details', async () => {
    const { bridge } = fakeBridge(() => ({ ok: false, error: { code: 'CONFLICT', message: 'stale', details: { revision: 3 } } }));
    const error = await createBridgeClient(bridge)
      .saveAnnotations({ imageId: 'a.jpg', instances: [], baseRevision: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('CONFLICT');
    expect((error as ApiError).details).toEqual({ revision: 3 });
  });

  test('events arrive as channel messages; image URLs come from the bridge; the connection is always open', () => {
    const { bridge, deliver } = fakeBridge(() => ({ ok: true, result: null }));
    const client = createBridgeClient(bridge);
    const seen: unknown[] = [];
    client.on('onDidChangeImage', (payload) => seen.push(payload));
    deliver({ type: 'event', event: 'onDidChangeImage', payload: { image: { id: 'a.jpg' } } });
    expect(seen).toEqual([{ image: { id: 'a.jpg' } }]);
    expect(client.imageUrl('a b.jpg', { maxSide: 64 })).toBe('maskpilot-image://project/a b.jpg?maxSide=64');
    expect(client.connectionState()).toBe('open');
  });
});

describe('findBridge', () => {
  test('finds only an Electron bridge with a port', () => {
    const { bridge } = fakeBridge(() => ({ ok: true, result: null }));
    expect(findBridge({ maskpilot: bridge })).toBe(bridge);
    expect(findBridge({})).toBeNull();
    expect(findBridge({ maskpilot: { transport: 'electron' } })).toBeNull();
    expect(findBridge({ maskpilot: 'nope' })).toBeNull();
  });
});
