import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeView, type ImageView } from '../sampler/geometry';
import { FeatureCache, pruneFeatureFiles, type FeatureMap } from './features';
import { cutWindows } from '../window-cut';

// A map whose value at (y, x, c) encodes its coordinates, so a cut window shows where it came from.
function codedMap(width: number, height: number, channels: number, tag: number): FeatureMap {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = tag * 1e6 + y * 1000 + x * 10 + c + 1;
  return { width, height, channels, data };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'features-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cutWindows', () => {
  test('copies the cells of each window and zero-fills cells past the map', () => {
    const map = codedMap(20, 16, 2, 1);
    const out = cutWindows([map, map], [{ cellX: 3, cellY: 1 }, { cellX: -2, cellY: 10 }], 14);
    expect(out).toHaveLength(2 * 14 * 14 * 2);
    // Window 0, row 2, column 5, channel 1 = map (y 3, x 8, c 1).
    expect(out[(2 * 14 + 5) * 2 + 1]).toBe(1e6 + 3000 + 80 + 2);
    const second = 14 * 14 * 2;
    // Window 1 starts at x = -2: its columns 0 and 1 are padding; column 2 is map x 0.
    expect(out[second + (0 * 14 + 1) * 2]).toBe(0);
    expect(out[second + (0 * 14 + 2) * 2]).toBe(1e6 + 10000 + 0 + 1);
    // Row 6 of window 1 is map y 16: past the bottom, all padding.
    expect(out.subarray(second + 6 * 14 * 2, second + 7 * 14 * 2).every((value) => value === 0)).toBe(true);
  });
});

describe('FeatureCache', () => {
  const view = (level: number, flipped = false): ImageView => makeView(320, 256, level, flipped);
  const computer = (calls: string[]) => async (imageIndex: number, v: ImageView) => {
    calls.push(`${imageIndex}@${v.width}${v.flipped ? 'f' : ''}`);
    return codedMap(v.width / 16, v.height / 16, 4, imageIndex);
  };

  test('computes each view once while it fits and evicts least recently used maps past the byte bound', async () => {
    const calls: string[] = [];
    const oneMap = (320 / 16) * (256 / 16) * 4 * 4;
    const cache = new FeatureCache(computer(calls), { maxBytes: 2 * oneMap });
    await cache.get(0, view(0));
    await cache.get(1, view(0));
    await cache.get(0, view(0)); // hit; 1 is now least recent
    await cache.get(2, view(0)); // evicts 1
    expect(cache.bytes).toBeLessThanOrEqual(2 * oneMap);
    await cache.get(0, view(0)); // still held
    await cache.get(1, view(0)); // recomputed
    expect(calls).toEqual(['0@320', '1@320', '2@320', '1@320']);
    expect(cache.stats.evicted).toBe(2);
  });

  test('a disk-backed cache re-reads evicted maps instead of recomputing them', async () => {
    const calls: string[] = [];
    const cache = new FeatureCache(computer(calls), { maxBytes: 1, diskDir: join(dir, 'disk'), imageKey: (index) => `image ${index}.jpg` });
    const first = await cache.get(3, view(1, true));
    await cache.get(4, view(1, true)); // evicts image 3's map (the bound holds less than one map)
    const again = await cache.get(3, view(1, true));
    expect(calls).toEqual(['3@384f', '4@384f']);
    expect(again.data).toEqual(first.data);
    expect(cache.stats.readFromDisk).toBe(1);
    const fresh = new FeatureCache(computer(calls), { maxBytes: 1e9, diskDir: join(dir, 'disk'), imageKey: (index) => `image ${index}.jpg` });
    expect((await fresh.get(3, view(1, true))).data).toEqual(first.data);
    expect(calls).toHaveLength(2);
  });

  test('rejects a computer whose map does not match the view', async () => {
    const cache = new FeatureCache(async () => codedMap(3, 3, 4, 0), { maxBytes: 1e6 });
    await expect(cache.get(0, view(0))).rejects.toThrow(/expected 20x16 cells/);
  });
});

describe('pruneFeatureFiles', () => {
  test('deletes the least recently used feature files until the folder fits the bound; reads count as use', async () => {
    const folder = join(dir, 'prune');
    await mkdir(join(folder, 'node'), { recursive: true });
    // Three 1000-byte files last used at t = 1, 3 and 4 s since the epoch, and a 1-cell map (20 bytes)
    // last used at t = 0: the oldest of all, until a cache reads it.
    for (const [name, time] of [['a', 1], ['c', 3], ['d', 4]] as const) {
      await writeFile(join(folder, 'node', `${name}.f32`), Buffer.alloc(1000));
      await utimes(join(folder, 'node', `${name}.f32`), time, time);
    }
    const mapPath = join(folder, 'node', 'img@32x32.f32');
    await writeFile(mapPath, Buffer.concat([Buffer.from(new Uint32Array([2, 2, 1]).buffer), Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)]));
    await utimes(mapPath, 0, 0);
    await writeFile(join(folder, 'node', 'notes.txt'), 'not a feature file');
    const cache = new FeatureCache(
      async () => {
        throw new Error('must be read from disk');
      },
      { maxBytes: 1e6, diskDir: join(folder, 'node'), imageKey: () => 'img' },
    );
    const view = { ...makeView(32, 32, 0, false), width: 32, height: 32 };
    expect((await cache.get(0, view)).data).toEqual(new Float32Array([1, 2, 3, 4]));
    // 3028 bytes of .f32 files, bound 1100: a and c go; the map just read and d stay.
    const result = await pruneFeatureFiles(folder, 1100);
    expect(result).toEqual({ removedFiles: 2, keptBytes: 1028 });
    expect((await readdir(join(folder, 'node'))).sort()).toEqual(['d.f32', 'img@32x32.f32', 'notes.txt']);
    expect(await pruneFeatureFiles(join(dir, 'missing'), 0)).toEqual({ removedFiles: 0, keptBytes: 0 });
  });

  test("the guided model's cached detector views (.views) count and go by the same rule", async () => {
    const folder = join(dir, 'prune-views');
    await mkdir(join(folder, 'guided-views'), { recursive: true });
    await writeFile(join(folder, 'old.f32'), Buffer.alloc(500));
    await utimes(join(folder, 'old.f32'), 2, 2);
    for (const [name, time] of [['a', 1], ['b', 3]] as const) {
      await writeFile(join(folder, 'guided-views', `${name}.views`), Buffer.alloc(1000));
      await utimes(join(folder, 'guided-views', `${name}.views`), time, time);
    }
    expect(await pruneFeatureFiles(folder, 1600)).toEqual({ removedFiles: 1, keptBytes: 1500 });
    expect(await readdir(join(folder, 'guided-views'))).toEqual(['b.views']);
  });
});
