import { describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { createRpcClient } from '../../shared/api/rpc-client';
import type { ResponseMessage } from '../../shared/api/wire';
import { createRpcDispatcher } from './rpc-dispatch';
import type { DispatchOptions } from './rpc-dispatch';
import { createFakeService } from './test-fake-service';
import type { FakeService } from './test-fake-service';

/** Dispatches one frame; returns the violation (if any) and the replies sent. */
async function dispatchOne(service: FakeService, text: string, options: DispatchOptions = {}) {
  const sent: string[] = [];
  const violation = await createRpcDispatcher(service, (reply) => sent.push(reply), options)(text);
  return { violation, replies: sent.map((reply) => JSON.parse(reply) as ResponseMessage) };
}

async function reply(service: FakeService, frame: unknown, options: DispatchOptions = {}): Promise<ResponseMessage> {
  const { violation, replies } = await dispatchOne(service, JSON.stringify(frame), options);
  expect(violation).toBeNull();
  expect(replies).toHaveLength(1);
  return replies[0];
}

describe('createRpcDispatcher', () => {
  test('a well-formed request calls the service method with its params and replies with the result', async () => {
    const service = createFakeService('/nowhere', ['a.jpg', 'b.jpg']);
    const message = await reply(service, { type: 'request', id: 7, method: 'listImages', params: { offset: 1, limit: 5 } });
    expect(message).toEqual({
      type: 'response',
      id: 7,
      ok: true,
      result: { total: 2, images: [{ id: 'b.jpg', fileSize: 0, status: 'unvisited', instanceCount: 0, proposedCount: 0 }] },
    });
  });

  test('service errors come back serialized with their code and details', async () => {
    const service = createFakeService('/nowhere', ['a.jpg']);
    const message = await reply(service, { type: 'request', id: 1, method: 'getImage', params: { imageId: 'zzz.jpg' } });
    expect(message).toMatchObject({ id: 1, ok: false, error: { code: 'NOT_FOUND' } });
  });

  test.each(['constructor', '__proto__', 'toString', 'on', 'close', 'resolveImageFile', 'calls', 42, null])(
    'method %j is not on the allowlist: FORBIDDEN and the service is not touched',
    async (method) => {
      const service = createFakeService('/nowhere', ['a.jpg']);
      const message = await reply(service, { type: 'request', id: 3, method, params: {} });
      expect(message).toMatchObject({ id: 3, ok: false, error: { code: 'FORBIDDEN' } });
      expect(service.closed).toBe(false);
      expect(service.calls.size).toBe(0);
    },
  );

  test.each([[[]], ['text'], [null], [5]])('params %j that are not one plain object: INVALID_ARGUMENT', async (params) => {
    const service = createFakeService('/nowhere', ['a.jpg']);
    const message = await reply(service, { type: 'request', id: 4, method: 'getProject', params });
    expect(message).toMatchObject({ id: 4, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(service.calls.size).toBe(0);
  });

  test('params of the wrong shape are refused at the boundary, naming the field', async () => {
    const service = createFakeService('/nowhere', ['a.jpg']);
    const unknown = await reply(service, { type: 'request', id: 5, method: 'getImage', params: { imageId: 'a.jpg', path: '/etc/passwd' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'path' } } });
    const mistyped = await reply(service, { type: 'request', id: 6, method: 'listImages', params: { offset: '0', limit: 1 } });
    expect(mistyped).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'offset' } } });
    expect(service.calls.size).toBe(0);
  });

  test.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not an object'],
    ['{"type":"event","id":1}', "type is not 'request'"],
    ['{"type":"request","method":"getProject","params":{}}', 'id'],
    ['{"type":"request","id":-1,"method":"getProject","params":{}}', 'id'],
    ['{"type":"request","id":1.5,"method":"getProject","params":{}}', 'id'],
  ])('frame %s cannot be answered: a protocol violation (%s)', async (text, reason) => {
    const { violation, replies } = await dispatchOne(createFakeService('/nowhere', []), text);
    expect(violation).toContain(reason);
    expect(replies).toEqual([]);
  });

  test('a bug in the service is reported to onInternalError and reaches the caller as INTERNAL', async () => {
    const service = createFakeService('/nowhere', []);
    service.getProject = async () => {
      throw new TypeError('cannot read x of undefined');
    };
    const seen: string[] = [];
    const message = await reply(service, { type: 'request', id: 9, method: 'getProject', params: {} }, { onInternalError: (method) => seen.push(method) });
    expect(message).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'cannot read x of undefined' } });
    expect(seen).toEqual(['getProject']);
  });

  test('a result JSON cannot carry is answered INTERNAL, not dropped', async () => {
    const service = createFakeService('/nowhere', []);
    service.getProject = async () => ({ name: 'x', imageCount: 0, categories: [], size: 10n }) as never;
    const seen: string[] = [];
    const message = await reply(service, { type: 'request', id: 10, method: 'getProject', params: {} }, { onInternalError: (method) => seen.push(method) });
    expect(message).toMatchObject({ id: 10, ok: false, error: { code: 'INTERNAL' } });
    expect(seen).toEqual(['getProject']);
  });

  test('rpc-client and dispatcher agree end to end (in memory)', async () => {
    const service = createFakeService('/nowhere', ['a.jpg']);
    let toClient: (text: string) => void = () => {};
    const dispatch = createRpcDispatcher(service, (text) => toClient(text));
    const client = createRpcClient({
      send: (text) => void dispatch(text),
      onMessage: (listener) => (toClient = listener),
    });
    const saved = await client.saveAnnotations({ imageId: 'a.jpg', instances: [], status: 'done' });
    expect(saved).toEqual({ revision: 1 });
    expect((await client.getAnnotations({ imageId: 'a.jpg' })).status).toBe('done');
    const conflict = await client.saveAnnotations({ imageId: 'a.jpg', instances: [], baseRevision: 0 }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ApiError);
    expect((conflict as ApiError).code).toBe('CONFLICT');
  });
});
