// The API contract: the one source of truth for what crosses between the UI and the node side.
// It is implemented once (electron/services) and reached over Electron IPC, WebSocket (headless
// host) and in-process (CLI, tests). The methods are written once, in the table of methods.ts;
// this file derives the contract's types, the allowlist and the boundary check from it, and
// holds the events.

import type { Unsubscribe } from './channel';
import { ApiError } from './errors';
import { API_METHODS } from './methods';
import { checkParams } from './schema';
import type { ParamsOf, ResultOf } from './schema';
import type { Category, FineTuneProgress, ImageId, ImageRecord, JobProgress, ModelStatus, ModelVersion } from './types';

type MethodTable = typeof API_METHODS;

/** Method name -> its one parameter object and its result, derived from the table in methods.ts. */
export type ApiMethods = {
  [M in keyof MethodTable]: { params: ParamsOf<MethodTable[M]['params']>; result: ResultOf<MethodTable[M]> };
};

export type ApiMethodName = keyof ApiMethods;
export type ApiParams<M extends ApiMethodName> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethodName> = ApiMethods[M]['result'];

/** The API as an object of async methods: what the service implements and what a client proxies. */
export type MaskPilotApi = { [M in ApiMethodName]: (params: ApiParams<M>) => Promise<ApiResult<M>> };

/** The allowlist of methods every transport accepts: the table's names. */
export const API_METHOD_NAMES = Object.freeze(Object.keys(API_METHODS) as ApiMethodName[]);

export function isApiMethodName(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && Object.hasOwn(API_METHODS, name);
}

/** The names a method's parameter object may have (for the service's own check of in-process calls). */
export function apiParamNames(method: ApiMethodName): readonly string[] {
  return Object.keys(API_METHODS[method].params);
}

/**
 * The boundary check of one call (IPC, headless host): a method on the allowlist (else FORBIDDEN)
 * and parameters of its schema (else INVALID_ARGUMENT naming the field). Returns the parameters.
 */
export function checkApiCall(method: unknown, params: unknown): Record<string, unknown> {
  if (!isApiMethodName(method)) throw new ApiError('FORBIDDEN', `method ${JSON.stringify(method)} is not on the API allowlist`, { method: String(method) });
  return checkParams(method, API_METHODS[method].params, params);
}

/** An event's payload type (carried by the type only). */
interface EventSpec<T> {
  readonly payload?: T;
}
const event = <T>(): EventSpec<T> => ({});

/** The API's events, each written once with its payload. Events flow from the node side to every connected client. */
const API_EVENTS = {
  onDidChangeAnnotations: event<{ imageId: ImageId; revision: number }>(),
  onDidChangeCategories: event<{ categories: Category[] }>(),
  onDidChangeImage: event<{ image: ImageRecord }>(),
  onDidProgress: event<JobProgress>(),
  onDidChangeModel: event<ModelStatus>(),
  onDidFineTune: event<FineTuneProgress>(),
  onDidChangeModelVersions: event<{ versions: ModelVersion[]; activeId: string | null }>(),
};

/** Event name -> payload. */
export type ApiEvents = { [E in keyof typeof API_EVENTS]: (typeof API_EVENTS)[E] extends EventSpec<infer T> ? T : never };

export type ApiEventName = keyof ApiEvents;

export const API_EVENT_NAMES = Object.freeze(Object.keys(API_EVENTS) as ApiEventName[]);

export function isApiEventName(name: unknown): name is ApiEventName {
  return typeof name === 'string' && Object.hasOwn(API_EVENTS, name);
}

export type { Unsubscribe } from './channel';

/** What the renderer holds: the API plus event subscription and image URLs (transport-specific). */
export interface MaskPilotClient extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** URL of an image for display; `maxSide` asks for a downscaled copy (long side in pixels). */
  imageUrl(imageId: ImageId, options?: { maxSide?: number }): string;
}
