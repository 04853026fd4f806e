// Small readers for untrusted JSON values. Every failure throws ApiError('INVALID_COCO') whose message
// names the record ("annotations[12] (id 345): ...") and whose details give the JSON path and id, so
// a user can find the offending line in a file of 100,000 annotations.
import { ApiError } from '../api/errors';

/** Where a value sits in the file: `path` like "annotations[12]", `id` the record's own id when known. */
export interface RecordRef {
  path: string;
  id?: number;
}

export type JsonObject = Record<string, unknown>;

export function invalid(record: RecordRef, message: string, field?: string): never {
  const label = record.id === undefined ? record.path : `${record.path} (id ${record.id})`;
  const path = field === undefined ? record.path : `${record.path}.${field}`;
  const details: Record<string, unknown> = record.id === undefined ? { path } : { path, id: record.id };
  throw new ApiError('INVALID_COCO', `${label}: ${message}`, details);
}

/** A short description of a bad value for error messages: "a string", "null", "NaN", "-3". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function asObject(value: unknown, record: RecordRef): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(record, `must be a JSON object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

export function readArray(object: JsonObject, key: string, record: RecordRef): unknown[] {
  const value = requireKey(object, key, record);
  if (!Array.isArray(value)) invalid(record, `'${key}' must be an array, got ${describe(value)}`, key);
  return value;
}

function requireKey(object: JsonObject, key: string, record: RecordRef): unknown {
  if (!(key in object) || object[key] === undefined) invalid(record, `missing key '${key}'`, key);
  return object[key];
}

export function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** An integer >= min (ids, sizes). */
export function readInteger(object: JsonObject, key: string, record: RecordRef, min: number): number {
  const value = requireKey(object, key, record);
  if (!isSafeInteger(value) || value < min) {
    invalid(record, `'${key}' must be an integer >= ${min}, got ${describe(value)}`, key);
  }
  return value;
}

export function readFiniteNumber(object: JsonObject, key: string, record: RecordRef, min = -Infinity): number {
  const value = requireKey(object, key, record);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const bound = min === -Infinity ? '' : ` >= ${min}`;
    invalid(record, `'${key}' must be a finite number${bound}, got ${describe(value)}`, key);
  }
  return value;
}

export function readString(object: JsonObject, key: string, record: RecordRef): string {
  const value = requireKey(object, key, record);
  if (typeof value !== 'string') invalid(record, `'${key}' must be a string, got ${describe(value)}`, key);
  return value;
}

/** Undefined when the key is absent (or null, which some exporters write for "unknown"). */
export function readOptionalString(object: JsonObject, key: string, record: RecordRef): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(record, `'${key}' must be a string, got ${describe(value)}`, key);
  return value;
}
