// Parameter schemas: how a method's one parameter object is described once (field names, wire
// kinds, required or optional, and the TypeScript type each field carries), and the boundary check
// every transport runs before a service sees a call. The check is deliberately shallow (names and
// primitive kinds, plus "plain JSON data" all the way down): the service validates meaning (ranges,
// ids, geometry) for every caller, in-process ones included.
import { ApiError } from './errors';

/** What a field is on the wire. 'integer' is a safe integer; numbers are finite (NaN and Infinity are not JSON). */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/**
 * One field of a parameter object. `T` is the TypeScript type the contract gives it (carried by the
 * type only: `type` is never set at run time); `optional` says whether it may be absent.
 */
export interface Field<T = unknown, Optional extends boolean = boolean> {
  readonly kind: FieldKind;
  readonly optional: Optional;
  readonly type?: T;
}

/** A parameter object's fields by name. */
export type FieldTable = { readonly [name: string]: Field };

/** The result type a method returns (carried by the type only). */
export interface Returns<T> {
  readonly returns?: T;
}

/** One method: its parameter fields and its result. */
export interface MethodSpec<F extends FieldTable = FieldTable, R = unknown> {
  readonly params: F;
  readonly result: Returns<R>;
}

const required =
  <T>(kind: FieldKind) =>
  (): Field<T, false> => ({ kind, optional: false });

export const string = <T extends string = string>(): Field<T, false> => required<T>('string')();
export const number = required<number>('number');
export const integer = required<number>('integer');
export const boolean = required<boolean>('boolean');
export const array = <T>(): Field<T[], false> => required<T[]>('array')();
export const object = <T extends object>(): Field<T, false> => required<T>('object')();

/** The same field, which may be absent (or undefined). */
export function optional<T>(field: Field<T, false>): Field<T, true> {
  return { kind: field.kind, optional: true };
}

export function returns<T>(): Returns<T> {
  return {};
}

export function method<F extends FieldTable, R>(params: F, result: Returns<R>): MethodSpec<F, R> {
  return { params, result };
}

type TypeOf<F> = F extends Field<infer T, boolean> ? T : never;
type RequiredNames<F extends FieldTable> = { [K in keyof F]: F[K] extends Field<unknown, false> ? K : never }[keyof F];
type OptionalNames<F extends FieldTable> = { [K in keyof F]: F[K] extends Field<unknown, false> ? never : K }[keyof F];
type Flatten<T> = { [K in keyof T]: T[K] };

/** The parameter object a field table describes; a method without fields takes `{}` (Record<string, never>). */
export type ParamsOf<F extends FieldTable> = [keyof F] extends [never]
  ? Record<string, never>
  : Flatten<{ [K in RequiredNames<F>]: TypeOf<F[K]> } & { [K in OptionalNames<F>]?: TypeOf<F[K]> }>;

export type ResultOf<S extends MethodSpec> = S['result'] extends Returns<infer R> ? R : never;

/** Nesting deeper than this is refused; it also stops cycles (which structured clone preserves). */
export const MAX_PARAM_DEPTH = 32;

/** Whether `value` is of `kind`. */
function matchesKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
  }
}

/** A plain object: `{...}` or Object.create(null); not an array, a class instance, a Date or a Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks `params` (undefined counts as `{}`) against `fields` at a transport boundary: one plain
 * object of JSON data, no unknown fields, every required field present, every field of its kind.
 * Returns the parameter object, or throws ApiError INVALID_ARGUMENT with `details.field` naming the
 * offending field (its path, for values deep inside that JSON cannot carry).
 */
export function checkParams(method: string, fields: FieldTable, params: unknown): Record<string, unknown> {
  const value = params === undefined ? {} : params;
  if (!isPlainObject(value)) throw refuse(method, '', `${method}: params must be one plain object`);
  const unsafeAt = findNonJsonValue(value, '', 0);
  if (unsafeAt !== null) throw refuse(method, unsafeAt, `${method}: params hold a value that is not plain JSON data at '${unsafeAt}'`);
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(fields, name) && value[name] !== undefined) throw refuse(method, name, `${method}: unknown parameter '${name}'`);
  }
  for (const [name, spec] of Object.entries(fields)) {
    const field = value[name];
    if (field === undefined) {
      if (spec.optional) continue;
      throw refuse(method, name, `${method}: missing parameter '${name}'`);
    }
    if (!matchesKind(field, spec.kind)) throw refuse(method, name, `${method}: parameter '${name}' must be ${article(spec.kind)}`);
  }
  return value;
}

function refuse(method: string, field: string, message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', message, { method, field });
}

function article(kind: FieldKind): string {
  return kind === 'integer' || kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

/**
 * Path of the first value JSON cannot carry faithfully (Date, Map, typed array, NaN, Infinity,
 * bigint, a function, ...), or null if all is plain data. Undefined object fields are allowed (JSON
 * drops them); undefined array items are not (JSON would turn them into null).
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
