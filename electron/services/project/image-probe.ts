// Reads an image's oriented size, or classifies why it cannot be used, without decoding pixels in
// the common case: the header gives the size (sharp.metadata reads headers only) and a look at the
// file's last bytes tells whether it is complete. Only when that look is inconclusive (TIFF,
// trailing data after a JPEG's end marker) is the image decoded, downscaled on load, to be sure.
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import type { ImageProblem } from '../../../shared/api/types';
import { IMAGE_FORMAT_NAMES } from '../image-formats';

/** Images above this many pixels (width x height) are refused before any decoding (100 MP). */
export const MAX_IMAGE_PIXELS = 100_000_000;

type ProbeResult = { width: number; height: number; problem?: undefined } | { problem: ImageProblem };

/** The formats of IMAGE_EXTENSIONS (image-formats.ts), told apart by their first bytes. */
type Format = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif' | 'avif';

const HEAD_BYTES = 32;
const TAIL_BYTES = 4096;

/** Identifies the format from the first bytes (the extension may lie); null for anything sharp does not read. */
export function sniffFormat(head: Uint8Array): Format | null {
  const at = (index: number) => head[index];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'png';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
  if ((ascii(head, 0, 2) === 'II' && at(2) === 42 && at(3) === 0) || (ascii(head, 0, 2) === 'MM' && at(2) === 0 && at(3) === 42)) return 'tiff';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(head, 4, 4) === 'ftyp' && isAvifBrand(head)) return 'avif';
  return null;
}

/** An ISO-BMFF 'ftyp' box naming AVIF as its major brand or among the compatible brands in the head (HEIC is not AVIF). */
function isAvifBrand(head: Uint8Array): boolean {
  const boxEnd = Math.min(head.length, new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0));
  const brands = [ascii(head, 8, 4)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(ascii(head, offset, 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let index = haystack.length - needle.length; index >= 0; index -= 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[index + offset] !== needle[offset]) continue outer;
    return index;
  }
  return -1;
}

/** Whether the file's tail shows it was written completely; null when the tail cannot tell. */
function looksComplete(format: Format, head: Uint8Array, tail: Uint8Array, fileSize: number): boolean | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  switch (format) {
    case 'jpeg':
      // The end-of-image marker; absent from the tail when cut off (or when a trailer follows it).
      return indexOfBytes(tail, [0xff, 0xd9]) >= 0 ? true : null;
    case 'png':
      return indexOfBytes(tail, [0x49, 0x45, 0x4e, 0x44]) >= 0 ? true : null; // "IEND"
    case 'webp':
      return view.getUint32(4, true) + 8 <= fileSize; // RIFF chunk size + its 8-byte header
    case 'gif':
      return tail[tail.length - 1] === 0x3b ? true : null; // the trailer byte ';'
    case 'tiff':
    case 'avif':
      return null;
  }
}

/** Formats whose complete files end in a marker: a decoder failure without it means a cut-off file. */
function hasEndMarker(format: Format): boolean {
  return format !== 'tiff' && format !== 'avif';
}

/** Maps a file-system or decoder error to a per-image problem (exported for unit tests). */
export function problemFromError(error: unknown): ImageProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // libvips repeats itself over several lines; the first says it.
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  if (code === 'EACCES' || code === 'EPERM') return { code: 'UNREADABLE', message: 'Permission denied: the file cannot be read.' };
  if (code === 'ENOENT') return { code: 'UNREADABLE', message: 'The file no longer exists.' };
  if (code === 'EISDIR') return { code: 'NOT_AN_IMAGE', message: 'This is a folder, not an image file.' };
  if (typeof code === 'string') return { code: 'UNREADABLE', message: `The file cannot be read (${code}).` };
  if (/pixel limit/i.test(message)) return { code: 'TOO_LARGE', message: `The image has more than ${MAX_IMAGE_PIXELS / 1e6} megapixels.` };
  if (/premature end|truncat|unexpected end/i.test(message)) return truncated(message);
  if (/unsupported image format/i.test(message)) return { code: 'NOT_AN_IMAGE', message: 'The file is not an image in a supported format.' };
  return { code: 'DECODE_FAILED', message: `The image could not be decoded: ${message}` };
}

function truncated(detail: string): ImageProblem {
  return { code: 'TRUNCATED', message: `The file is cut off (${detail}).` };
}

function decoderMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** EXIF orientations 5-8 rotate by 90 degrees, so the displayed width is the stored height. */
export function orientedSize(width: number, height: number, orientation: number | undefined): { width: number; height: number } {
  return orientation !== undefined && orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

async function readHeadAndTail(path: string): Promise<{ head: Uint8Array; tail: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const tailLength = Math.min(TAIL_BYTES, size);
    const tail = new Uint8Array(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    return { head, tail, size };
  } finally {
    await handle.close();
  }
}

/** Decodes (downscaled on load where the format allows) and fails on truncated data. */
async function decodes(path: string): Promise<unknown | null> {
  try {
    await sharp(path, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS })
      // Nearest neighbour: only completeness matters here, and a smoothing kernel over an extreme
      // aspect ratio (a damaged PNG header claiming 4194341x23) took 90 s where this takes 3 s.
      .resize(256, 256, { fit: 'inside', kernel: 'nearest' })
      .raw()
      .toBuffer();
    return null;
  } catch (error) {
    return error;
  }
}

/** Never throws: every failure becomes a problem with a message a user can act on. */
export async function probeImage(path: string): Promise<ProbeResult> {
  let head: Uint8Array;
  let tail: Uint8Array;
  let size: number;
  try {
    ({ head, tail, size } = await readHeadAndTail(path));
  } catch (error) {
    return { problem: problemFromError(error) };
  }
  if (size === 0) return { problem: { code: 'EMPTY_FILE', message: 'The file is empty (0 bytes).' } };
  const format = sniffFormat(head);
  if (format === null) {
    return { problem: { code: 'NOT_AN_IMAGE', message: `The file content is not a ${IMAGE_FORMAT_NAMES} image.` } };
  }
  // Before the header is parsed: a decoder reports a cut-off header as a "corrupt header".
  const complete = looksComplete(format, head, tail, size);
  if (complete === false) return { problem: truncated(`${format.toUpperCase()}, ${size} bytes on disk`) };
  let metadata: Metadata;
  try {
    // Header only: no pixels are allocated, so the limit is checked below with the real dimensions
    // in the message; every decode (decodes(), the model) keeps sharp's limitInputPixels.
    metadata = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    const problem = problemFromError(error);
    // No end marker in the tail and a header the decoder cannot finish: a cut-off file.
    if (problem.code === 'DECODE_FAILED' && complete === null && hasEndMarker(format)) return { problem: truncated(decoderMessage(error)) };
    return { problem };
  }
  const { width, height } = metadata;
  if (!width || !height) return { problem: { code: 'DECODE_FAILED', message: 'The image header has no width or height.' } };
  if (width * height > MAX_IMAGE_PIXELS) {
    return {
      problem: {
        code: 'TOO_LARGE',
        message: `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(0)} megapixels); the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels.`,
      },
    };
  }
  if (complete === null) {
    const error = await decodes(path);
    if (error !== null) {
      const problem = problemFromError(error);
      // The tail already lacked the end marker, so a decoder failure here means a cut-off file.
      if (problem.code === 'DECODE_FAILED' && hasEndMarker(format)) return { problem: truncated(decoderMessage(error)) };
      return { problem };
    }
  }
  return orientedSize(width, height, metadata.orientation);
}
