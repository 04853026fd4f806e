import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeImage, resizeRgb, resizeRgbRegion } from './decode';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A width x height RGB gradient (so resizes and rotations are visible). */
function gradient(width: number, height: number, channels = 3): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const offset = (y * width + x) * channels;
    data[offset] = Math.round((255 * x) / Math.max(1, width - 1));
    if (channels > 1) data[offset + 1] = Math.round((255 * y) / Math.max(1, height - 1));
    if (channels > 2) data[offset + 2] = 128;
    if (channels > 3) data[offset + 3] = 255;
  }
  return data;
}

describe('decodeImage', () => {
  test('grayscale becomes 3-channel RGB with equal channels', async () => {
    const path = join(dir, 'gray.png');
    await sharp(gradient(32, 16, 1), { raw: { width: 32, height: 16, channels: 1 } }).png().toFile(path);
    const image = await decodeImage(path, { maxSide: 1000 });
    expect([image.width, image.height, image.rgb.length]).toEqual([32, 16, 32 * 16 * 3]);
    const pixel = (1 * 32 + 31) * 3; // row 1, last column
    expect(image.rgb[pixel]).toBe(255);
    expect(image.rgb[pixel + 1]).toBe(255);
    expect(image.rgb[pixel + 2]).toBe(255);
  });

  test('CMYK JPEG is converted to sRGB', async () => {
    const path = join(dir, 'cmyk.jpg');
    await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 200, g: 30, b: 30 } } }).toColourspace('cmyk').jpeg().toFile(path);
    expect((await sharp(path).metadata()).space).toBe('cmyk');
    const image = await decodeImage(path, { maxSide: 1000 });
    expect(image.rgb.length).toBe(24 * 24 * 3);
    // Still red after the round trip through CMYK (within JPEG and profile tolerance).
    expect(image.rgb[0]).toBeGreaterThan(150);
    expect(image.rgb[1]).toBeLessThan(90);
  });

  test('16-bit PNG with alpha is reduced to 8-bit RGB', async () => {
    const path = join(dir, 'deep.png');
    const raw = new Uint16Array(8 * 8 * 4).fill(65535);
    await sharp(Buffer.from(raw.buffer), { raw: { width: 8, height: 8, channels: 4, premultiplied: false } })
      .toColourspace('rgb16')
      .png()
      .toFile(path);
    expect((await sharp(path).metadata()).depth).toBe('ushort');
    const image = await decodeImage(path, { maxSide: 1000 });
    expect(image.rgb.length).toBe(8 * 8 * 3);
    expect(Math.min(...image.rgb)).toBe(255);
  });

  test('a 1x1 image decodes', async () => {
    const path = join(dir, 'one.png');
    await sharp(gradient(1, 1), { raw: { width: 1, height: 1, channels: 3 } }).png().toFile(path);
    const image = await decodeImage(path, { maxSide: 1000 });
    expect([image.width, image.height, image.originalWidth, image.originalHeight]).toEqual([1, 1, 1, 1]);
  });

  test('EXIF orientation is applied (a 40x20 photo stored rotated reads as 20x40)', async () => {
    const path = join(dir, 'rotated.jpg');
    await sharp(gradient(40, 20), { raw: { width: 40, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(path);
    const image = await decodeImage(path, { maxSide: 1000 });
    expect([image.width, image.height, image.originalWidth, image.originalHeight]).toEqual([20, 40, 20, 40]);
  });

  test('a 12000x9000 image is downscaled while decoding, keeping its original size', async () => {
    const path = join(dir, 'huge.jpg');
    await sharp({ create: { width: 12000, height: 9000, channels: 3, background: { r: 10, g: 120, b: 250 } } }).jpeg({ quality: 50 }).toFile(path);
    const image = await decodeImage(path, { maxSide: 2048 });
    expect([image.width, image.height]).toEqual([2048, 1536]);
    expect([image.originalWidth, image.originalHeight]).toEqual([12000, 9000]);
    expect(image.rgb.length).toBe(2048 * 1536 * 3);
  }, 120_000);

  test('a corrupt file fails with an error naming it', async () => {
    const path = join(dir, 'broken.jpg');
    await writeFile(path, Buffer.from('this is not a jpeg'));
    await expect(decodeImage(path, { maxSide: 100 })).rejects.toThrow(`cannot decode ${path}`);
    await expect(decodeImage(join(dir, 'missing.jpg'), { maxSide: 100 })).rejects.toThrow('cannot decode');
  });

  test('resizeRgb resizes per axis', async () => {
    const rgb = new Uint8Array(gradient(10, 4));
    const out = await resizeRgb({ width: 10, height: 4, rgb }, 20, 8);
    expect(out.length).toBe(20 * 8 * 3);
  });

  test('resizeRgbRegion gives exactly the bytes of that region of the resized image', async () => {
    // Noise, so any off-by-one in the region or a different resampling shows.
    const rgb = new Uint8Array(173 * 97 * 3);
    for (let k = 0; k < rgb.length; k++) rgb[k] = (k * 2654435761) >>> 24;
    const image = { width: 173, height: 97, rgb };
    for (const [width, height, region] of [
      [256, 160, { left: 32, top: 16, width: 96, height: 64 }],
      [96, 64, { left: 0, top: 0, width: 96, height: 64 }],
      [173, 97, { left: 5, top: 7, width: 20, height: 30 }],
    ] as const) {
      const full = await resizeRgb(image, width, height);
      const expected = new Uint8Array(region.width * region.height * 3);
      for (let row = 0; row < region.height; row++) {
        const source = ((region.top + row) * width + region.left) * 3;
        expected.set(full.subarray(source, source + region.width * 3), row * region.width * 3);
      }
      expect(Buffer.from(await resizeRgbRegion(image, width, height, region)).equals(Buffer.from(expected))).toBe(true);
    }
    await expect(resizeRgbRegion(image, 96, 64, { left: 40, top: 0, width: 64, height: 64 })).rejects.toThrow('does not lie inside 96x64');
  });
});
