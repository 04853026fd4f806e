import { describe, expect, test } from 'vitest';
import type { ApiEventName, ApiMethodName } from '../../../shared/api/contract';
import type { BridgeEnvelope, MaskPilotBridge } from '../../../shared/api/bridge';
import { ApiError } from '../../../shared/api/errors';
import { createBridgeClient, findBridge } from './bridge-client';

function fakeBridge(answer: (method: ApiMethodName, params: unknown) => BridgeEnvelope) {
  const calls: [ApiMethodName, unknown][] = [];
  const subscribed: ApiEventName[] = [];
  const bridge: MaskPilotBridge = {
    transport: 'electron',
    invoke: (async (method: ApiMethodName, params: unknown) => {
      calls.push([method, params]);
      return answer(method, params);
    }) as MaskPilotBridge['invoke'],
    on: (event) => {
      subscribed.push(event);
      return () => {};
    },
    onCommand: () => () => {},
    imageUrl: (imageId, options) => `maskpilot-image://project/${imageId}?maxSide=${options?.maxSide ?? ''}`,
  };
  return { bridge, calls, subscribed };
}

describe('createBridgeClient', () => {
  test('unwraps ok envelopes into results and passes params through', async () => {
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

  test('error envelopes become ApiErrors with their code and details', async () => {
    const { bridge } = fakeBridge(() => ({ ok: false, error: { code: 'CONFLICT', message: 'stale', details: { revision: 3 } } }));
    const error = await createBridgeClient(bridge)
      .saveAnnotations({ imageId: 'a.jpg', instances: [], baseRevision: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('CONFLICT');
    expect((error as ApiError).details).toEqual({ revision: 3 });
  });

  test('events and image URLs come from the bridge; the connection is always open', () => {
    const { bridge, subscribed } = fakeBridge(() => ({ ok: true, result: null }));
    const client = createBridgeClient(bridge);
    client.on('onDidChangeImage', () => {});
    expect(subscribed).toEqual(['onDidChangeImage']);
    expect(client.imageUrl('a b.jpg', { maxSide: 64 })).toBe('maskpilot-image://project/a b.jpg?maxSide=64');
    expect(client.connectionState()).toBe('open');
  });
});

describe('findBridge', () => {
  test('finds only an Electron bridge with an invoke function', () => {
    const { bridge } = fakeBridge(() => ({ ok: true, result: null }));
    expect(findBridge({ maskpilot: bridge })).toBe(bridge);
    expect(findBridge({})).toBeNull();
    expect(findBridge({ maskpilot: { transport: 'electron' } })).toBeNull();
    expect(findBridge({ maskpilot: 'nope' })).toBeNull();
  });
});
