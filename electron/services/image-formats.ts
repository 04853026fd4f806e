// The image files MaskPilot works with: exactly those its image decoder (sharp's prebuilt libvips)
// reads. One list for the folder scan (what the app shows), the CLI (what `maskpilot propose` reads)
// and the probe's sniffing, so no tool skips files another one shows.
import { extname } from 'node:path';

/**
 * Extensions (lower case, with the dot) of images sharp decodes: JPEG, PNG, WebP, TIFF, GIF (its
 * first frame) and AVIF. Not BMP or HEIC: the prebuilt libvips reads neither (image-formats.test.ts).
 */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif'];

/** The formats behind them, for messages. */
export const IMAGE_FORMAT_NAMES = 'JPEG, PNG, WebP, TIFF, GIF or AVIF';

/** Whether a file name has one of IMAGE_EXTENSIONS (case-insensitive). */
export function hasImageExtension(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}
