// Turns one request frame (JSON text from a WebSocket, or any message transport) into one call on
// the service and the reply frame to send back. Nothing reaches the service unless the frame is a
// well-formed request for a method on the allowlist with a plain-object parameter.
// Transport-agnostic: no sockets here, so the Electron IPC side can share the same rules.
import { isApiMethodName } from '../../shared/api/contract';
import type { MaskPilotApi } from '../../shared/api/contract';
import { ApiError, serializeError } from '../../shared/api/errors';
import type { SerializedApiError } from '../../shared/api/errors';
import type { ResponseMessage } from '../../shared/api/wire';

export type DispatchOutcome =
  /** Send `text` back to the caller. */
  | { kind: 'reply'; text: string }
  /** The frame cannot be answered (no usable id): the connection should be closed with `reason`. */
  | { kind: 'violation'; reason: string };

export interface DispatchOptions {
  /** Called with errors that are bugs (INTERNAL) so the host can log them; the caller gets the message. */
  onInternalError?: (method: string, error: unknown) => void;
}

export async function dispatchRequest(api: MaskPilotApi, text: string, options: DispatchOptions = {}): Promise<DispatchOutcome> {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { kind: 'violation', reason: 'frame is not JSON' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { kind: 'violation', reason: 'frame is not an object' };
  }
  const request = frame as Record<string, unknown>;
  if (request.type !== 'request') return { kind: 'violation', reason: "frame type is not 'request'" };
  const id = request.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { kind: 'violation', reason: 'request id must be a non-negative integer' };
  }

  const method = request.method;
  if (!isApiMethodName(method)) {
    return failure(id, { code: 'FORBIDDEN', message: `method ${JSON.stringify(method)} is not on the API allowlist` });
  }
  const params = request.params === undefined ? {} : request.params;
  if (!isPlainObject(params)) {
    return failure(id, { code: 'INVALID_ARGUMENT', message: `${method}: params must be one plain object`, details: { field: 'params' } });
  }

  try {
    // The allowlist check above guarantees `method` names one of the contract's methods.
    const handler = api[method] as (input: unknown) => Promise<unknown>;
    const result = await handler.call(api, params);
    return success(id, result, method, options);
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized.code === 'INTERNAL') options.onInternalError?.(method, error);
    return failure(id, serialized);
  }
}

function success(id: number, result: unknown, method: string, options: DispatchOptions): DispatchOutcome {
  const message: ResponseMessage = { type: 'response', id, ok: true, result: result === undefined ? null : result };
  try {
    return { kind: 'reply', text: JSON.stringify(message) };
  } catch (error) {
    options.onInternalError?.(method, error);
    return failure(id, serializeError(new ApiError('INTERNAL', `${method}: result is not JSON-safe`)));
  }
}

function failure(id: number, error: SerializedApiError): DispatchOutcome {
  const message: ResponseMessage = { type: 'response', id, ok: false, error };
  try {
    return { kind: 'reply', text: JSON.stringify(message) };
  } catch {
    // details that cannot be serialized are dropped rather than losing the reply.
    return { kind: 'reply', text: JSON.stringify({ type: 'response', id, ok: false, error: { code: error.code, message: error.message } }) };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
