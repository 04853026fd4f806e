// Image URLs of the headless host: /images/<image id with each path segment percent-encoded>.
// Encoding per segment keeps the '/' separators real, so the host can refuse an encoded '/' (%2F)
// inside a segment as a traversal attempt without ever refusing a legitimate id.
import type { ImageId } from '../../../shared/api/types';

export interface ImageUrlOptions {
  /** Long side of a downscaled copy, in pixels (positive integer); omit for the original file. */
  maxSide?: number;
}

/** A root-relative URL (same origin as the page), e.g. /images/street/img%20001.jpg?token=...&maxSide=256 */
export function hostImageUrl(imageId: ImageId, token: string | null, options: ImageUrlOptions = {}): string {
  const path = imageId.split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams();
  if (token) query.set('token', token);
  if (options.maxSide !== undefined) query.set('maxSide', String(Math.max(1, Math.round(options.maxSide))));
  const search = query.toString();
  return `/images/${path}${search ? `?${search}` : ''}`;
}
