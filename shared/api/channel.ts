// The one generic channel every transport uses (after VS Code's ipc.ts, ProxyChannel.fromService /
// toService): a server that serves any object of async methods, and a client that returns a typed
// proxy of it. Requests carry an id; replies carry the result, or the error as {code, message,
// details}, rebuilt as ApiError on the client; calls may report progress and be cancelled; the
// server may send events. The messages (wire.ts) travel over whatever the transport offers: JSON
// text on the headless host's WebSocket, Electron IPC, a worker thread's port.
// Transport-agnostic on purpose: no Node, no DOM, no timers (shared/).
import { ApiError, deserializeError, serializeError } from './errors';
import { isPlainObject } from './schema';
import type { ClientMessage, ProgressMessage, ResponseMessage, ServerMessage } from './wire';

export type Unsubscribe = () => void;

/** The part of AbortSignal the channel uses (Node's and the browser's both fit). */
interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

// A global of every runtime the channel runs in (Node, browsers, Electron); shared/ compiles without
// their type libraries, so the part used here is declared.
declare const AbortController: new () => { readonly signal: CancelSignal; abort(): void };

/**
 * What a service method may take as its second argument, the same on both sides of the channel: the
 * client passes its own, the server hands the handler a signal that aborts when the client cancels
 * and an onProgress that reaches the client's.
 */
export interface CallOptions<Progress = unknown> {
  signal?: CancelSignal;
  onProgress?(progress: Progress): void;
}

/**
 * The client's end of a transport. A transport may reconnect after a drop (onClose); it must then
 * discard anything queued but not sent, because the client has already rejected those calls.
 * `post` throws when it cannot send: an ApiError is passed on as it is, anything else means
 * DISCONNECTED.
 */
export interface ChannelPort {
  post(message: ClientMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The connection dropped (or failed to open); `reason` is shown to the user. */
  onClose?(listener: (reason: string) => void): void;
  /** Ends the connection for good. */
  close?(): void;
}

interface ChannelClientOptions {
  /** The error of a call in flight when the port closes; default DISCONNECTED, naming the method and the reason. */
  closedError?(method: string, reason: string): ApiError;
}

export interface ChannelClient {
  call(method: string, params: unknown, options?: CallOptions): Promise<unknown>;
  /**
   * The service as a typed object of methods. With `methods`, a plain object of exactly those (it
   * can be spread); without, a Proxy answering any name.
   */
  proxy<S extends object>(methods?: readonly (keyof S & string)[]): S;
  /** Subscribes to one event of the server. */
  on(event: string, listener: (payload: unknown) => void): Unsubscribe;
  /** Rejects every call in flight (makeError by method; default DISCONNECTED), refuses new ones, drops listeners, closes the port. */
  close(makeError?: (method: string) => ApiError): void;
}

interface PendingCall {
  method: string;
  resolve(result: unknown): void;
  reject(error: ApiError): void;
  onProgress?(progress: unknown): void;
}

export function createChannelClient(port: ChannelPort, options: ChannelClientOptions = {}): ChannelClient {
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;

  function call(method: string, params: unknown, callOptions: CallOptions = {}): Promise<unknown> {
    if (closed) return Promise.reject(new ApiError('DISCONNECTED', `cannot call ${method}: the client was closed`, { method }));
    const id = nextId++;
    const { signal, onProgress } = callOptions;
    return new Promise<unknown>((resolve, reject) => {
      const cancel = (): void => {
        if (!pending.has(id)) return;
        try {
          port.post({ type: 'cancel', id });
        } catch {
          // The connection is gone; the call is rejected when the port reports the drop.
        }
      };
      const settle = (): void => signal?.removeEventListener('abort', cancel);
      pending.set(id, {
        method,
        onProgress,
        resolve: (result) => (settle(), resolve(result)),
        reject: (error) => (settle(), reject(error)),
      });
      try {
        port.post({ type: 'request', id, method, params: params ?? {} });
      } catch (error) {
        pending.delete(id);
        const reason = error instanceof Error ? error.message : String(error);
        reject(error instanceof ApiError ? error : new ApiError('DISCONNECTED', `cannot call ${method}: ${reason}`, { method }));
        return;
      }
      if (signal?.aborted) cancel();
      else signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  function rejectAll(makeError: (method: string) => ApiError): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const entry of calls) entry.reject(makeError(entry.method));
  }

  function dispatchEvent(event: string, payload: unknown): void {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One faulty subscriber must not starve the others; surface it as an unhandled rejection.
        void Promise.reject(error);
      }
    }
  }

  port.onMessage((message) => {
    if (!isPlainObject(message)) return; // Not ours to answer: junk is dropped.
    if (message.type === 'event' && typeof message.event === 'string') {
      dispatchEvent(message.event, message.payload);
      return;
    }
    if (typeof message.id !== 'number') return;
    const entry = pending.get(message.id);
    if (!entry) return; // Late reply to a call already rejected by a drop.
    if (message.type === 'progress') {
      entry.onProgress?.(message.progress);
    } else if (message.type === 'response') {
      pending.delete(message.id);
      if (message.ok === true) entry.resolve(message.result);
      else entry.reject(deserializeError(message.error));
    }
  });

  port.onClose?.((reason) => {
    rejectAll(
      (method) =>
        options.closedError?.(method, reason) ??
        new ApiError('DISCONNECTED', `connection lost before ${method} replied (${reason}); it may or may not have taken effect`, { method, reason }),
    );
  });

  const methodOf = (method: string) => (params: unknown, callOptions?: CallOptions) => call(method, params, callOptions);

