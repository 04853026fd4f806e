// A typed proxy of the API over any message transport (the headless host's WebSocket, Electron IPC):
// every method on the allowlist becomes a request message with its own id; the matching response
// settles the call; errors come back as ApiError with their code; events go to subscribers.
// Transport-agnostic on purpose: no Node, no DOM, no timers (shared/).
import { API_METHOD_NAMES, isApiEventName } from './contract';
import type { ApiEventName, ApiEvents, ApiMethodName, MaskPilotApi, Unsubscribe } from './contract';
import { ApiError, deserializeError } from './errors';
import type { RequestMessage } from './wire';

/**
 * What the client needs from a connection: text frames out, text frames in, and word of a drop.
 * A transport may reconnect after a drop; it must then discard anything it had queued but not
 * sent, because the client has already rejected those calls.
 */
export interface MessageTransport {
  send(text: string): void;
  onMessage(listener: (text: string) => void): void;
  /** The connection dropped (or failed to open); `reason` is shown to the user. */
  onClose?(listener: (reason: string) => void): void;
  /** Ends the connection for good (no reconnect). */
  close?(): void;
}

/** The API as a proxy, plus event subscription and an explicit end. */
export interface RpcClient extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** Rejects every call in flight (DISCONNECTED), drops all listeners and closes the transport. */
  close(): void;
}

interface PendingCall {
  method: ApiMethodName;
  resolve(result: unknown): void;
  reject(error: ApiError): void;
}

type AnyListener = (payload: unknown) => void;

export function createRpcClient(transport: MessageTransport): RpcClient {
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<ApiEventName, Set<AnyListener>>();
  let nextId = 1;
  let closed = false;

  function call(method: ApiMethodName, params: unknown): Promise<unknown> {
    if (closed) {
      return Promise.reject(new ApiError('DISCONNECTED', `cannot call ${method}: the client was closed`, { method }));
    }
    const id = nextId++;
    const message: RequestMessage = { type: 'request', id, method, params: params ?? {} };
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return Promise.reject(new ApiError('INVALID_ARGUMENT', `${method}: parameters are not JSON-safe (${reason})`, { method }));
    }
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { method, resolve, reject });
      try {
        transport.send(text);
      } catch (error) {
        pending.delete(id);
        const reason = error instanceof Error ? error.message : String(error);
        reject(new ApiError('DISCONNECTED', `cannot call ${method}: ${reason}`, { method }));
      }
    });
  }

  function rejectAll(makeError: (call: PendingCall) => ApiError): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const entry of calls) entry.reject(makeError(entry));
  }

  function dispatchEvent(event: ApiEventName, payload: unknown): void {
    const subscribers = listeners.get(event);
    if (!subscribers) return;
    for (const listener of [...subscribers]) {
      try {
        listener(payload);
      } catch (error) {
        // One faulty subscriber must not starve the others; surface it as an unhandled rejection.
        void Promise.reject(error);
      }
    }
  }

  transport.onMessage((text) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // Not ours to answer: a transport frame that is not JSON is dropped.
    }
    if (typeof message !== 'object' || message === null) return;
    const record = message as Record<string, unknown>;
    if (record.type === 'response' && typeof record.id === 'number') {
      const entry = pending.get(record.id);
      if (!entry) return; // Late reply to a call already rejected by a drop.
      pending.delete(record.id);
      if (record.ok === true) entry.resolve(record.result);
      else entry.reject(deserializeError(record.error));
    } else if (record.type === 'event' && isApiEventName(record.event)) {
      dispatchEvent(record.event, record.payload);
    }
  });

  transport.onClose?.((reason) => {
    rejectAll(
      (entry) =>
        new ApiError(
          'DISCONNECTED',
          `connection lost before ${entry.method} replied (${reason}); it may or may not have taken effect`,
          { method: entry.method, reason },
        ),
    );
  });

  const api: Record<string, (params: unknown) => Promise<unknown>> = {};
  for (const method of API_METHOD_NAMES) api[method] = (params) => call(method, params);

  const client = {
    ...api,
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
      const erased = listener as AnyListener;
      let subscribers = listeners.get(event);
      if (!subscribers) listeners.set(event, (subscribers = new Set()));
      subscribers.add(erased);
      return () => {
        subscribers.delete(erased);
      };
    },
    close(): void {
      if (closed) return;
      closed = true;
      rejectAll((entry) => new ApiError('DISCONNECTED', `the client was closed before ${entry.method} replied`, { method: entry.method }));
      listeners.clear();
      transport.close?.();
    },
  };
  // The loop above filled in every method of API_METHOD_NAMES, which the contract keeps complete.
  return client as unknown as RpcClient;
}
