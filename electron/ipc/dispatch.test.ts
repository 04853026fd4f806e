import { describe, expect, test } from 'vitest';
import type { MaskPilotApi } from '../../shared/api/contract';
import { ApiError, deserializeError } from '../../shared/api/errors';
import { INVOKE_CHANNEL } from './channels';
import { dispatchInvoke } from './dispatch';
import type { DispatchContext } from './dispatch';

const trusted = {
  sender: { url: 'app://maskpilot/index.html', isMainFrame: true, windowId: 1 },
  policy: { mainWindowId: 1, allowedOrigins: ['app://maskpilot'] },
};

function contextWith(api: Partial<MaskPilotApi>, calls: unknown[] = []): DispatchContext {
  const recording = new Proxy(api, {
    get(target, name: string) {
      const method = (target as Record<string, (params: unknown) => Promise<unknown>>)[name];
      return method && ((params: unknown) => (calls.push([name, params]), method(params)));
    },
  });
  return { ...trusted, api: async () => recording as MaskPilotApi };
}

describe('dispatchInvoke', () => {
  test('resolves with the result in an ok envelope', async () => {
    const calls: unknown[] = [];
    const context = contextWith({ getImage: async ({ imageId }) => ({ id: imageId, fileSize: 3, status: 'unvisited', instanceCount: 0, proposedCount: 0 }) }, calls);
    const reply = await dispatchInvoke(INVOKE_CHANNEL, ['getImage', { imageId: 'a.jpg' }], context);
    expect(reply).toEqual({ ok: true, result: { id: 'a.jpg', fileSize: 3, status: 'unvisited', instanceCount: 0, proposedCount: 0 } });
    expect(calls).toEqual([['getImage', { imageId: 'a.jpg' }]]);
  });

  test('an ApiError thrown by the service crosses as {code, message, details} and is rebuilt intact', async () => {
    const context = contextWith({
      saveAnnotations: async () => {
        throw new ApiError('CONFLICT', 'saved revision is 4, not 3', { revision: 4 });
      },
    });
    const reply = await dispatchInvoke(INVOKE_CHANNEL, ['saveAnnotations', { imageId: 'a.jpg', instances: [], baseRevision: 3 }], context);
    expect(reply).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'saved revision is 4, not 3', details: { revision: 4 } } });
    if (reply.ok) throw new Error('unreachable');
    const rebuilt = deserializeError(reply.error);
    expect(rebuilt).toBeInstanceOf(ApiError);
    expect(rebuilt.code).toBe('CONFLICT');
  });

  test('a plain Error becomes INTERNAL with its message; nothing rejects', async () => {
    const context = contextWith({
      getProject: async () => {
        throw new TypeError('boom');
      },
    });
    await expect(dispatchInvoke(INVOKE_CHANNEL, ['getProject', {}], context)).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  test('a refused call never reaches the service', async () => {
    const calls: unknown[] = [];
    const context = contextWith({ getProject: async () => ({ name: 'x', imageCount: 0, categories: [] }) }, calls);
    const untrusted = { ...context, sender: { ...context.sender, isMainFrame: false } };
    const replies = await Promise.all([
      dispatchInvoke(INVOKE_CHANNEL, ['getProject', {}], untrusted),
      dispatchInvoke(INVOKE_CHANNEL, ['getProject', { extra: 1 }], context),
      dispatchInvoke(INVOKE_CHANNEL, ['resolveImageFile', { imageId: 'a.jpg' }], context),
    ]);
    expect(replies.map((reply) => (reply.ok ? 'ok' : reply.error.code))).toEqual(['FORBIDDEN', 'INVALID_ARGUMENT', 'FORBIDDEN']);
    expect(calls).toEqual([]);
  });

  test('no open project: the error of api() comes back as an envelope', async () => {
    const context: DispatchContext = {
      ...trusted,
      api: async () => {
        throw new ApiError('NOT_FOUND', 'no folder is open');
      },
    };
    await expect(dispatchInvoke(INVOKE_CHANNEL, ['getProject', {}], context)).resolves.toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no folder is open' },
    });
  });
});
