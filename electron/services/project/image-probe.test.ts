import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orientedSize, probeImage, sniffFormat } from './image-probe';
import { makeTempFolder } from './test-helpers';

let folder: string;

/** A noisy image, so encoders cannot shrink it to a few bytes (truncation must cut real data). */
function noise(width: number, height: number) {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = (index * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

beforeAll(async () => {
  folder = await makeTempFolder('maskpilot-probe-');
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function probeBytes(name: string, bytes: Buffer) {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return probeImage(path);
}

describe('probeImage', () => {
  test('reads every supported format by content, whatever the extension says', async () => {
    const image = noise(48, 32);
    expect(await probeBytes('a.webp', await image.clone().webp().toBuffer())).toEqual({ width: 48, height: 32 });
    expect(await probeBytes('a.tif', await image.clone().tiff().toBuffer())).toEqual({ width: 48, height: 32 });
    expect(await probeBytes('png-named.jpg', await image.clone().png().toBuffer())).toEqual({ width: 48, height: 32 });
    expect(await probeBytes('a.gif', await image.clone().gif().toBuffer())).toEqual({ width: 48, height: 32 });
    expect(await probeBytes('a.avif', await image.clone().avif().toBuffer())).toEqual({ width: 48, height: 32 });
  });

  test('a BMP (which sharp cannot decode) is NOT_AN_IMAGE, whatever its extension', async () => {
    const bmp = Buffer.alloc(54 + 4 * 3 * 2);
    bmp.write('BM');
    bmp.writeUInt32LE(bmp.length, 2);
    expect((await probeBytes('bitmap-named.jpg', bmp)).problem?.code).toBe('NOT_AN_IMAGE');
  });

  test('a JPEG with a long trailer after its end marker is complete (decoded to make sure)', async () => {
    const jpeg = await noise(64, 64).jpeg().toBuffer();
    expect(await probeBytes('trailer.jpg', Buffer.concat([jpeg, Buffer.alloc(10_000, 0x55)]))).toEqual({ width: 64, height: 64 });
  });

  test('cut-off WebP and PNG files are TRUNCATED', async () => {
    const webp = await noise(64, 64).webp().toBuffer();
    expect((await probeBytes('cut.webp', webp.subarray(0, webp.length - 100))).problem?.code).toBe('TRUNCATED');
    const png = await noise(64, 64).png().toBuffer();
    expect((await probeBytes('cut.png', png.subarray(0, Math.floor(png.length * 0.6)))).problem?.code).toBe('TRUNCATED');
    expect((await probeBytes('header-only.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).problem?.code).toBe('TRUNCATED');
  });

  test('a missing file is UNREADABLE with a message saying so', async () => {
    expect((await probeImage(join(folder, 'nope.jpg'))).problem).toEqual({ code: 'UNREADABLE', message: 'The file no longer exists.' });
  });
});

describe('helpers', () => {
  test('orientation 5-8 swaps width and height, 1-4 keep them', () => {
    for (const orientation of [5, 6, 7, 8]) expect(orientedSize(4, 3, orientation)).toEqual({ width: 3, height: 4 });
    for (const orientation of [undefined, 1, 2, 3, 4]) expect(orientedSize(4, 3, orientation)).toEqual({ width: 4, height: 3 });
  });

  test('sniffFormat recognises magic numbers only', () => {
    expect(sniffFormat(Buffer.from('BM......'))).toBeNull();
    expect(sniffFormat(Buffer.from([0x49, 0x49, 42, 0]))).toBe('tiff');
    expect(sniffFormat(Buffer.from('GIF89a....'))).toBe('gif');
    const ftyp = (major: string, ...compatible: string[]) => {
      const box = Buffer.alloc(16 + 4 * compatible.length);
      box.writeUInt32BE(box.length, 0);
      box.write(`ftyp${major}`, 4);
      compatible.forEach((brand, index) => box.write(brand, 16 + 4 * index));
      return box;
    };
    expect(sniffFormat(ftyp('avif', 'mif1'))).toBe('avif');
    expect(sniffFormat(ftyp('mif1', 'miaf', 'avif'))).toBe('avif');
    expect(sniffFormat(ftyp('heic', 'mif1', 'heic'))).toBeNull();
    expect(sniffFormat(Buffer.from('hello world'))).toBeNull();
  });
});
