// GET /images/<image id, each path segment percent-encoded>[?maxSide=N]: the photo itself, or a
// downscaled copy with its EXIF orientation applied (the pixels a person sees, which is the
// coordinate frame of every annotation). Only files the project service resolves, and only when
// their real path lies inside the opened folder.
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { ImageId, ImageProblem } from '../../shared/api/types';
import { BROWSER_IMAGE_TYPES, renderDisplayImage } from '../services/image-render';
import { isInside, splitRelativePath } from '../services/safe-path';
import { streamFile } from './static-files';

/** Largest `maxSide` a client may ask for (pixels); beyond it, ask for the original. */
const MAX_DOWNSCALE_SIDE = 8192;

interface ImageRouteOptions {
  /** Real path of the opened folder. */
  realFolder: string;
  resolveImageFile(imageId: ImageId): Promise<string>;
  /**
   * The problem the project found with this image, if any. An image the project refuses is never
   * decoded here: some damaged files (a cut-off PNG claiming 4194341x23) cost a minute of CPU.
   */
  problemOf?(imageId: ImageId): Promise<ImageProblem | undefined>;
}

export async function serveImage(
  request: IncomingMessage,
  response: ServerResponse,
  imageId: ImageId,
  maxSideParam: string | null,
  options: ImageRouteOptions,
): Promise<void> {
  splitRelativePath(imageId); // lexical check before the service sees the id at all
  const maxSide = parseMaxSide(maxSideParam);
  const resolved = await options.resolveImageFile(imageId);
  const file = await realpath(resolved).catch(() => {
    throw new ApiError('NOT_FOUND', `no such image: ${imageId}`);
  });
  if (!isInside(options.realFolder, file)) {
    throw new ApiError('FORBIDDEN', 'refused path: image resolves outside the folder');
  }
  const info = await stat(file);
  if (!info.isFile()) throw new ApiError('NOT_FOUND', `no such image: ${imageId}`);

  // Photos come from an arbitrary folder: should one ever be opened as a document, it runs nothing.
  response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  // Weak validator: same file size, modification time and requested size -> same bytes.
  const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}-${maxSide ?? 'full'}"`;
  response.setHeader('ETag', etag);
  response.setHeader('Last-Modified', info.mtime.toUTCString());
  response.setHeader('Cache-Control', 'private, max-age=300');
  if (request.headers['if-none-match'] === etag) {
    response.statusCode = 304;
    response.end();
    return;
  }

  const originalType = BROWSER_IMAGE_TYPES[extname(file).toLowerCase()];
  if (maxSide === null && originalType !== undefined) {
    response.setHeader('Content-Type', originalType);
    response.setHeader('Content-Length', String(info.size));
    await streamFile(request, response, file);
    return;
  }

  const problem = await options.problemOf?.(imageId);
  if (problem) throw new ApiError('CORRUPT_FILE', problem.message, { problem: problem.code });
  const { data, contentType } = await renderDisplayImage(file, maxSide);
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', String(data.length));
  response.end(request.method === 'HEAD' ? undefined : data);
}

function parseMaxSide(value: string | null): number | null {
  if (value === null) return null;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > MAX_DOWNSCALE_SIDE) {
    throw new ApiError('INVALID_ARGUMENT', `maxSide must be an integer from 1 to ${MAX_DOWNSCALE_SIDE}`, { field: 'maxSide' });
  }
  return parsed;
}