  return {
    call,
    proxy<S extends object>(methods?: readonly (keyof S & string)[]): S {
      if (methods) return Object.fromEntries(methods.map((name) => [name, methodOf(name)])) as S;
      return new Proxy({} as S, {
        // 'then' stays undefined so that a proxy is not mistaken for a promise.
        get: (_target, name) => (typeof name === 'string' && name !== 'then' ? methodOf(name) : undefined),
      });
    },
    on(event, listener) {
      let subscribers = listeners.get(event);
      if (!subscribers) listeners.set(event, (subscribers = new Set()));
      subscribers.add(listener);
      return () => {
        subscribers.delete(listener);
      };
    },
    close(makeError) {
      if (closed) return;
      closed = true;
      rejectAll(makeError ?? ((method) => new ApiError('DISCONNECTED', `the client was closed before ${method} replied`, { method })));
      listeners.clear();
      port.close?.();
    },
  };
}

export interface ChannelServerOptions<Context> {
  /** The service a call goes to; `context` is what the transport passed with the message (e.g. the page that sent it). May reject: that call fails. */
  service(context: Context): object | Promise<object>;
  /**
   * Refuses a call before the service is even looked up: returns the parameters to pass on, or throws
   * an ApiError (FORBIDDEN, INVALID_ARGUMENT). Without it, any own method of the service may be called.
   */
  check?(method: unknown, params: unknown): unknown;
  /** Runs calls one at a time in arrival order (a worker whose calls share one model and heap). Cancels still act at once. */
  oneAtATime?: boolean;
  /** Errors that are bugs (INTERNAL), for logging; the caller still gets their message. */
  onInternalError?(method: string, error: unknown): void;
}

interface ChannelServer<Context> {
  /**
   * Handles one incoming message: answers a request through `reply` (progress, then one response)
   * or applies a cancel. Resolves once the request is answered, with null, or at once with the
   * reason a frame cannot be answered at all (no usable id): the transport may then drop the peer.
   */
  receive(message: unknown, reply: (message: ServerMessage) => void, context: Context): Promise<string | null>;
}

export function createChannelServer<Context = void>(options: ChannelServerOptions<Context>): ChannelServer<Context> {
  const running = new Map<number, { abort(): void }>();
  let queue: Promise<unknown> = Promise.resolve();

  async function answer(request: Record<string, unknown>, id: number, reply: (message: ServerMessage) => void, context: Context): Promise<void> {
    const method = typeof request.method === 'string' ? request.method : String(request.method);
    const controller = new AbortController();
    running.set(id, controller);
    const run = async (): Promise<unknown> => {
      const params = options.check ? options.check(request.method, request.params) : (request.params ?? {});
      const service = (await options.service(context)) as Record<string, unknown>;
      const handler = options.check || Object.hasOwn(service, method) ? service[method] : undefined;
      if (typeof handler !== 'function') {
        throw options.check
          ? new ApiError('INTERNAL', `the service has no method ${method}`)
          : new ApiError('FORBIDDEN', `method ${JSON.stringify(request.method)} is not served here`, { method });
      }
      const onProgress = (progress: unknown): void => {
        const message: ProgressMessage = { type: 'progress', id, progress };
        reply(message);
      };
      return (handler as (params: unknown, call: CallOptions) => Promise<unknown>).call(service, params, { signal: controller.signal, onProgress });
    };
    try {
      let outcome: Promise<unknown>;
      if (options.oneAtATime) {
        outcome = queue.then(run);
        queue = outcome.catch(() => undefined);
      } else {
        outcome = run();
      }
      sendResult(method, id, await outcome, reply);
    } catch (error) {
      if (serializeError(error).code === 'INTERNAL') options.onInternalError?.(method, error);
      sendError(id, error, reply);
    } finally {
      running.delete(id);
    }
  }

  function sendResult(method: string, id: number, result: unknown, reply: (message: ServerMessage) => void): void {
    const message: ResponseMessage = { type: 'response', id, ok: true, result: result === undefined ? null : result };
    try {
      reply(message);
    } catch (error) {
      // The transport could not carry the result (not JSON-safe, not cloneable): a bug, answered as one.
      options.onInternalError?.(method, error);
      sendError(id, new ApiError('INTERNAL', `${method}: the result could not be sent (${error instanceof Error ? error.message : String(error)})`), reply);
    }
  }

  function sendError(id: number, error: unknown, reply: (message: ServerMessage) => void): void {
    const serialized = serializeError(error);
    try {
      reply({ type: 'response', id, ok: false, error: serialized });
    } catch {
      // Details the transport cannot carry are dropped rather than losing the reply.
      try {
        reply({ type: 'response', id, ok: false, error: { code: serialized.code, message: serialized.message } });
      } catch {
        // The peer is gone.
      }
    }
  }

  return {
    async receive(message, reply, context) {
      if (!isPlainObject(message)) return 'frame is not an object';
      const id = message.id;
      const validId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
      if (message.type === 'cancel') {
        if (validId) running.get(id)?.abort();
        return null;
      }
      if (message.type !== 'request') return "frame type is not 'request'";
      if (!validId) return 'request id must be a non-negative integer';
      await answer(message, id, reply, context);
      return null;
    },
  };
}

/** A server's end of a transport that is one peer (a worker thread's port). */
interface ServerPort {
  post(message: ServerMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Serves `service` over `port` (ProxyChannel.fromService): every own method of it may be called. */
export function serveChannel(port: ServerPort, service: object, options: Omit<ChannelServerOptions<void>, 'service'> = {}): void {
  const server = createChannelServer<void>({ ...options, service: () => service });
  port.onMessage((message) => void server.receive(message, (reply) => port.post(reply)));
}
