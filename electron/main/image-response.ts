// Bytes of one image for the maskpilot-image:// protocol: the original file when the renderer can
// show it as is, otherwise (maxSide given, or a format Chromium cannot decode) a copy decoded by
// sharp with its EXIF orientation applied, the frame every annotation coordinate lives in.
// No electron import (uses the global fetch Response), so it is unit-tested everywhere.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { BROWSER_IMAGE_TYPES, renderDisplayImage } from '../services/image-render';
import { ApiError, httpStatusOf, serializeError } from '../../shared/api/errors';

/** Headers every image response carries; `allowOrigin` lets the canvas read pixels untainted. */
function baseHeaders(allowOrigin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': allowOrigin,
    'Cache-Control': 'private, max-age=300',
    'X-Content-Type-Options': 'nosniff',
  };
}

export async function imageResponse(file: string, maxSide: number | null, allowOrigin: string): Promise<Response> {
  const originalType = BROWSER_IMAGE_TYPES[extname(file).toLowerCase()];
  if (maxSide === null && originalType !== undefined) {
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new ApiError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read the image: ${error.message}`);
    });
    return new Response(new Uint8Array(bytes), { status: 200, headers: { ...baseHeaders(allowOrigin), 'Content-Type': originalType } });
  }
  const { data, contentType } = await renderDisplayImage(file, maxSide);
  return new Response(new Uint8Array(data), { status: 200, headers: { ...baseHeaders(allowOrigin), 'Content-Type': contentType } });
}

/** A refusal as an HTTP-style response whose body is the serialized error (JSON). */
export function errorResponse(error: unknown, allowOrigin: string): Response {
  const serialized = serializeError(error);
  return new Response(JSON.stringify(serialized), {
    status: httpStatusOf(serialized.code),
    headers: { ...baseHeaders(allowOrigin), 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
