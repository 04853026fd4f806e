import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import type { CocoDataset } from '../../shared/coco/schema';
import { DEFAULT_MAX_COCO_BYTES, readCocoFile, readJsonFile, writeCocoFile } from './coco-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maskpilot-coco-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dataset: CocoDataset = {
  info: { description: 'tiny' },
  licenses: [],
  images: [{ id: 1, file_name: 'a.jpg', width: 4, height: 3 }],
  categories: [{ id: 1, name: 'thing', color: '#112233' }],
  annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: { size: [3, 4], counts: [3, 2, 7] }, area: 2, bbox: [1, 0, 1, 2], iscrowd: 1 }],
};

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('readCocoFile', () => {
  test('reads and validates a dataset (a UTF-8 byte-order mark is tolerated)', async () => {
    const path = join(dir, 'annotations.json');
    await writeFile(path, `\ufeff${JSON.stringify(dataset)}`);
    expect(await readCocoFile(path)).toEqual(dataset);
  });

  test('names the file and the record when validation fails, keeping the details', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ ...dataset, annotations: [{ ...dataset.annotations[0], image_id: 9 }] }));
    const error = await rejection(readCocoFile(path));
    expect(error.code).toBe('INVALID_COCO');
    expect(error.message).toBe("bad.json: annotations[0] (id 1): image_id 9 is not in 'images'");
    expect(error.details).toEqual({ path: 'annotations[0].image_id', id: 1, file: path });
  });

  test('reports JSON syntax errors with line, column and position', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"images": [],\n "annotations": [,],\n "categories": []}');
    const error = await rejection(readCocoFile(path));
    expect(error.code).toBe('INVALID_COCO');
    expect(error.message).toBe(
      'broken.json is not valid JSON at line 2, column 18 (position 32): unexpected "," where a value was expected',
    );
    expect(error.details).toEqual({ file: path, position: 32, line: 2, column: 18 });
  });

  test('refuses files over the size limit without reading them', async () => {
    const path = join(dir, 'huge.json');
    await writeFile(path, '');
    await truncate(path, DEFAULT_MAX_COCO_BYTES + 1); // sparse: no disk used, and never read
    const error = await rejection(readCocoFile(path));
    expect(error.code).toBe('INVALID_COCO');
    expect(error.message).toBe('huge.json is 500.0 MiB, more than the 500.0 MiB MaskPilot reads');
    const small = join(dir, 'small.json');
    await writeFile(small, JSON.stringify(dataset));
    expect((await rejection(readJsonFile(small, { maxBytes: 100 }))).message).toMatch(/^small\.json is \d+ bytes, more than the 100 bytes MaskPilot reads$/);
  });

  test('a missing file is NOT_FOUND, a folder is IO_ERROR', async () => {
    expect((await rejection(readCocoFile(join(dir, 'none.json')))).code).toBe('NOT_FOUND');
    expect((await rejection(readCocoFile(dir))).code).toBe('IO_ERROR');
  });
});

describe('writeCocoFile', () => {
  test('writes JSON that reads back identically, replacing the old file and leaving no temp file', async () => {
    const path = join(dir, 'export.json');
    await writeFile(path, 'old content');
    await writeCocoFile(path, dataset);
    expect(await readCocoFile(path)).toEqual(dataset);
    expect(await readdir(dir)).toEqual(['export.json']);
  });

  test('a failed write leaves the existing file untouched', async () => {
    const path = join(dir, 'export.json');
    await writeFile(path, 'old content');
    const cyclic: Record<string, unknown> = { images: [] };
    cyclic.self = cyclic;
    await expect(writeCocoFile(path, cyclic as unknown as CocoDataset)).rejects.toThrow();
    const missingFolder = join(dir, 'no-such-folder', 'export.json');
    expect((await rejection(writeCocoFile(missingFolder, dataset))).code).toBe('NOT_FOUND');
    expect(await readFile(path, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['export.json']);
  });
});
