// What the host needs from the project service: the API, its events, and image files by id.
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from '../../shared/api/contract';
import type { ImageId } from '../../shared/api/types';

export interface HostService extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** Absolute path of an image file inside the opened folder; ApiError NOT_FOUND for unknown ids. */
  resolveImageFile(imageId: ImageId): Promise<string>;
  close(): Promise<void> | void;
}
