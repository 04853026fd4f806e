// The generic channel end to end in memory: a client proxy and a server of a plain object of
// async methods, with progress, cancellation, serial calls, errors and drops.
import { describe, expect, test } from 'vitest';
import { createChannelClient, createChannelServer, serveChannel } from './channel';
import type { CallOptions, ChannelPort } from './channel';
import { ApiError } from './errors';

interface Counter {
  add(params: { by: number }): Promise<number>;
  slow(params: { steps: number }, call?: CallOptions<number>): Promise<{ done: number; cancelled: boolean }>;
  fail(params: { code: 'CONFLICT' | 'INTERNAL' }): Promise<never>;
}

/** A connected pair: `client` speaks to a server of `service` through a port that copies messages (as postMessage does). */
function connect(service: object, options: Parameters<typeof serveChannel>[2] = {}) {
  const toServer = new Set<(message: unknown) => void>();
  const toClient = new Set<(message: unknown) => void>();
  const closeListeners: ((reason: string) => void)[] = [];
  const posted: unknown[] = [];
  const copy = (message: unknown) => structuredClone(message);
  serveChannel({ post: (message) => queueMicrotask(() => toClient.forEach((listener) => listener(copy(message)))), onMessage: (listener) => toServer.add(listener) }, service, options);
  const port: ChannelPort = {
    post: (message) => {
      posted.push(message);
      queueMicrotask(() => toServer.forEach((listener) => listener(copy(message))));
    },
    onMessage: (listener) => toClient.add(listener),
    onClose: (listener) => closeListeners.push(listener),
  };
  return { port, posted, drop: (reason: string) => closeListeners.forEach((listener) => listener(reason)) };
}

function counterService() {
  let total = 0;
  const service: Counter = {
    async add({ by }) {
      total += by;
      return total;
    },
    async slow({ steps }, call) {
      let done = 0;
      for (; done < steps; done++) {
        if (call?.signal?.aborted) return { done, cancelled: true };
        call?.onProgress?.(done);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return { done, cancelled: false };
    },
    async fail({ code }) {
      throw code === 'CONFLICT' ? new ApiError('CONFLICT', 'stale', { revision: 2 }) : new TypeError('bug');
    },
  };
  return service;
}

describe('the generic channel', () => {
  test('a proxy calls the service and resolves with its result; errors cross as ApiError with code and details', async () => {
    const { port } = connect(counterService());
    const counter = createChannelClient(port).proxy<Counter>();
    expect(await counter.add({ by: 2 })).toBe(2);
    expect(await counter.add({ by: 3 })).toBe(5);
    const conflict = await counter.fail({ code: 'CONFLICT' }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict).toMatchObject({ code: 'CONFLICT', message: 'stale', details: { revision: 2 } });
    await expect(counter.fail({ code: 'INTERNAL' })).rejects.toMatchObject({ code: 'INTERNAL', message: 'bug' });
  });

  test('a proxy with a method list is a plain object of exactly those; a proxy is never taken for a promise', async () => {
    const client = createChannelClient(connect(counterService()).port);
    expect(Object.keys(client.proxy<Counter>(['add', 'slow']))).toEqual(['add', 'slow']);
    const counter = client.proxy<Counter>();
    expect(await Promise.resolve(counter)).toBe(counter);
  });

  test('only own methods of the service are served', async () => {
    const { port } = connect(counterService());
    const client = createChannelClient(port);
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      await expect(client.call(name, {}), name).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  test('progress reaches the caller; aborting its signal cancels the handler on the other side', async () => {
    const { port, posted } = connect(counterService());
    const counter = createChannelClient(port).proxy<Counter>();
    const progress: number[] = [];
    expect(await counter.slow({ steps: 3 }, { onProgress: (step) => progress.push(step) })).toEqual({ done: 3, cancelled: false });
    expect(progress).toEqual([0, 1, 2]);
    const controller = new AbortController();
    const running = counter.slow({ steps: 1000 }, { signal: controller.signal, onProgress: (step) => step === 2 && controller.abort() });
    expect(await running).toMatchObject({ cancelled: true });
    expect(posted.filter((message) => (message as { type: string }).type === 'cancel')).toHaveLength(1);
    const already = new AbortController();
    already.abort();
    expect(await counter.slow({ steps: 1000 }, { signal: already.signal })).toEqual({ done: 0, cancelled: true });
  });

  test('oneAtATime serves calls in arrival order, one after another; a cancel reaches a queued call at once', async () => {
    const order: string[] = [];
    const service = {
      async work({ name, ms }: { name: string; ms: number }, call: CallOptions) {
        order.push(`start ${name}${call.signal?.aborted ? ' (cancelled)' : ''}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`end ${name}`);
        return name;
      },
    };
    const client = createChannelClient(connect(service, { oneAtATime: true }).port);
    const controller = new AbortController();
    const calls = [client.call('work', { name: 'a', ms: 20 }), client.call('work', { name: 'b', ms: 1 }, { signal: controller.signal }), client.call('work', { name: 'c', ms: 1 })];
    controller.abort();
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['start a', 'end a', 'start b (cancelled)', 'end b', 'start c', 'end c']);
  });

  test('a drop rejects calls in flight with the port\'s error; close rejects them and refuses new calls', async () => {
    const wire = connect({ never: () => new Promise(() => {}) });
    const client = createChannelClient(wire.port, { closedError: (method, reason) => new ApiError('INTERNAL', `${method} lost: ${reason}`) });
    const lost = client.call('never', {});
    await Promise.resolve();
    wire.drop('worker exited');
    await expect(lost).rejects.toMatchObject({ code: 'INTERNAL', message: 'never lost: worker exited' });
    const pending = client.call('never', {});
    client.close((method) => new ApiError('CANCELLED', `${method}: disposed`));
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', message: 'never: disposed' });
    await expect(client.call('never', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  test('the server names frames it cannot answer, answers results the transport refuses with INTERNAL, and passes context', async () => {
    const internal: string[] = [];
    const server = createChannelServer<string>({
      service: (context) => ({ whoami: async () => context, unsendable: async () => ({ fn: () => 1 }) }),
      onInternalError: (method) => internal.push(method),
    });
    const replies: unknown[] = [];
    const reply = (message: unknown) => {
      structuredClone(message);
      replies.push(message);
    };
    expect(await server.receive('junk', reply, 'x')).toBe('frame is not an object');
    expect(await server.receive({ type: 'event', id: 1 }, reply, 'x')).toBe("frame type is not 'request'");
    expect(await server.receive({ type: 'request', id: -1, method: 'whoami' }, reply, 'x')).toBe('request id must be a non-negative integer');
    expect(await server.receive({ type: 'request', id: 1, method: 'whoami' }, reply, 'page A')).toBeNull();
    expect(await server.receive({ type: 'request', id: 2, method: 'unsendable' }, reply, 'page A')).toBeNull();
    expect(replies).toEqual([
      { type: 'response', id: 1, ok: true, result: 'page A' },
      { type: 'response', id: 2, ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/unsendable: the result could not be sent/) } },
    ]);
    expect(internal).toEqual(['unsendable']);
  });
});
