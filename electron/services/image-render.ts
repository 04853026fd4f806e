// Display copies of a project's photos, shared by the headless host's /images route and the
// desktop app's maskpilot-image:// protocol, so both apply the same pixel limit and orientation.
import sharp from 'sharp';
import { ApiError } from '../../shared/api/errors';
import { MAX_IMAGE_PIXELS, problemFromError } from './project/image-probe';

/** Extensions a browser shows as they are, with their content type; anything else (TIFF) is converted. */
export const BROWSER_IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};

/**
 * Decodes, applies EXIF orientation (the frame every annotation coordinate lives in) and, with
 * maxSide, fits the long side into maxSide pixels without enlarging. Images with transparency stay
 * PNG; everything else becomes JPEG. Throws ApiError CORRUPT_FILE naming the problem.
 */
export async function renderDisplayImage(file: string, maxSide: number | null): Promise<{ data: Buffer; contentType: string }> {
  try {
    // The project's pixel limit, not sharp's larger default: a decompression bomb the project
    // already refuses (TOO_LARGE) must not cost seconds of decoding here either.
    const image = sharp(file, { limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
    if (maxSide !== null) image.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
    const { hasAlpha } = await sharp(file, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    if (hasAlpha) return { data: await image.png().toBuffer(), contentType: 'image/png' };
    return { data: await image.jpeg({ quality: 85, mozjpeg: false }).toBuffer(), contentType: 'image/jpeg' };
  } catch (error) {
    const problem = problemFromError(error);
    throw new ApiError('CORRUPT_FILE', problem.message, { reason: (error as Error).message, problem: problem.code });
  }
}
