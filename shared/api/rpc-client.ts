// The API as a typed proxy over the generic channel (channel.ts): every method of the table
// becomes a call with its own id, errors come back as ApiError with their code, events go to
// subscribers. createApiClient takes any channel port (Electron's preload bridge is one);
// createRpcClient puts it on a text transport as JSON (the headless host's WebSocket).
// Transport-agnostic on purpose: no Node, no DOM, no timers (shared/).
import { createChannelClient } from './channel';
import type { ChannelPort } from './channel';
import { API_METHOD_NAMES } from './contract';
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from './contract';
import { ApiError } from './errors';

/**
 * What the client needs from a text connection: frames out, frames in, and word of a drop.
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

/** The API over any channel port. */
export function createApiClient(port: ChannelPort): RpcClient {
  const channel = createChannelClient(port);
  return {
    ...channel.proxy<MaskPilotApi>(API_METHOD_NAMES),
    on: (event, listener) => channel.on(event, listener as (payload: unknown) => void),
    close: () => channel.close(),
  };
}

/** The API over a text transport, one JSON message per frame. */
export function createRpcClient(transport: MessageTransport): RpcClient {
  return createApiClient({
    post(message) {
      let text: string;
      try {
        text = JSON.stringify(message);
      } catch (error) {
        const method = message.type === 'request' ? message.method : 'cancel';
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError('INVALID_ARGUMENT', `${method}: parameters are not JSON-safe (${reason})`, { method });
      }
      transport.send(text);
    },
    onMessage(listener) {
      transport.onMessage((text) => {
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          return; // Not ours to answer: a transport frame that is not JSON is dropped.
        }
        listener(message);
      });
    },
    onClose: transport.onClose && ((listener) => transport.onClose?.(listener)),
    close: transport.close && (() => transport.close?.()),
  });
}
