// Helpers for this folder's tests (not used by the app): the ApiError a call rejects with, temp
// folders, real images made with sharp, and valid COCO RLEs of rectangles so saved instances pass validation.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { CocoRle, Instance } from '../../../shared/api/types';

/** The ApiError a call rejects with (the test fails if it resolves or throws anything else). */
export async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

export async function makeTempFolder(prefix = 'maskpilot-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes a real JPEG (or PNG by extension) of a solid colour; `orientation` sets the EXIF tag. */
export async function writeImage(path: string, width: number, height: number, options: { orientation?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  const buffer = path.toLowerCase().endsWith('.png') ? await image.png().toBuffer() : await image.jpeg().toBuffer();
  await writeFile(path, buffer);
}

/** COCO counts string of the given runs (pycocotools' encoding: deltas after the second run). */
function encodeCounts(runs: number[]): string {
  let text = '';
  runs.forEach((run, index) => {
    let value = index > 2 ? run - runs[index - 2] : run;
    let more = true;
    while (more) {
      let char = value & 0x1f;
      value >>= 5;
      more = (char & 0x10) !== 0 ? value !== -1 : value !== 0;
      if (more) char |= 0x20;
      text += String.fromCharCode(char + 48);
    }
  });
  return text;
}

/** COCO RLE of the rectangle [x0, x1) x [y0, y1) in a width x height image (column-major). */
export function rectangleRle(width: number, height: number, x0: number, y0: number, x1: number, y1: number): CocoRle {
  const runs: number[] = [];
  let current = 0; // value of the run being counted; runs start with zeros
  let length = 0;
  for (let x = 0; x < width; x += 1) {
    for (let y = 0; y < height; y += 1) {
      const value = x >= x0 && x < x1 && y >= y0 && y < y1 ? 1 : 0;
      if (value !== current) {
        runs.push(length);
        current = value;
        length = 0;
      }
      length += 1;
    }
  }
  runs.push(length);
  return { size: [height, width], counts: encodeCounts(runs) };
}

export function rectangleInstance(id: string, width: number, height: number, overrides: Partial<Instance> = {}): Instance {
  const [x0, y0, x1, y1] = [1, 1, Math.max(2, Math.floor(width / 2)), Math.max(2, Math.floor(height / 2))];
  return {
    id,
    polygons: [[x0, y0, x1, y0, x1, y1, x0, y1]],
    rle: rectangleRle(width, height, x0, y0, x1, y1),
    score: null,
    status: 'accepted',
    source: 'manual',
    categoryId: null,
    modelVersion: null,
    ...overrides,
  };
}
