// From a maskpilot-image:// request URL to a file that is guaranteed to lie inside the opened
// folder. Three checks, each of which alone refuses traversal: the URL must have exactly one path
// segment (the encoded image id), the decoded id must pass the lexical check of safe-path
// (no '..', absolute, drive-letter or backslash paths, no NUL), and resolveInsideFolder compares
// real paths, so a symlink leading out of the folder is refused too.
import { ApiError } from '../../shared/api/errors';
import type { ImageId } from '../../shared/api/types';
import { resolveInsideFolder, splitRelativePath } from '../services/safe-path';
import { IMAGE_HOST, IMAGE_SCHEME } from './channels';

/** Largest `maxSide` (pixels) a downscaled copy may have; larger requests should ask for the original. */
const MAX_IMAGE_SIDE = 8192;

interface ImageRequest {
  imageId: ImageId;
  /** Long side of the requested copy in pixels, or null for the original file. */
  maxSide: number | null;
}

/** Parses and lexically checks a request URL. Throws ApiError FORBIDDEN or INVALID_ARGUMENT. */
export function parseImageRequestUrl(url: string): ImageRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'malformed image URL', { url });
  }
  if (parsed.protocol !== `${IMAGE_SCHEME}:` || parsed.hostname.toLowerCase() !== IMAGE_HOST || parsed.port !== '') {
    throw new ApiError('FORBIDDEN', 'not an image URL of the opened folder', { url });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ApiError('FORBIDDEN', 'image URLs carry no credentials', { url });
  }
  const segments = parsed.pathname.split('/').slice(1);
  if (segments.length !== 1 || segments[0] === '') {
    throw new ApiError('INVALID_ARGUMENT', 'an image URL has exactly one path segment: the encoded image id', { url });
  }
  let imageId: string;
  try {
    imageId = decodeURIComponent(segments[0]);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'malformed percent-encoding in image URL', { url });
  }
  splitRelativePath(imageId); // throws FORBIDDEN for anything that could leave the folder
  return { imageId, maxSide: parseMaxSide(parsed.searchParams.get('maxSide')) };
}

function parseMaxSide(value: string | null): number | null {
  if (value === null) return null;
  const parsed = Number(value);
  if (!/^\d{1,5}$/.test(value) || parsed < 1 || parsed > MAX_IMAGE_SIDE) {
    throw new ApiError('INVALID_ARGUMENT', `maxSide must be an integer from 1 to ${MAX_IMAGE_SIDE}`, { field: 'maxSide' });
  }
  return parsed;
}

/** The real path of the requested image inside `folder`, with the requested size. */
export async function resolveImageRequest(url: string, folder: string): Promise<ImageRequest & { file: string }> {
  const request = parseImageRequestUrl(url);
  const file = await resolveInsideFolder(folder, request.imageId);
  return { ...request, file };
}
