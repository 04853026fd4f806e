// Messages of the generic channel (channel.ts), the same on every transport: the headless host's
// WebSocket (as JSON text), Electron IPC and worker threads (as structured-clone objects).
import type { SerializedApiError } from './errors';

/** Client -> server: call `method` with `params`. */
export interface RequestMessage {
  type: 'request';
  /** Chosen by the client, unique among its calls in flight; echoed in every message about the call. */
  id: number;
  method: string;
  params: unknown;
}

/** Client -> server: the caller gave up on call `id`; its handler sees an aborted signal. No reply of its own. */
interface CancelMessage {
  type: 'cancel';
  id: number;
}

/** Server -> client: the outcome of call `id`, its result or its error in the wire form. */
export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: SerializedApiError };

/** Server -> client: call `id` reports progress (any number of these come before its response). */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  progress: unknown;
}

/** Server -> client: an event of the service, for every subscriber of its name. */
export interface EventMessage {
  type: 'event';
  event: string;
  payload: unknown;
}

export type ClientMessage = RequestMessage | CancelMessage;
export type ServerMessage = ResponseMessage | ProgressMessage | EventMessage;
