// Checks of untrusted parameter objects: the WebSocket host hands us JSON straight from the wire,
// so every method validates its one parameter object here first. Every failure is an ApiError
// INVALID_ARGUMENT whose message and details name the offending field.
import { apiParamNames } from '../../../shared/api/contract';
import type { ApiMethodName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { isPlainObject } from '../../../shared/api/schema';

export type Fields = Record<string, unknown>;

export function invalid(field: string, message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

export { isPlainObject };

/**
 * The parameter object of `method`: must be a plain object with only the keys of its schema in the
 * method table. `undefined` counts as `{}` so parameterless methods can be called without an argument.
 */
export function paramsOf(method: ApiMethodName, params: unknown): Fields {
  if (params === undefined) return {};
  return objectOf(params, method, apiParamNames(method));
}

export function objectOf(value: unknown, field: string, allowed: readonly string[]): Fields {
  if (!isPlainObject(value)) throw invalid(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`${field}.${key}`, 'unknown field');
  }
  return value;
}

export function requiredString(fields: Fields, key: string, field: string, maxLength = 4096): string {
  const value = fields[key];
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length === 0) throw invalid(field, 'must not be empty');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  return value;
}

export function optionalString(fields: Fields, key: string, field: string, maxLength = 4096): string | undefined {
  return fields[key] === undefined ? undefined : requiredString(fields, key, field, maxLength);
}

export function requiredInteger(fields: Fields, key: string, field: string, min: number, max: number): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, 'must be an integer');
  if (value < min || value > max) throw invalid(field, `must be between ${min} and ${max}`);
  return value;
}

export function optionalInteger(fields: Fields, key: string, field: string, min: number, max: number): number | undefined {
  return fields[key] === undefined ? undefined : requiredInteger(fields, key, field, min, max);
}

export function requiredFiniteNumber(fields: Fields, key: string, field: string): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a finite number');
  return value;
}

export function optionalBoolean(fields: Fields, key: string, field: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, `must be one of ${allowed.map((option) => `'${option}'`).join(', ')}`);
  }
  return value as T;
}
