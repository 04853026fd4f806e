import { describe, expect, test } from 'vitest';
import { API_METHOD_NAMES } from './contract';
import { ApiError } from './errors';
import { createRpcClient } from './rpc-client';
import type { MessageTransport } from './rpc-client';
import type { RequestMessage } from './wire';

/** A transport whose other end is the test: it sees what the client sent and replies by hand. */
function fakeTransport() {
  const sent: RequestMessage[] = [];
  let deliver: (text: string) => void = () => {};
  let drop: (reason: string) => void = () => {};
  let closedByClient = false;
  let failSends = false;
  const transport: MessageTransport = {
    send(text) {
      if (failSends) throw new Error('socket is not open');
      sent.push(JSON.parse(text) as RequestMessage);
    },
    onMessage(listener) {
      deliver = listener;
    },
    onClose(listener) {
      drop = listener;
    },
    close() {
      closedByClient = true;
    },
  };
  return {
    transport,
    sent,
    reply: (message: unknown) => deliver(JSON.stringify(message)),
    deliverRaw: (text: string) => deliver(text),
    drop: (reason: string) => drop(reason),
    failSends: () => (failSends = true),
    get closedByClient() {
      return closedByClient;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createRpcClient', () => {
  test('exposes exactly the allowlisted methods, plus on and close', () => {
    const client = createRpcClient(fakeTransport().transport);
    for (const method of API_METHOD_NAMES) expect(typeof client[method]).toBe('function');
    expect(Object.keys(client).sort()).toEqual([...API_METHOD_NAMES, 'close', 'on'].sort());
  });

  test('each call sends a request with a fresh id and resolves with the matching response', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const first = client.getImage({ imageId: 'a.jpg' });
    const second = client.listImages({ offset: 0, limit: 10 });
    expect(wire.sent.map((message) => [message.method, message.params])).toEqual([
      ['getImage', { imageId: 'a.jpg' }],
      ['listImages', { offset: 0, limit: 10 }],
    ]);
    const [idA, idB] = wire.sent.map((message) => message.id);
    expect(idA).not.toBe(idB);
    // Replies may come out of order.
    wire.reply({ type: 'response', id: idB, ok: true, result: { total: 0, images: [] } });
    wire.reply({ type: 'response', id: idA, ok: true, result: { id: 'a.jpg' } });
    await expect(second).resolves.toEqual({ total: 0, images: [] });
    await expect(first).resolves.toEqual({ id: 'a.jpg' });
  });

  test('an error reply is rebuilt as ApiError with code, message and details', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const call = client.saveAnnotations({ imageId: 'a.jpg', instances: [], baseRevision: 1 });
    wire.reply({ type: 'response', id: wire.sent[0].id, ok: false, error: { code: 'CONFLICT', message: 'saved revision is 2', details: { revision: 2 } } });
    const error = await rejection(call);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('saved revision is 2');
    expect(error.details).toEqual({ revision: 2 });
  });

  test('events reach every subscriber of that event until it unsubscribes; junk frames are ignored', () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const seen: string[] = [];
    const stop = client.on('onDidChangeAnnotations', (payload) => seen.push(`A:${payload.imageId}@${payload.revision}`));
    client.on('onDidChangeAnnotations', (payload) => seen.push(`B:${payload.imageId}`));
    client.on('onDidProgress', () => seen.push('progress'));
    wire.deliverRaw('not json');
    wire.reply({ type: 'event', event: 'onDidNotExist', payload: {} });
    wire.reply({ type: 'response', id: 999, ok: true, result: null });
    wire.reply({ type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'x.jpg', revision: 3 } });
    stop();
    wire.reply({ type: 'event', event: 'onDidChangeAnnotations', payload: { imageId: 'y.jpg', revision: 1 } });
    expect(seen).toEqual(['A:x.jpg@3', 'B:x.jpg', 'B:y.jpg']);
  });

  test('a dropped connection rejects every call in flight with DISCONNECTED, naming the method', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const save = client.saveAnnotations({ imageId: 'a.jpg', instances: [] });
    const list = client.listCategories({});
    wire.drop('WebSocket closed 1006');
    const saveError = await rejection(save);
    expect(saveError.code).toBe('DISCONNECTED');
    expect(saveError.message).toContain('saveAnnotations');
    expect(saveError.message).toContain('WebSocket closed 1006');
    expect((await rejection(list)).code).toBe('DISCONNECTED');
    // A reply arriving after the drop (from a reconnected transport) settles nothing twice.
    wire.reply({ type: 'response', id: wire.sent[0].id, ok: true, result: { revision: 1 } });
    // The client stays usable after a drop: the transport may have reconnected.
    const again = client.getProject({});
    wire.reply({ type: 'response', id: wire.sent[2].id, ok: true, result: { name: 'p', imageCount: 0, categories: [] } });
    await expect(again).resolves.toMatchObject({ name: 'p' });
  });

  test('close() rejects calls in flight, refuses new ones and closes the transport', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const pending = client.getModelStatus({});
    client.close();
    expect((await rejection(pending)).code).toBe('DISCONNECTED');
    expect((await rejection(client.getModelStatus({}))).code).toBe('DISCONNECTED');
    expect(wire.closedByClient).toBe(true);
    expect(wire.sent).toHaveLength(1);
  });

  test('a send that throws rejects that call at once; parameters that are not JSON-safe are refused', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect((await rejection(client.importCoco(circular as unknown as { json: string }))).code).toBe('INVALID_ARGUMENT');
    wire.failSends();
    const error = await rejection(client.getProject({}));
    expect(error.code).toBe('DISCONNECTED');
    expect(error.message).toContain('socket is not open');
  });

  test('a subscriber that throws does not stop the others, and its error still surfaces', async () => {
    const wire = fakeTransport();
    const client = createRpcClient(wire.transport);
    const seen: number[] = [];
    const surfaced: unknown[] = [];
    const capture = (reason: unknown) => surfaced.push(reason);
    process.on('unhandledRejection', capture);
    try {
      client.on('onDidProgress', () => {
        throw new Error('bad listener');
      });
      client.on('onDidProgress', (payload) => seen.push(payload.done));
      wire.reply({ type: 'event', event: 'onDidProgress', payload: { jobId: 'j', kind: 'propose', done: 4, total: 9, state: 'running' } });
      expect(seen).toEqual([4]);
      await expect.poll(() => surfaced.map((reason) => (reason as Error).message)).toEqual(['bad listener']);
    } finally {
      process.off('unhandledRejection', capture);
    }
  });
});
