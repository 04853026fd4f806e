// Cached trunk features. The trunk is frozen, so its stride-16 feature map of a view (an image at one
// pyramid scale, possibly mirrored) never changes: the trainer computes it once and cuts every
// training window from the cached map. Maps live in plain Float32Arrays outside the tfjs/wasm heap,
// in an LRU bounded by bytes, optionally backed by files so an evicted map is re-read, not recomputed.
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageView, WindowPosition } from '../sampler/geometry';

/** A feature map of one view: `height` x `width` cells x `channels`, row-major [y][x][c], float32. */
export interface FeatureMap {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
  /** The same view's stride-8 and stride-4 maps, for heads with a mask refiner (FeatureCacheOptions.fine). */
  fine?: { stride8: PlainFeatureMap; stride4: PlainFeatureMap };
}

export type PlainFeatureMap = Omit<FeatureMap, 'fine'>;

/** Computes the feature map of one view of one image (decode, rescale, mirror, run the trunk). */
export type FeatureComputer = (imageIndex: number, view: ImageView) => Promise<FeatureMap>;

export interface FeatureCacheOptions {
  /** Upper bound on the bytes of feature maps held in memory. */
  maxBytes: number;
  /** Optional folder for a persistent copy of every map (created if needed). */
  diskDir?: string;
  /** Names an image in disk file names (e.g. its file name); must be unique and stable. Default: the index. */
  imageKey?: (imageIndex: number) => string;
  /** Maps carry their stride-8 and stride-4 companions (the computer must produce them). Default false. */
  fine?: boolean;
}

export class FeatureCache {
  private readonly maps = new Map<string, FeatureMap>();
  private heldBytes = 0;
  /** Counters for progress reports and tests. */
  readonly stats = { computed: 0, readFromDisk: 0, hits: 0, evicted: 0 };

  constructor(
    private readonly compute: FeatureComputer,
    private readonly options: FeatureCacheOptions,
  ) {
    if (!(options.maxBytes > 0)) throw new Error(`FeatureCache: maxBytes must be positive, got ${options.maxBytes}`);
  }

  get bytes(): number {
    return this.heldBytes;
  }

  async get(imageIndex: number, view: ImageView): Promise<FeatureMap> {
    const key = this.key(imageIndex, view);
    const held = this.maps.get(key);
    if (held) {
      // Re-insert: Map iteration order is the LRU order (oldest first).
      this.maps.delete(key);
      this.maps.set(key, held);
      this.stats.hits++;
      return held;
    }
    const map = (await this.readFromDisk(key)) ?? (await this.computeAndStore(imageIndex, view, key));
    this.hold(key, map);
    return map;
  }

  private async computeAndStore(imageIndex: number, view: ImageView, key: string): Promise<FeatureMap> {
    const map = await this.compute(imageIndex, view);
    const check = (part: PlainFeatureMap, stride: number): void => {
      const expectedWidth = view.width / stride;
      const expectedHeight = view.height / stride;
      if (part.width !== expectedWidth || part.height !== expectedHeight || part.data.length !== part.width * part.height * part.channels) {
        throw new Error(`FeatureCache: stride-${stride} features of image ${imageIndex} at ${view.width}x${view.height} px are ${part.width}x${part.height}x${part.channels}, expected ${expectedWidth}x${expectedHeight} cells`);
      }
    };
    check(map, 16);
    if (this.options.fine) {
      if (!map.fine) throw new Error(`FeatureCache: the features of image ${imageIndex} lack the stride-8 and stride-4 maps the mask refiner needs`);
      check(map.fine.stride8, 8);
      check(map.fine.stride4, 4);
    }
    this.stats.computed++;
    if (this.options.diskDir) await this.writeToDisk(key, map);
    return map;
  }

  private hold(key: string, map: FeatureMap): void {
    this.maps.set(key, map);
    this.heldBytes += byteLength(map);
    for (const [oldKey, oldMap] of this.maps) {
      if (this.heldBytes <= this.options.maxBytes || oldKey === key) break;
      this.maps.delete(oldKey);
      this.heldBytes -= byteLength(oldMap);
      this.stats.evicted++;
    }
  }

  private key(imageIndex: number, view: ImageView): string {
    const image = this.options.imageKey ? this.options.imageKey(imageIndex) : String(imageIndex);
    return `${image.replace(/[^A-Za-z0-9._-]/g, '_')}@${view.width}x${view.height}${view.flipped ? '-flip' : ''}${this.options.fine ? '-fine' : ''}`;
  }

