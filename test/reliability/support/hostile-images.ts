// A corpus of hostile image files, generated (never checked in): cut-off files, headers claiming
// absurd sizes, decompression bombs, lying extensions, 16-bit and CMYK encodings, animations and
// all eight EXIF orientations. Each entry says what a correct reader must report for it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { crc32, setJpegFrame, setPngHeader } from './fuzz';
import type { ImageProblem } from '../../../shared/api/types';

export type HostileExpectation =
  /** Opens: the oriented size a person sees. */
  | { kind: 'ok'; width: number; height: number; orientation?: number }
  /** Refused with one of these per-image problem codes. */
  | { kind: 'problem'; codes: ImageProblem['code'][] };

export interface HostileImage {
  /** Path relative to the corpus folder (its image id). */
  name: string;
  why: string;
  expect: HostileExpectation;
}

/** The visible picture of the orientation cases: 40x20, a red 10x10 block at the top-left, blue elsewhere. */
export const ORIENTED_WIDTH = 40;
export const ORIENTED_HEIGHT = 20;

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of width x height 8-bit grey zeros whose compressed data is built from one compressed
 * block repeated (deflate blocks ending on a sync flush can be concatenated), so a file of a few
 * MB inflates to height * (width + 1) bytes without ever holding them. `rowsPerBlock` must divide height.
 */
export function decompressionBombPng(width: number, height: number, rowsPerBlock: number): Buffer {
  if (height % rowsPerBlock !== 0) throw new Error('rowsPerBlock must divide height');
  const blockBytes = rowsPerBlock * (width + 1); // each row: filter byte 0 + width zero samples
  const block = deflateRawSync(Buffer.alloc(blockBytes), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const repeats = height / rowsPerBlock;
  const total = height * (width + 1);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0); // adler32 of zeros: a = 1, b = length mod 65521
  const idat = Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: repeats }, () => block), Buffer.from([0x03, 0x00]), adler]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

