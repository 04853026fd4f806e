// Errors cross every boundary as plain {code, message, details} and are rebuilt as ApiError on
// the client (Electron IPC passes only `message` of a thrown Error, so we never rely on throwing
// across it).

export type ApiErrorCode =
  | 'INVALID_ARGUMENT' // the caller sent something malformed; details name the field
  | 'NOT_FOUND' // no such image, category or job
  | 'CONFLICT' // baseRevision did not match the saved revision
  | 'CORRUPT_FILE' // a file on disk could not be parsed; it was kept aside, not overwritten
  | 'INVALID_COCO' // a COCO file failed validation; details name the offending record
  | 'IO_ERROR' // the file system refused (permissions, disk full)
  | 'UNAUTHORIZED' // missing or wrong token (headless host)
  | 'FORBIDDEN' // a path outside the opened folder, or a method not on the allowlist
  | 'MODEL_UNAVAILABLE' // no model could be loaded
  | 'CANCELLED' // the job was cancelled by the user
  | 'DISCONNECTED' // the connection to the node side dropped before the reply; the call may or may not have taken effect
  | 'INTERNAL'; // a bug: anything else

export interface SerializedApiError {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set<ApiErrorCode>([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'CORRUPT_FILE',
  'INVALID_COCO',
  'IO_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MODEL_UNAVAILABLE',
  'CANCELLED',
  'DISCONNECTED',
  'INTERNAL',
]);

/** Turns anything thrown into the wire form; unknown errors become INTERNAL with their message. */
export function serializeError(error: unknown): SerializedApiError {
  if (error instanceof ApiError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

/** Rebuilds an ApiError from the wire form; tolerates malformed input. */
export function deserializeError(value: unknown): ApiError {
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const code = typeof record.code === 'string' && KNOWN_CODES.has(record.code) ? (record.code as ApiErrorCode) : 'INTERNAL';
    const message = typeof record.message === 'string' ? record.message : 'Unknown error';
    const details =
      typeof record.details === 'object' && record.details !== null ? (record.details as Record<string, unknown>) : undefined;
    return new ApiError(code, message, details);
  }
  return new ApiError('INTERNAL', String(value));
}

/** The HTTP status a refusal with this code is answered with (headless host routes, desktop image protocol). */
export function httpStatusOf(code: ApiErrorCode): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CORRUPT_FILE':
      return 422;
    default:
      return 500;
  }
}
