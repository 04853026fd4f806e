// A WebSocket that comes back: after a drop it reconnects with exponential backoff (with jitter,
// so many tabs do not stampede a restarted host), and event subscriptions simply carry on because
// the listeners belong to this object, not to any one socket.
//
// Frames sent while not connected are queued and flushed on open. On every drop the queue is
// discarded together with the calls in flight: the RPC client has rejected all of them
// (DISCONNECTED), so none may reach the host later behind the caller's back.
//
// A browser never learns why a WebSocket handshake failed (every failure is close code 1006), so
// after a failed attempt `checkRefused` may ask by other means (the browser client asks over HTTP):
// when the host answers that it refuses this URL's token (a restarted host has a new one), retrying
// can never succeed, and the socket ends in 'refused' instead of reconnecting forever.
import type { Unsubscribe } from '../../../shared/api/contract';
import type { MessageTransport } from '../../../shared/api/rpc-client';

/** 'refused': the host is up but refuses this URL's token; final, like 'closed'. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'refused';

/** The part of the DOM WebSocket this module uses (the `ws` package satisfies it in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface ReconnectingSocketOptions {
  url: string;
  /** First retry delay (ms); doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Frames kept while disconnected; more make send() throw (bounded memory). */
  maxQueuedFrames?: number;
  createSocket?: (url: string) => WebSocketLike;
  /** Asked after an attempt that never opened: true when the host refuses the token (stop retrying). */
  checkRefused?: () => Promise<boolean>;
}

export interface ReconnectingSocket extends MessageTransport {
  readonly state: ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): Unsubscribe;
  /** Resolves on the next (or current) open; rejects if `timeoutMs` passes first or close() is called. */
  whenOpen(timeoutMs: number): Promise<void>;
  close(): void;
}

const OPEN = 1;

export function createReconnectingSocket(options: ReconnectingSocketOptions): ReconnectingSocket {
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const maxQueuedFrames = options.maxQueuedFrames ?? 1000;
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);

  const messageListeners = new Set<(text: string) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let failedAttempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: string[] = [];


  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function connect(): void {
    retryTimer = null;
    const current = createSocket(options.url);
    socket = current;
    let opened = false;
    current.onopen = () => {
      opened = true;
      failedAttempts = 0;
      setState('open');
      const pending = queue;
      queue = [];
      for (const text of pending) current.send(text);
    };
    current.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      for (const listener of [...messageListeners]) listener(event.data);
    };
    current.onerror = () => {
      // Always followed by close, which does the work.
    };
    current.onclose = (event) => {
      if (socket !== current) return;
      socket = null;
      queue = [];
      const reason = `connection to the MaskPilot host closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`;
      for (const listener of [...closeListeners]) listener(reason);
      if (state === 'closed' || state === 'refused') return;
      if (!opened && options.checkRefused) void checkThenReconnect(options.checkRefused);
      else scheduleReconnect();
    };
  }

  async function checkThenReconnect(checkRefused: () => Promise<boolean>): Promise<void> {
    setState('reconnecting');
    const refused = await checkRefused().catch(() => false);
    if (state === 'closed' || state === 'refused' || socket !== null) return;
    if (refused) {
      queue = [];
      setState('refused');
      return;
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    setState('reconnecting');
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** failedAttempts);
    failedAttempts += 1;
    retryTimer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function onStateChange(listener: (state: ConnectionState) => void): Unsubscribe {
    stateListeners.add(listener);
    return () => {
      stateListeners.delete(listener);
    };
  }

  connect();

  return {
    get state() {
      return state;
    },
    send(text) {
      if (state === 'closed') throw new Error('the connection was closed');
      if (state === 'refused') throw new Error('the MaskPilot host refuses this page (it restarted with a new address)');
      if (socket !== null && socket.readyState === OPEN) {
        socket.send(text);
        return;
      }
      if (queue.length >= maxQueuedFrames) throw new Error('not connected to the MaskPilot host (too many calls waiting)');
      queue.push(text);
    },
    onMessage(listener) {
      messageListeners.add(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
    },
    onStateChange,
    whenOpen(timeoutMs) {
      if (state === 'open') return Promise.resolve();
      if (state === 'refused') return Promise.reject(new Error('the host refuses this page’s access token'));
      if (state === 'closed') return Promise.reject(new Error('the connection was closed'));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`no connection to ${redactToken(options.url)} within ${timeoutMs} ms`));
        }, timeoutMs);
        const stop = onStateChange((next) => {
          if (next === 'open') {
            clearTimeout(timer);
            stop();
            resolve();
          } else if (next === 'closed' || next === 'refused') {
            clearTimeout(timer);
            stop();
            reject(new Error(next === 'refused' ? 'the host refuses this page’s access token' : 'the connection was closed'));
          }
        });
      });
    },
    close() {
      if (state === 'closed' || state === 'refused') return;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      queue = [];
      setState('closed');
      const current = socket;
      socket = null;
      current?.close(1000, 'client closed');
      if (current) for (const listener of [...closeListeners]) listener('the client closed the connection');
    },
  };
}

/** Error messages may end up in screenshots or bug reports: never print the token. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1…');
}
