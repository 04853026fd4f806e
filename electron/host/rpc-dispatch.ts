// The headless host's end of the generic channel (shared/api/channel.ts): one WebSocket client's
// JSON text frames in, reply frames out. Nothing reaches the service unless the frame is a
// well-formed request for a method on the allowlist with parameters of its schema in the method
// table (the same boundary check as Electron IPC); frames that cannot be answered at all are
// protocol violations, for the socket to close the connection over.
import { createChannelServer } from '../../shared/api/channel';
import { checkApiCall } from '../../shared/api/contract';
import type { MaskPilotApi } from '../../shared/api/contract';

export interface DispatchOptions {
  /** Called with errors that are bugs (INTERNAL) so the host can log them; the caller gets the message. */
  onInternalError?: (method: string, error: unknown) => void;
}

/**
 * Answers one text frame of a client, sending replies with `send`. Resolves once it is answered,
 * with null, or with the reason the frame cannot be answered (not JSON, no usable id).
 */
type RpcDispatcher = (text: string) => Promise<string | null>;

/** The dispatcher of one connection (its calls in flight are its own). */
export function createRpcDispatcher(api: MaskPilotApi, send: (text: string) => void, options: DispatchOptions = {}): RpcDispatcher {
  const server = createChannelServer({ service: () => api, check: checkApiCall, onInternalError: options.onInternalError });
  // JSON.stringify throws on what JSON cannot carry; the server then answers INTERNAL instead.
  const reply = (message: unknown): void => send(JSON.stringify(message));
  return async (text) => {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return 'frame is not JSON';
    }
    return server.receive(frame, reply);
  };
}
