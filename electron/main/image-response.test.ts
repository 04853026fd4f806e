import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { errorResponse, imageResponse } from './image-response';

const ORIGIN = 'app://maskpilot';

describe('imageResponse', () => {
  let dir: string;
  let rotated: string;
  let tiff: string;
  let transparent: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-image-response-'));
    // 400x200 pixels stored, EXIF orientation 6 (rotate 90° clockwise to view): a person sees 200x400.
    rotated = join(dir, 'rotated.jpg');
    await sharp({ create: { width: 400, height: 200, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(rotated);
    tiff = join(dir, 'scan.tiff');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: '#ffffff' } }).tiff().toFile(tiff);
    transparent = join(dir, 'cutout.png');
    await sharp({ create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(transparent);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the original of a browser format is served byte for byte', async () => {
    const response = await imageResponse(rotated, null, ORIGIN);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const served = Buffer.from(await response.arrayBuffer());
    const { readFile } = await import('node:fs/promises');
    expect(served.equals(await readFile(rotated))).toBe(true);
  });

  test('a downscaled copy has EXIF orientation applied and its long side fitted', async () => {
    const response = await imageResponse(rotated, 100, ORIGIN);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([50, 100]);
  });

  test('never enlarges, keeps transparency, converts formats Chromium cannot show', async () => {
    const big = await imageResponse(transparent, 4000, ORIGIN);
    expect(big.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await big.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([300, 100, true]);
    const converted = await imageResponse(tiff, null, ORIGIN);
    expect(converted.headers.get('content-type')).toBe('image/jpeg');
  });

  test('a file that is not an image is CORRUPT_FILE, a vanished one NOT_FOUND', async () => {
    const fake = join(dir, 'fake.jpg');
    await writeFile(fake, 'not a jpeg');
    await expect(imageResponse(fake, 64, ORIGIN)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    await expect(imageResponse(join(dir, 'gone.jpg'), null, ORIGIN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('errors become HTTP statuses with the serialized error as body', async () => {
    const response = errorResponse(new ApiError('FORBIDDEN', 'refused path: ..', { path: '..' }), ORIGIN);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 'FORBIDDEN', message: 'refused path: ..', details: { path: '..' } });
    expect(errorResponse(new Error('boom'), ORIGIN).status).toBe(500);
  });
});
