// The gate every IPC call passes in main before it reaches the project service: trusted sender,
// the one invoke channel, a method on the allowlist, and a parameter object that is plain JSON-safe
// data of the declared shape. Pure (no electron import) so it is unit-tested everywhere.
import { isApiMethodName } from '../../shared/api/contract';
import type { ApiMethodName } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { INVOKE_CHANNEL } from './channels';
import { matchesKind, PARAM_SCHEMAS } from './param-schemas';
import type { FieldSpec } from './param-schemas';
import { isTrustedSender } from './sender';
import type { SenderInfo, SenderPolicy } from './sender';

export type InvokeCheck =
  | { ok: true; method: ApiMethodName; params: Record<string, unknown> }
  | { ok: false; error: ApiError };

/** Nesting deeper than this is refused; it also stops cycles, which structured clone preserves. */
export const MAX_PARAM_DEPTH = 32;

/**
 * Checks one `ipcRenderer.invoke(channel, ...args)` call. `args` are the arguments after the
 * channel: [method, params]. Refusals carry FORBIDDEN (wrong sender, channel or method) or
 * INVALID_ARGUMENT (malformed params, with `details.field` naming the offending field).
 */
export function validateInvoke(channel: string, args: readonly unknown[], sender: SenderInfo, policy: SenderPolicy): InvokeCheck {
  if (!isTrustedSender(sender, policy)) {
    return refuse('FORBIDDEN', 'IPC call from an untrusted frame was refused', { url: sender.url ?? null });
  }
  if (channel !== INVOKE_CHANNEL) return refuse('FORBIDDEN', `unknown IPC channel '${channel}'`);
  if (args.length < 1 || args.length > 2) {
    return refuse('INVALID_ARGUMENT', `expected (method, params), got ${args.length} argument(s)`);
  }
  const [method, rawParams] = args;
  if (!isApiMethodName(method)) {
    return refuse('FORBIDDEN', `method '${String(method)}' is not on the API allowlist`, { method: String(method) });
  }
  const params = rawParams === undefined ? {} : rawParams;
  if (!isPlainObject(params)) {
    return refuse('INVALID_ARGUMENT', `${method}: params must be a plain object`, { method, field: '' });
  }
  const unsafeAt = findNonJsonValue(params, '', 0);
  if (unsafeAt !== null) {
    return refuse('INVALID_ARGUMENT', `${method}: params hold a value that is not plain JSON data at '${unsafeAt}'`, {
      method,
      field: unsafeAt,
    });
  }
  const shapeError = checkShape(method, params);
  return shapeError ? { ok: false, error: shapeError } : { ok: true, method, params };
}

function checkShape(method: ApiMethodName, params: Record<string, unknown>): ApiError | null {
  const schema: Readonly<Record<string, FieldSpec>> = PARAM_SCHEMAS[method];
  for (const field of Object.keys(params)) {
    if (!Object.hasOwn(schema, field) && params[field] !== undefined) {
      return new ApiError('INVALID_ARGUMENT', `${method}: unknown parameter '${field}'`, { method, field });
    }
  }
  for (const [field, spec] of Object.entries(schema)) {
    const value = params[field];
    if (value === undefined) {
      if (spec.optional) continue;
      return new ApiError('INVALID_ARGUMENT', `${method}: missing parameter '${field}'`, { method, field });
    }
    if (!matchesKind(value, spec.kind)) {
      return new ApiError('INVALID_ARGUMENT', `${method}: parameter '${field}' must be ${article(spec.kind)}`, { method, field });
    }
  }
  return null;
}

function article(kind: string): string {
  return kind === 'integer' || kind === 'array' ? `an ${kind}` : `a ${kind}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Path of the first value that JSON cannot carry faithfully (Date, Map, typed array, NaN,
 * Infinity, bigint, ...), or null if all is plain data. Undefined object fields are allowed
 * (JSON drops them); undefined array items are not (JSON would turn them into null).
 */
function findNonJsonValue(value: unknown, path: string, depth: number): string | null {
  if (depth > MAX_PARAM_DEPTH) return path;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findNonJsonValue(value[index], `${path}[${index}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const found = findNonJsonValue(item, path === '' ? key : `${path}.${key}`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  return path;
}

function refuse(code: 'FORBIDDEN' | 'INVALID_ARGUMENT', message: string, details?: Record<string, unknown>): InvokeCheck {
  return { ok: false, error: new ApiError(code, message, details) };
}