/** Stored pixels that display as the oriented test picture once EXIF orientation `orientation` is applied. */
async function storedForOrientation(orientation: number): Promise<Buffer> {
  const visible = await sharp({ create: { width: ORIENTED_WIDTH, height: ORIENTED_HEIGHT, channels: 3, background: '#0000ff' } })
    .composite([{ input: { create: { width: 10, height: 10, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
    .png()
    .toBuffer();
  // Inverse of each orientation's display transform, one step per pipeline so the order is certain.
  const step = async (input: Buffer, apply: (image: Sharp) => Sharp) => apply(sharp(input)).png().toBuffer();
  switch (orientation) {
    case 2:
      return step(visible, (image) => image.flop());
    case 3:
      return step(visible, (image) => image.rotate(180));
    case 4:
      return step(visible, (image) => image.flip());
    case 5: // transpose: self-inverse
      return step(await step(visible, (image) => image.rotate(90)), (image) => image.flop());
    case 6: // displayed after a 90° clockwise turn: store it turned back
      return step(visible, (image) => image.rotate(270));
    case 7: // transverse: self-inverse
      return step(await step(visible, (image) => image.rotate(270)), (image) => image.flop());
    case 8:
      return step(visible, (image) => image.rotate(90));
    default:
      return visible;
  }
}

async function put(folder: string, name: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(join(folder, name)), { recursive: true });
  await writeFile(join(folder, name), data);
}

/** Writes the corpus into `folder`; returns what each file must give. */
export async function writeHostileCorpus(folder: string): Promise<HostileImage[]> {
  const corpus: HostileImage[] = [];
  const add = async (name: string, why: string, data: Uint8Array, expect: HostileExpectation) => {
    await put(folder, name, data);
    corpus.push({ name, why, expect });
  };
  const noise = Buffer.alloc(120 * 80 * 3);
  for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 53 + (index >> 7)) % 256;
  const photo = () => sharp(noise, { raw: { width: 120, height: 80, channels: 3 } });
  const jpeg = await photo().jpeg().toBuffer();
  const png = await photo().png().toBuffer();
  const webp = await photo().webp().toBuffer();

  // Cut-off files.
  await add('truncated/half.jpg', 'JPEG cut in half', jpeg.subarray(0, jpeg.length >> 1), { kind: 'problem', codes: ['TRUNCATED'] });
  await add('truncated/header-only.jpg', 'JPEG cut inside its headers', jpeg.subarray(0, 40), { kind: 'problem', codes: ['TRUNCATED', 'DECODE_FAILED'] });
  await add('truncated/half.png', 'PNG cut in half', png.subarray(0, png.length >> 1), { kind: 'problem', codes: ['TRUNCATED'] });
  await add('truncated/half.webp', 'WebP cut in half', webp.subarray(0, webp.length >> 1), { kind: 'problem', codes: ['TRUNCATED'] });

  // Headers claiming huge sizes (the data behind them is tiny).
  await add('huge/ihdr-100000.png', 'PNG IHDR claiming 100000x100000', setPngHeader(png, { width: 100_000, height: 100_000 }) as Uint8Array, {
    kind: 'problem',
    codes: ['TOO_LARGE'],
  });
  await add('huge/sof-65000.jpg', 'JPEG SOF claiming 65000x65000', setJpegFrame(jpeg, { width: 65_000, height: 65_000 }) as Uint8Array, {
    kind: 'problem',
    codes: ['TOO_LARGE'],
  });

  // Found by the fuzzer: a cut-off PNG whose header claims 4194341x23 (96 MP, just under the
  // limit); smoothing it down to a thumbnail took a minute of CPU.
  const wide = setPngHeader(png, { width: 4_194_341, height: 23 }) as Uint8Array;
  await add('huge/wide-cut.png', 'cut-off PNG claiming 4194341x23', wide.subarray(0, 511), { kind: 'problem', codes: ['TRUNCATED', 'DECODE_FAILED'] });

  // Decompression bombs: a few MB that inflate to gigapixels / a quarter gigapixel.
  await add('bombs/giga.png', 'PNG bomb: 2 MB inflating to 65535x32768 (2.1 gigapixels)', decompressionBombPng(65_535, 32_768, 16), {
    kind: 'problem',
    codes: ['TOO_LARGE'],
  });
  await add('bombs/quarter-giga.png', 'PNG bomb: 16000x16000 (256 MP) under the decoder default limit', decompressionBombPng(16_000, 16_000, 1_000), {
    kind: 'problem',
    codes: ['TOO_LARGE'],
  });

  // Lying extensions: the content decides.
  await add('wrong-extension/png-named.jpg', 'a PNG named .jpg', png, { kind: 'ok', width: 120, height: 80 });
  await add('wrong-extension/jpeg-named.png', 'a JPEG named .png', jpeg, { kind: 'ok', width: 120, height: 80 });

  // Unusual encodings that are still images.
  await add('encodings/16-bit.png', '16-bit RGB PNG', await photo().toColourspace('rgb16').png().toBuffer(), { kind: 'ok', width: 120, height: 80 });
  await add('encodings/cmyk.jpg', 'CMYK JPEG', await photo().toColourspace('cmyk').jpeg().toBuffer(), { kind: 'ok', width: 120, height: 80 });

  // Animations: frames side by side in time; the first frame's size is the image's size.
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((colour) => sharp({ create: { width: 30, height: 20, channels: 3, background: colour } }).png().toBuffer()),
  );
  const animated = () => sharp(frames, { join: { animated: true } });
  await add('animated/gif-named.webp', 'an animated GIF renamed .webp (read by its content, as GIF)', await animated().gif().toBuffer(), { kind: 'ok', width: 30, height: 20 });
  await add('animated/animated.gif', 'an animated GIF (3 frames of 30x20)', await animated().gif().toBuffer(), { kind: 'ok', width: 30, height: 20 });
  const bmp = Buffer.alloc(54 + 30 * 20 * 3);
  bmp.write('BM');
  bmp.writeUInt32LE(bmp.length, 2);
  await add('wrong-extension/bmp-named.png', 'a BMP (which the decoder cannot read) named .png', bmp, { kind: 'problem', codes: ['NOT_AN_IMAGE'] });
  await add('animated/animated.webp', 'an animated WebP (3 frames of 30x20)', await animated().webp().toBuffer(), { kind: 'ok', width: 30, height: 20 });

  // Every EXIF orientation, displayed as the same 40x20 picture.
  for (let orientation = 1; orientation <= 8; orientation += 1) {
    const stored = await storedForOrientation(orientation);
    const data = await sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
    await add(`orientation/exif-${orientation}.jpg`, `EXIF orientation ${orientation}`, data, { kind: 'ok', width: ORIENTED_WIDTH, height: ORIENTED_HEIGHT, orientation });
  }
  return corpus;
}
