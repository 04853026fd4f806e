import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createReconnectingSocket, redactToken } from './reconnecting-socket';
import type { WebSocketLike } from './reconnecting-socket';

/** A socket the test opens, feeds and drops by hand. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(text: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(text);
  }
  close() {
    this.drop(1000);
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

let sockets: FakeSocket[];
const createSocket = (url: string) => {
  const socket = new FakeSocket(url);
  sockets.push(socket);
  return socket;
};

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.999); // the top of each jitter window
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createReconnectingSocket', () => {
  test('frames sent before the first open are flushed on open, in order', () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api', createSocket });
    connection.send('a');
    connection.send('b');
    sockets[0].open();
    connection.send('c');
    expect(sockets[0].sent).toEqual(['a', 'b', 'c']);
    expect(connection.state).toBe('open');
  });

  test('retries with doubling delays up to the ceiling, and resets after a success', () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api', createSocket, initialDelayMs: 100, maxDelayMs: 400 });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      sockets.at(-1)?.drop();
      const before = sockets.length;
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 400, 400]);
    sockets.at(-1)?.open();
    sockets.at(-1)?.drop();
    expect(connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(100); // back to the first delay
    expect(sockets).toHaveLength(7);
  });

  test('a drop discards frames still queued, so a rejected call can never reach the host later', () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api', createSocket, initialDelayMs: 100 });
    const drops: string[] = [];
    connection.onClose?.((reason) => drops.push(reason));
    connection.send('queued-before-failure');
    sockets[0].drop(1006);
    expect(drops).toEqual(['connection to the MaskPilot host closed (code 1006)']);
    vi.advanceTimersByTime(100);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([]);
  });

  test('messages from every successive socket reach the same listeners', () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api', createSocket, initialDelayMs: 10 });
    const received: string[] = [];
    connection.onMessage((text) => received.push(text));
    sockets[0].open();
    sockets[0].onmessage?.({ data: 'one' });
    sockets[0].drop();
    vi.advanceTimersByTime(10);
    sockets[1].open();
    sockets[1].onmessage?.({ data: 'two' });
    sockets[1].onmessage?.({ data: new ArrayBuffer(2) });
    expect(received).toEqual(['one', 'two']);
  });

  test('whenOpen times out with a message that hides the token; close() stops retrying for good', async () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api?token=SECRET', createSocket, initialDelayMs: 10 });
    const waiting = connection.whenOpen(1000).catch((error: Error) => error.message);
    vi.advanceTimersByTime(1000);
    const message = await waiting;
    expect(message).toContain('within 1000 ms');
    expect(message).not.toContain('SECRET');
    connection.close();
    expect(connection.state).toBe('closed');
    const count = sockets.length;
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(count);
    expect(() => connection.send('x')).toThrow('closed');
  });

  test('an attempt that never opens asks checkRefused: refused ends in "refused" for good, otherwise it retries', async () => {
    let refuses = false;
    const asked: number[] = [];
    const connection = createReconnectingSocket({
      url: 'ws://h/api',
      createSocket,
      initialDelayMs: 100,
      checkRefused: async () => (asked.push(sockets.length), refuses),
    });
    sockets[0].open();
    sockets[0].drop(); // a drop after an open: plain reconnecting, nothing asked
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(100);
    sockets[1].drop(); // the new attempt failed: ask (the host is down: not refused), retry
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([2]);
    expect(connection.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(3);
    refuses = true; // restarted with a new token
    sockets[2].drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.state).toBe('refused');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(3);
    expect(() => connection.send('x')).toThrow('new address');
    await expect(connection.whenOpen(1000)).rejects.toThrow('access token');
  });

  test('the queue is bounded while disconnected', () => {
    const connection = createReconnectingSocket({ url: 'ws://h/api', createSocket, maxQueuedFrames: 2 });
    connection.send('1');
    connection.send('2');
    expect(() => connection.send('3')).toThrow('too many calls waiting');
  });
});

describe('redactToken', () => {
  test('hides the token value wherever it sits in the query', () => {
    expect(redactToken('ws://h/api?token=abc')).toBe('ws://h/api?token=…');
    expect(redactToken('ws://h/api?x=1&token=abc&y=2')).toBe('ws://h/api?x=1&token=…&y=2');
  });
});
