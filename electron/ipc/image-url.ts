// Image URLs of the desktop shell: maskpilot-image://project/<image id as ONE percent-encoded path
// segment>[?maxSide=N]. Encoding the whole id (slashes included) into one segment means the URL
// parser never sees a path separator or a dot segment of the id, so it cannot normalise one away;
// the main process decodes it back and checks it (image-request.ts). Used by the preload, so it
// imports nothing.
import { IMAGE_HOST, IMAGE_SCHEME } from './channels';

/** `maxSide` is the long side in pixels of a downscaled copy; omit it for the original file. */
export function buildImageUrl(imageId: string, options?: { maxSide?: number }): string {
  const base = `${IMAGE_SCHEME}://${IMAGE_HOST}/${encodeURIComponent(imageId)}`;
  const maxSide = options?.maxSide;
  return maxSide === undefined ? base : `${base}?maxSide=${encodeURIComponent(String(maxSide))}`;
}