  private async readFromDisk(key: string): Promise<FeatureMap | null> {
    if (!this.options.diskDir) return null;
    let bytes: Buffer;
    const path = join(this.options.diskDir, `${key}.f32`);
    try {
      bytes = await readFile(path);
    } catch {
      return null;
    }
    // A read marks the file as recently used, for pruneFeatureFiles.
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    // One record per map (stride 16, then stride 8 and 4 for fine caches): three uint32 (width,
    // height, channels), then float32 data.
    const parts: PlainFeatureMap[] = [];
    let offset = 0;
    while (offset + 12 <= bytes.byteLength) {
      const [width, height, channels] = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 12));
      const end = offset + 12 + width * height * channels * 4;
      if (end > bytes.byteLength) return null;
      parts.push({ width, height, channels, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset + 12, bytes.byteOffset + end)) });
      offset = end;
    }
    if (offset !== bytes.byteLength || parts.length !== (this.options.fine ? 3 : 1)) return null;
    this.stats.readFromDisk++;
    return this.options.fine ? { ...parts[0], fine: { stride8: parts[1], stride4: parts[2] } } : parts[0];
  }

  private async writeToDisk(key: string, map: FeatureMap): Promise<void> {
    const dir = this.options.diskDir as string;
    await mkdir(dir, { recursive: true });
    const parts: PlainFeatureMap[] = this.options.fine && map.fine ? [map, map.fine.stride8, map.fine.stride4] : [map];
    const records = parts.flatMap((part) => [
      Buffer.from(new Uint32Array([part.width, part.height, part.channels]).buffer),
      Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength),
    ]);
    const temporary = join(dir, `${key}.f32.${process.pid}.tmp`);
    await writeFile(temporary, Buffer.concat(records));
    await rename(temporary, join(dir, `${key}.f32`));
  }
}

/**
 * Bounds a folder of cached feature files: deletes the least recently used `.f32` files (by
 * modification time, which FeatureCache refreshes on every read) until the rest, in this folder and
 * its sub-folders, take at most `maxBytes`. A missing folder is nothing to prune.
 */
export async function pruneFeatureFiles(dir: string, maxBytes: number): Promise<{ removedFiles: number; keptBytes: number }> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map(String).filter((name) => name.endsWith('.f32'));
  } catch {
    return { removedFiles: 0, keptBytes: 0 };
  }
  const files = (
    await Promise.all(
      names.map(async (name) => {
        const info = await stat(join(dir, name)).catch(() => null);
        return info ? { path: join(dir, name), bytes: info.size, used: info.mtimeMs } : null;
      }),
    )
  ).filter((file): file is { path: string; bytes: number; used: number } => file !== null);
  files.sort((a, b) => a.used - b.used);
  let total = files.reduce((sum, file) => sum + file.bytes, 0);
  let removedFiles = 0;
  for (const file of files) {
    if (total <= maxBytes) break;
    await unlink(file.path).catch(() => undefined);
    total -= file.bytes;
    removedFiles++;
  }
  return { removedFiles, keptBytes: total };
}

function byteLength(map: FeatureMap): number {
  return map.data.byteLength + (map.fine ? map.fine.stride8.data.byteLength + map.fine.stride4.data.byteLength : 0);
}

/**
 * Copies the `cells` x `cells` windows at `positions` (top-left cells) out of `maps` into one
 * [B, cells * factor, cells * factor, channels] buffer; cells outside a map (windows past the image
 * border) are zero. Positions and `cells` count stride-16 cells; with `factor` 2 or 4 the maps are the
 * same views' stride-8 or stride-4 maps, and the same windows are cut at that finer resolution.
 */
export function cutWindows(maps: readonly PlainFeatureMap[], stride16Positions: readonly WindowPosition[], stride16Cells: number, factor = 1): Float32Array {
  if (maps.length !== stride16Positions.length) throw new Error(`cutWindows: ${maps.length} maps for ${stride16Positions.length} positions`);
  if (maps.length === 0) return new Float32Array(0);
  const cells = stride16Cells * factor;
  const positions = factor === 1 ? stride16Positions : stride16Positions.map(({ cellX, cellY }) => ({ cellX: cellX * factor, cellY: cellY * factor }));
  const channels = maps[0].channels;
  const windowSize = cells * cells * channels;
  const out = new Float32Array(maps.length * windowSize);
  maps.forEach((map, index) => {
    if (map.channels !== channels) throw new Error(`cutWindows: maps have ${channels} and ${map.channels} channels`);
    const { cellX, cellY } = positions[index];
    for (let row = 0; row < cells; row++) {
      const y = cellY + row;
      if (y < 0 || y >= map.height) continue;
      const x0 = Math.max(cellX, 0);
      const x1 = Math.min(cellX + cells, map.width);
      if (x1 <= x0) continue;
      const source = (y * map.width + x0) * channels;
      const target = index * windowSize + (row * cells + (x0 - cellX)) * channels;
      out.set(map.data.subarray(source, source + (x1 - x0) * channels), target);
    }
  });
  return out;
}
