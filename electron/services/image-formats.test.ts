// The one list of image extensions against the decoder itself: every extension on it is a format
// sharp's build reads (a real file of it decodes), and the formats it cannot read are not on it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasImageExtension, IMAGE_EXTENSIONS } from './image-formats';
import { scanFolder } from './project/folder-scan';
import { probeImage } from './project/image-probe';

/** An encoder for each format on the list (sharp writes all of them). */
const ENCODE: Record<string, (image: Sharp) => Sharp> = {
  '.jpg': (image) => image.jpeg(),
  '.jpeg': (image) => image.jpeg(),
  '.png': (image) => image.png(),
  '.webp': (image) => image.webp(),
  '.tif': (image) => image.tiff(),
  '.tiff': (image) => image.tiff(),
  '.gif': (image) => image.gif(),
  '.avif': (image) => image.avif(),
};

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'maskpilot-formats-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('IMAGE_EXTENSIONS', () => {
  test('every extension is a file suffix sharp reads', () => {
    const readable = new Set(Object.values(sharp.format).flatMap((format) => (format.input.file ? (format.input.fileSuffix ?? []) : [])));
    for (const extension of IMAGE_EXTENSIONS) expect(readable, extension).toContain(extension);
  });

  test('a file of each listed format is scanned, probed and decoded to pixels', async () => {
    const image = () => sharp({ create: { width: 12, height: 8, channels: 3, background: '#3366cc' } });
    for (const extension of IMAGE_EXTENSIONS) {
      const name = `sample${extension}`;
      await writeFile(join(folder, name), await ENCODE[extension](image()).toBuffer());
      expect(await probeImage(join(folder, name)), name).toEqual({ width: 12, height: 8 });
      const { info } = await sharp(join(folder, name)).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height], name).toEqual([12, 8]);
    }
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const scanned = (await scanFolder(folder)).images.map((entry) => entry.id);
    expect(scanned.sort()).toEqual(IMAGE_EXTENSIONS.map((extension) => `sample${extension}`).sort());
  });

  test('BMP and HEIC, which the prebuilt decoder cannot read, are not on the list; case does not matter', () => {
    for (const name of ['a.bmp', 'a.heic', 'a.heif', 'a.svg', 'a.txt', 'jpg']) expect(hasImageExtension(name), name).toBe(false);
    for (const name of ['a.JPG', 'b.Jpeg', 'c.AVIF', 'dir/d.gif']) expect(hasImageExtension(name), name).toBe(true);
  });
});
