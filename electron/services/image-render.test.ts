import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { decompressionBombPng } from '../../test/reliability/support/hostile-images';
import { renderDisplayImage } from './image-render';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mp-image-render-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('display copies of photos (host route and desktop protocol alike)', () => {
  test('applies EXIF orientation and fits the long side into maxSide', async () => {
    const file = join(folder, 'rotated.jpg');
    // 400x200 stored pixels, orientation 6 (rotate 90 degrees clockwise): a person sees 200x400.
    await sharp({ create: { width: 400, height: 200, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const { data, contentType } = await renderDisplayImage(file, 100);
    expect(contentType).toBe('image/jpeg');
    const shown = await sharp(data).metadata();
    expect([shown.width, shown.height]).toEqual([50, 100]);
  });

  test('a decompression bomb over the project pixel limit is refused from its header as CORRUPT_FILE', async () => {
    const file = join(folder, 'bomb.png');
    await writeFile(file, decompressionBombPng(16_000, 16_000, 64)); // 256 megapixels
    const error = await renderDisplayImage(file, 256).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('CORRUPT_FILE');
    expect((error as ApiError).details?.problem).toBe('TOO_LARGE');
  });
});
