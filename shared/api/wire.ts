// Messages of the WebSocket transport (and of any other message-passing transport).
import type { ApiEventName, ApiMethodName } from './contract';
import type { SerializedApiError } from './errors';

export interface RequestMessage {
  type: 'request';
  /** Chosen by the client; echoed in the response. */
  id: number;
  method: ApiMethodName;
  params: unknown;
}

export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: SerializedApiError };

export interface EventMessage {
  type: 'event';
  event: ApiEventName;
  payload: unknown;
}

export type ServerMessage = ResponseMessage | EventMessage;
