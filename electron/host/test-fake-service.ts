// A test double of the project service, in memory: lets the host's own tests run without the real
// store. Annotations live in a Map; images are the ids it is given, joined onto `folder`.
import { join } from 'node:path';
import { API_METHOD_NAMES } from '../../shared/api/contract';
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Category, ImageAnnotations, ImageRecord } from '../../shared/api/types';
import type { HostService } from './host-service';

export interface FakeService extends HostService {
  /** How many times each method was called (for asserting what reached the service). */
  calls: Map<string, number>;
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  closed: boolean;
}

export function createFakeService(folder: string, imageIds: string[]): FakeService {
  const annotations = new Map<string, ImageAnnotations>();
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
  const categories: Category[] = [];
  const calls = new Map<string, number>();
  const count = (method: string) => calls.set(method, (calls.get(method) ?? 0) + 1);

  function record(id: string): ImageRecord {
    const saved = annotations.get(id);
    return { id, fileSize: 0, status: saved?.status ?? 'unvisited', instanceCount: saved?.instances.length ?? 0, proposedCount: 0 };
  }
  function known(imageId: unknown): string {
    if (typeof imageId !== 'string' || !imageIds.includes(imageId)) throw new ApiError('NOT_FOUND', `no such image: ${String(imageId)}`);
    return imageId;
  }
  function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }
  const unsupported = (method: string) => async (): Promise<never> => {
    count(method);
    throw new ApiError('MODEL_UNAVAILABLE', `${method} is not available in the fake service`);
  };

  // Every method of the table that is not implemented below refuses (so a new method needs nothing here).
  const refusing = Object.fromEntries(API_METHOD_NAMES.map((method) => [method, unsupported(method)])) as unknown as MaskPilotApi;

  const service: FakeService = {
    ...refusing,
    calls,
    closed: false,
    emit,
    async getProject() {
      count('getProject');
      return { name: 'fake', imageCount: imageIds.length, categories };
    },
    async listImages({ offset, limit }) {
      count('listImages');
      return { total: imageIds.length, images: imageIds.slice(offset, offset + limit).map(record) };
    },
    async getImage({ imageId }) {
      count('getImage');
      return record(known(imageId));
    },
    async getAnnotations({ imageId }) {
      count('getAnnotations');
      const id = known(imageId);
      return annotations.get(id) ?? { imageId: id, width: 1, height: 1, status: 'unvisited', instances: [], revision: 0 };
    },
    async saveAnnotations({ imageId, instances, status, baseRevision }) {
      count('saveAnnotations');
      const id = known(imageId);
      if (!Array.isArray(instances)) throw new ApiError('INVALID_ARGUMENT', 'instances must be an array', { field: 'instances' });
      const previous = annotations.get(id);
      const revision = previous?.revision ?? 0;
      if (baseRevision !== undefined && baseRevision !== revision) {
        throw new ApiError('CONFLICT', `saved revision is ${revision}, not ${baseRevision}`, { revision });
      }
      annotations.set(id, { imageId: id, width: 1, height: 1, status: status ?? 'inProgress', instances, revision: revision + 1 });
      emit('onDidChangeAnnotations', { imageId: id, revision: revision + 1 });
      return { revision: revision + 1 };
    },
    async listCategories() {
      count('listCategories');
      return categories;
    },
    async saveCategory({ name, color }) {
      count('saveCategory');
      const category = { id: categories.length + 1, name, color: color ?? '#ff0000' };
      categories.push(category);
      return category;
    },
    async getModelStatus() {
      count('getModelStatus');
      return { backend: 'none', backendNotes: [], modelVersion: null, lastLatencyMs: null, ready: false };
    },
    on(event, listener) {
      const erased = listener as (payload: unknown) => void;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(erased);
      return (() => set.delete(erased)) as Unsubscribe;
    },
    // Deliberately naive (no realpath, no '..' check): the host's own checks are what is under test.
    async resolveImageFile(imageId) {
      return join(folder, known(imageId));
    },
    close() {
      service.closed = true;
    },
  };
  return service;
}
