import { describe, expect, test } from 'vitest';
import type { MaskPilotApi } from '../../shared/api/contract';
import { ApiError, deserializeError } from '../../shared/api/errors';
import { createIpcDispatcher } from './dispatch';
import type { IpcDispatchOptions } from './dispatch';
import type { SenderInfo } from './sender';

const trusted: SenderInfo = { url: 'app://maskpilot/index.html?session=1', isMainFrame: true, windowId: 1 };
const policy = () => ({ mainWindowId: 1, allowedOrigins: ['app://maskpilot'] });

function dispatcherWith(api: Partial<MaskPilotApi>, calls: unknown[] = [], options: Partial<IpcDispatchOptions> = {}) {
  const recording = new Proxy(api, {
    get(target, name: string) {
      const method = (target as Record<string, (params: unknown) => Promise<unknown>>)[name];
      return method && ((params: unknown) => (calls.push([name, params]), method(params)));
    },
  });
  return createIpcDispatcher({ policy, api: async () => recording as MaskPilotApi, ...options });
}

let nextId = 1;
const request = (method: unknown, params?: unknown) => ({ type: 'request', id: nextId++, method, params });

describe('IPC dispatch: the generic channel behind the sender check', () => {
  test('a request is answered with the result in a response message with its id', async () => {
    const calls: unknown[] = [];
    const dispatch = dispatcherWith({ getImage: async ({ imageId }) => ({ id: imageId, fileSize: 3, status: 'unvisited', instanceCount: 0, proposedCount: 0 }) }, calls);
    const message = request('getImage', { imageId: 'a.jpg' });
    expect(await dispatch(message, trusted)).toEqual({
      type: 'response',
      id: message.id,
      ok: true,
      result: { id: 'a.jpg', fileSize: 3, status: 'unvisited', instanceCount: 0, proposedCount: 0 },
    });
    expect(calls).toEqual([['getImage', { imageId: 'a.jpg' }]]);
  });

  test('an ApiError thrown by the service crosses as {code, message, details} and is rebuilt intact', async () => {
    const dispatch = dispatcherWith({
      saveAnnotations: async () => {
        throw new ApiError('CONFLICT', 'saved revision is 4, not 3', { revision: 4 });
      },
    });
    const reply = await dispatch(request('saveAnnotations', { imageId: 'a.jpg', instances: [], baseRevision: 3 }), trusted);
    expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'saved revision is 4, not 3', details: { revision: 4 } } });
    if (!reply || reply.ok) throw new Error('unreachable');
    const rebuilt = deserializeError(reply.error);
    expect(rebuilt).toBeInstanceOf(ApiError);
    expect(rebuilt.code).toBe('CONFLICT');
  });

  test('a plain Error becomes INTERNAL with its message, reported for logging; nothing rejects', async () => {
    const internal: string[] = [];
    const dispatch = dispatcherWith(
      {
        getProject: async () => {
          throw new TypeError('boom');
        },
      },
      [],
      { onInternalError: (method) => internal.push(method) },
    );
    await expect(dispatch(request('getProject', {}), trusted)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(internal).toEqual(['getProject']);
  });

  test('an untrusted sender is refused before the call is looked at', async () => {
    const calls: unknown[] = [];
    const dispatch = dispatcherWith({ getProject: async () => ({ name: 'x', imageCount: 0, categories: [] }) }, calls);
    const refusals = await Promise.all([
      dispatch(request('getProject', {}), { ...trusted, isMainFrame: false }),
      dispatch(request('getProject', {}), { ...trusted, url: 'https://evil.example/' }),
      dispatch(request('getProject', {}), { ...trusted, windowId: 2 }),
      dispatch(request('getProject', {}), { ...trusted, url: null }),
    ]);
    for (const reply of refusals) expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(refusals[0]).toMatchObject({ error: { message: expect.stringMatching(/untrusted frame/) } });
    expect(calls).toEqual([]);
  });

  test('methods off the allowlist and malformed params never reach the service', async () => {
    const calls: unknown[] = [];
    const dispatch = dispatcherWith({ getProject: async () => ({ name: 'x', imageCount: 0, categories: [] }) }, calls);
    for (const method of ['deleteEverything', 'constructor', '__proto__', 'toString', 'on', 'close', 'resolveImageFile', 42, null]) {
      expect(await dispatch(request(method, {}), trusted), String(method)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await dispatch(request('getProject', { extra: 1 }), trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'extra' } } });
    expect(await dispatch(request('getProject', new Date(0)), trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(request('getImage', { imageId: 'a.jpg', at: new Map() }), trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toEqual([]);
  });

  test('a call without params counts as {}; a message without a usable id, or a cancel, gets no reply', async () => {
    const dispatch = dispatcherWith({ getProject: async () => ({ name: 'x', imageCount: 0, categories: [] }) });
    expect(await dispatch(request('getProject'), trusted)).toMatchObject({ ok: true, result: { name: 'x' } });
    expect(await dispatch({ type: 'request', method: 'getProject', params: {} }, trusted)).toBeNull();
    expect(await dispatch({ type: 'cancel', id: 1 }, trusted)).toBeNull();
    expect(await dispatch('getProject', { ...trusted, isMainFrame: false })).toBeNull();
  });

  test('the page URL chooses the API; no open project: the error of api() comes back as a response', async () => {
    const pages: unknown[] = [];
    const dispatch = createIpcDispatcher({
      policy,
      api: async (pageUrl) => {
        pages.push(pageUrl);
        throw new ApiError('NOT_FOUND', 'no folder is open');
      },
    });
    await expect(dispatch(request('getProject', {}), trusted)).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no folder is open' },
    });
    expect(pages).toEqual([trusted.url]);
  });
});
