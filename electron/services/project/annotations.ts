// Reading and saving an image's annotations. Saves are serialized per image (KeyedLock), checked
// against the saved revision, written atomically and only then acknowledged, so a client that got
// `{ revision }` back knows its data survives a crash.
import { ApiError } from '../../../shared/api/errors';
import type { ImageAnnotations, ImageId, ImageStatus, Instance } from '../../../shared/api/types';
import type { ApiEventHub } from './events';
import type { ImageRecords } from './image-records';
import type { KeyedLock } from './keyed-lock';
import type { SidecarStore } from './sidecar-store';
import { IMAGE_STATUSES, validateInstances } from './instance-validation';
import type { Fields } from './validate';
import { invalid, oneOf, requiredInteger } from './validate';

interface SaveRequest {
  imageId: ImageId;
  /** Unvalidated: checked against the image's size and the project's categories under the lock. */
  instances: unknown;
  status?: ImageStatus;
  baseRevision?: number;
}

export class AnnotationStore {
  /** Damaged sidecars found (and kept aside) but not yet reported to a client. */
  private readonly unreportedCorruption = new Map<ImageId, ApiError>();

  constructor(
    private readonly store: SidecarStore,
    private readonly records: ImageRecords,
    private readonly events: ApiEventHub,
    private readonly lock: KeyedLock,
    /** Category ids instances may reference right now. */
    private readonly categoryIds: () => ReadonlySet<number>,
    /** Told about every client save once it is on disk (the learning loop counts corrections); must not throw. */
    private readonly onClientSave: (previous: ImageAnnotations | null, saved: ImageAnnotations) => void = () => undefined,
  ) {}

  /** Remembers a damaged sidecar so the next getAnnotations of that image reports it once. */
  noteCorrupt(imageId: ImageId, error: ApiError): void {
    console.warn(`maskpilot: ${error.message}`);
    this.unreportedCorruption.set(imageId, error);
  }

  /**
   * The saved annotations, or empty ones at revision 0. A damaged sidecar is reported once as
   * CORRUPT_FILE (with the path it was kept aside as); afterwards the image reads as empty.
   */
  async get(imageId: ImageId): Promise<ImageAnnotations> {
    this.records.entry(imageId);
    const unreported = this.unreportedCorruption.get(imageId);
    if (unreported) {
      this.unreportedCorruption.delete(imageId);
      throw unreported;
    }
    const saved = await this.store.readAnnotations(imageId);
    if (saved) return saved;
    const record = await this.records.get(imageId);
    // An image with a problem has no known size; 0 x 0 tells the client nothing can be drawn.
    return { imageId, width: record.width ?? 0, height: record.height ?? 0, status: 'unvisited', instances: [], revision: 0 };
  }

  /** Validates and saves; resolves after the atomic write with the new revision. */
  save(request: SaveRequest): Promise<{ revision: number }> {
    this.records.entry(request.imageId);
    return this.lock.run(request.imageId, async () => {
      const { width, height } = await this.records.sizeOf(request.imageId);
      const instances = validateInstances(request.instances, 'instances', { width, height, categoryIds: this.categoryIds() });
      const current = await this.readForUpdate(request.imageId);
      const currentRevision = current?.revision ?? 0;
      if (request.baseRevision !== undefined && request.baseRevision !== currentRevision) {
        throw new ApiError(
          'CONFLICT',
          `Image '${request.imageId}' was saved elsewhere (revision ${currentRevision}, you edited revision ${request.baseRevision}).`,
          { imageId: request.imageId, currentRevision, baseRevision: request.baseRevision },
        );
      }
      const next: ImageAnnotations = {
        imageId: request.imageId,
        width,
        height,
        status: request.status ?? current?.status ?? 'unvisited',
        instances,
        revision: currentRevision + 1,
      };
      await this.write(next);
      try {
        this.onClientSave(current, next);
      } catch (error) {
        console.error('maskpilot: after-save hook failed:', error);
      }
      return { revision: next.revision };
    });
  }

  /**
   * Rewrites an image's saved annotations under its lock: `change` gets the current state (null
   * when nothing is saved) and the image size, and returns the new instances and status, or null
   * to leave the image alone. Instances are validated like a client's save. Returns whether it wrote.
   */
  modify(
    imageId: ImageId,
    change: (current: ImageAnnotations | null, size: { width: number; height: number }) => { instances: Instance[]; status: ImageStatus } | null,
  ): Promise<boolean> {
    this.records.entry(imageId);
    return this.lock.run(imageId, async () => {
      const size = await this.records.sizeOf(imageId);
      const current = await this.readForUpdate(imageId);
      const next = change(current, size);
      if (next === null) return false;
      const instances = validateInstances(next.instances, 'instances', { ...size, categoryIds: this.categoryIds() });
      await this.write({ imageId, ...size, status: next.status, instances, revision: (current?.revision ?? 0) + 1 });
      return true;
    });
  }

  /**
   * Sets categoryId to null on every instance using `categoryId`, image by image under each
   * image's lock. Returns how many instances were changed.
   */
  async unassignCategory(categoryId: number, imageIds: readonly ImageId[]): Promise<number> {
    let changed = 0;
    for (const imageId of imageIds) {
      changed += await this.lock.run(imageId, async () => {
        const current = await this.readForUpdate(imageId);
        if (!current) return 0;
        let count = 0;
        const instances = current.instances.map((instance): Instance => {
          if (instance.categoryId !== categoryId) return instance;
          count += 1;
          return { ...instance, categoryId: null };
        });
        if (count > 0) await this.write({ ...current, instances, revision: current.revision + 1 });
        return count;
      });
    }
    return changed;
  }

  private async write(annotations: ImageAnnotations): Promise<void> {
    try {
      await this.store.writeAnnotations(annotations);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError('IO_ERROR', `Could not save annotations of '${annotations.imageId}': ${message}`, { imageId: annotations.imageId });
    }
    await this.records.noteSaved(annotations);
    this.events.emit('onDidChangeAnnotations', { imageId: annotations.imageId, revision: annotations.revision });
  }

  /** The saved state a save builds on; a damaged file kept aside counts as nothing saved (and is reported). */
  private async readForUpdate(imageId: ImageId): Promise<ImageAnnotations | null> {
    try {
      return await this.store.readAnnotations(imageId);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CORRUPT_FILE' && error.details?.keptAs) {
        this.noteCorrupt(imageId, error);
        return null;
      }
      throw error;
    }
  }
}

/** Parses saveAnnotations params (the instances themselves are checked under the lock). */
export function saveRequestOf(fields: Fields): SaveRequest {
  const imageId = fields.imageId;
  if (typeof imageId !== 'string' || imageId.length === 0) throw invalid('imageId', 'must be a non-empty string');
  if (!Array.isArray(fields.instances)) throw invalid('instances', 'must be an array of instances');
  const baseRevision = fields.baseRevision === undefined ? undefined : requiredInteger(fields, 'baseRevision', 'baseRevision', 0, Number.MAX_SAFE_INTEGER);
  const status = fields.status === undefined ? undefined : oneOf(fields.status, 'status', IMAGE_STATUSES);
  return { imageId, instances: fields.instances, status, baseRevision };
}
