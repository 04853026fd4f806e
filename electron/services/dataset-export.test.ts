import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FormatExport } from '../../shared/formats';
import { encodeInstanceMap, writeDatasetFolder } from './dataset-export';
import { makeTempFolder } from './project/test-helpers';

let root: string;
beforeAll(async () => {
  root = await makeTempFolder('maskpilot-dataset-export-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** PNG IHDR: bit depth and colour type (0 = greyscale). */
function header(png: Buffer): { bitDepth: number; colourType: number } {
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { bitDepth: png[24], colourType: png[25] };
}

describe('encodeInstanceMap', () => {
  test('16-bit maps become 16-bit greyscale PNGs with every value kept', async () => {
    const width = 300;
    const height = 7;
    const data = Uint16Array.from({ length: width * height }, (_, p) => (p * 37) % 5001);
    const png = await encodeInstanceMap({ width, height, data });
    expect(header(png)).toEqual({ bitDepth: 16, colourType: 0 });
    const raw = await sharp(png).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
    expect(new Uint16Array(new Uint8Array(raw).buffer)).toEqual(data);
  });

  test('8-bit maps become 8-bit greyscale PNGs', async () => {
    const data = Uint8Array.from({ length: 15 }, (_, p) => p * 17);
    const png = await encodeInstanceMap({ width: 5, height: 3, data });
    expect(header(png)).toEqual({ bitDepth: 8, colourType: 0 });
    expect(new Uint8Array(await sharp(png).extractChannel(0).raw().toBuffer())).toEqual(data);
  });
});

describe('writeDatasetFolder', () => {
  const result: FormatExport = {
    format: 'labelme',
    files: [{ kind: 'text', path: 'deep/a.json', text: '{}' }],
    images: [{ fileName: 'a.jpg', path: 'deep/a.jpg' }],
    counts: { images: 1, instances: 0, unassigned: 0, classes: 0 },
    skipped: [],
  };

  test('a failure part way leaves neither the target nor the staging folder behind', async () => {
    const out = join(root, 'failed');
    await expect(
      writeDatasetFolder(result, out, {
        resolveImage: async () => {
          throw new Error('image gone');
        },
      }),
    ).rejects.toThrow('image gone');
    await expect(stat(out)).rejects.toThrow();
    expect(await readdir(root)).toEqual([]);
  });

  test('an existing empty folder is replaced by the dataset', async () => {
    const out = join(root, 'empty');
    await mkdir(out);
    await writeDatasetFolder(result, out, { copyImages: false, resolveImage: async () => '' });
    expect(await readdir(join(out, 'deep'))).toEqual(['a.json']);
  });
});
