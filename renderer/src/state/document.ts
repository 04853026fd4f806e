// Document tier: what is persisted. Records keyed by id, coordinates in image pixels, JSON-safe.
// Changes happen only through commands (commands.ts), never by mutating these objects.
import type { Category, ImageId, ImageStatus, Instance } from '../../../shared/api/types';

/** One image's annotations as the editor holds them: instances keyed by id plus their drawing order. */
export interface ImageDocument {
  imageId: ImageId;
  /** Full-resolution size in pixels (the coordinate space of every polygon and RLE). */
  width: number;
  height: number;
  /** Status as loaded from disk; the status saved next is derived from the instances (deriveStatus). */
  loadedStatus: ImageStatus;
  /**
   * The annotator said the image is finished (Finish image, Ctrl+Enter); set by a command, so undo
   * takes it back. It decides the status only while the image has no instances at all: with
   * instances, the decisions do (see deriveStatus). Loaded as true for an image saved as done.
   */
  markedDone: boolean;
  instances: Record<string, Instance>;
  /** Instance ids in drawing / panel order; invariant: exactly the keys of `instances`. */
  order: string[];
}

export interface DocumentState {
  /** Documents of the images opened in this session, by image id. */
  images: Record<ImageId, ImageDocument>;
  /** Project categories by id (server-owned: changed through saveCategory, mirrored here). */
  categories: Record<number, Category>;
}

export function createImageDocument(
  imageId: ImageId,
  width: number,
  height: number,
  status: ImageStatus,
  instances: readonly Instance[],
): ImageDocument {
  const byId: Record<string, Instance> = {};
  const order: string[] = [];
  for (const instance of instances) {
    if (byId[instance.id]) continue; // ids are unique per image; keep the first if a file repeats one
    byId[instance.id] = instance;
    order.push(instance.id);
  }
  return { imageId, width, height, loadedStatus: status, markedDone: status === 'done', instances: byId, order };
}

/** Instances in drawing order. */
export function orderedInstances(document: ImageDocument): Instance[] {
  return document.order.map((id) => document.instances[id]).filter((instance): instance is Instance => instance !== undefined);
}

/**
 * The status an image is saved with: done once every proposal has a decision and something was
 * decided; in progress while proposals wait. An image with nothing on it is done once the annotator
 * marked it so (an image with no objects, or none the model found), in progress until then.
 */
export function deriveStatus(document: ImageDocument): ImageStatus {
  const instances = orderedInstances(document);
  if (instances.length === 0) return document.markedDone ? 'done' : 'inProgress';
  return instances.some((instance) => instance.status === 'proposed') ? 'inProgress' : 'done';
}

/** A fresh instance id, unique within `document` (crypto-random where available). */
export function newInstanceId(document: ImageDocument | undefined, prefix = 'ui'): string {
  for (;;) {
    const random =
      typeof crypto !== 'undefined' && 'randomUUID' in crypto
        ? crypto.randomUUID().slice(0, 8)
        : Math.floor(Math.random() * 0xffffffff).toString(16);
    const id = `${prefix}-${random}`;
    if (!document || !document.instances[id]) return id;
  }
}
