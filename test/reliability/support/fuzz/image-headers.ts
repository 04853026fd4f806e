// Format-aware damage for image files: rewrite the dimensions a PNG, JPEG or WebP header claims
// (bogus sizes: 0, 1, 65535, 2^31...), its bit depth / colour type / component count, with the
// PNG chunk CRC recomputed (so the damage reaches the decoder instead of failing the CRC check)
// or deliberately left stale. Pure byte manipulation: no decoder here.
import { copyOf } from './byte-mutators';
import type { Random } from './random';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface HeaderMutation {
  description: string;
  bytes: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309), as PNG chunks use it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function detectFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return null;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

const BOGUS_SIDES = [0, 1, 2, 3, 255, 16383, 16384, 65000, 65535, 100_000, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];

/**
 * Sets a PNG's IHDR width and height (and maybe bit depth / colour type). With `fixCrc` the IHDR
 * CRC is recomputed. Returns null when the file has no IHDR where PNG puts it.
 */
export function setPngHeader(
  png: Uint8Array,
  fields: { width?: number; height?: number; bitDepth?: number; colorType?: number; interlace?: number },
  fixCrc = true,
): Uint8Array | null {
  if (png.length < 33 || ascii(png, 12, 4) !== 'IHDR') return null;
  const out = copyOf(png);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (fields.width !== undefined) view.setUint32(16, fields.width >>> 0);
  if (fields.height !== undefined) view.setUint32(20, fields.height >>> 0);
  if (fields.bitDepth !== undefined) out[24] = fields.bitDepth;
  if (fields.colorType !== undefined) out[25] = fields.colorType;
  if (fields.interlace !== undefined) out[28] = fields.interlace;
  if (fixCrc) view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** Offset of the first SOFn segment's marker in a JPEG, or -1. */
export function findJpegSof(jpeg: Uint8Array): number {
  let at = 2;
  while (at + 4 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return -1;
    const marker = jpeg[at + 1];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return at;
    if (marker === 0xda || marker === 0xd9) return -1; // scan data or end before any frame header
    at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
  }
  return -1;
}

/** Sets a JPEG's frame size (and maybe precision / component count) in its SOF segment. */
export function setJpegFrame(jpeg: Uint8Array, fields: { width?: number; height?: number; precision?: number; components?: number }): Uint8Array | null {
  const sof = findJpegSof(jpeg);
  if (sof < 0 || sof + 10 > jpeg.length) return null;
  const out = copyOf(jpeg);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (fields.precision !== undefined) out[sof + 4] = fields.precision;
  if (fields.height !== undefined) view.setUint16(sof + 5, fields.height & 0xffff);
  if (fields.width !== undefined) view.setUint16(sof + 7, fields.width & 0xffff);
  if (fields.components !== undefined) out[sof + 9] = fields.components;
  return out;
}

/** Sets the canvas size of a WebP (VP8X, VP8L or lossy VP8 first chunk). */
export function setWebpSize(webp: Uint8Array, width: number, height: number): Uint8Array | null {
  if (webp.length < 30) return null;
  const out = copyOf(webp);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const chunk = ascii(out, 12, 4);
  if (chunk === 'VP8X') {
    // 24-bit little-endian "size minus one" at offsets 24 and 27.
    const w = Math.max(0, Math.min(width - 1, 0xffffff));
    const h = Math.max(0, Math.min(height - 1, 0xffffff));
    out.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 24);
    return out;
  }
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code (3 bytes), then 14-bit width and height (plus 2 scale bits).
    view.setUint16(26, width & 0x3fff, true);
    view.setUint16(28, height & 0x3fff, true);
    return out;
  }
  if (chunk === 'VP8L') {
    // Signature 0x2f, then 14 bits width-1, 14 bits height-1 packed little-endian.
    const bits = (Math.max(0, width - 1) & 0x3fff) | ((Math.max(0, height - 1) & 0x3fff) << 14) | (view.getUint32(21, true) & 0xf0000000);
    view.setUint32(21, bits >>> 0, true);
    return out;
  }
  return null;
}

/** One header-aware mutation of a valid PNG, JPEG or WebP: bogus size, depth or layout. */
export function mutateImageHeader(bytes: Uint8Array, random: Random): HeaderMutation | null {
  const format = detectFormat(bytes);
  const side = () => random.pick(BOGUS_SIDES);
  if (format === 'png') {
    const fields = random.chance(0.7)
      ? { width: side(), height: side() }
      : { bitDepth: random.pick([0, 1, 2, 3, 4, 8, 16, 32, 255]), colorType: random.pick([0, 1, 2, 3, 4, 5, 6, 7, 255]), interlace: random.pick([0, 1, 2]) };
    const fixCrc = random.chance(0.8);
    const out = setPngHeader(bytes, fields, fixCrc);
    return out && { description: `png IHDR ${JSON.stringify(fields)}${fixCrc ? '' : ' (stale CRC)'}`, bytes: out };
  }
  if (format === 'jpeg') {
    const fields = random.chance(0.7)
      ? { width: side(), height: side() }
      : { precision: random.pick([0, 1, 8, 12, 16, 255]), components: random.pick([0, 1, 2, 3, 4, 5, 255]) };
    const out = setJpegFrame(bytes, fields);
    return out && { description: `jpeg SOF ${JSON.stringify(fields)}`, bytes: out };
  }
  if (format === 'webp') {
    const [width, height] = [side(), side()];
    const out = setWebpSize(bytes, width, height);
    return out && { description: `webp size ${width}x${height}`, bytes: out };
  }
  return null;
}
