// Cached trunk features. The trunk is frozen, so its stride-16 feature map of a view (an image at one
// pyramid scale, possibly mirrored) never changes: the trainer computes it once and cuts every
// training window from the cached map. Maps live in plain Float32Arrays outside the tfjs/wasm heap,
// in an LRU bounded by bytes, optionally backed by files so an evicted map is re-read, not recomputed.
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageView } from '../sampler/geometry';
import type { FeatureMap, PlainFeatureMap } from '../window-cut';

export type { FeatureMap, PlainFeatureMap } from '../window-cut';



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

/** Cached feature files: DeepMask's trunk maps (`.f32`) and the guided model's detector views (`.views`). */
const CACHED_FEATURE_EXTENSIONS = ['.f32', '.views'];

/**
 * Bounds a folder of cached feature files: deletes the least recently used `.f32` and `.views` files
 * (by modification time, which their readers refresh on every read) until the rest, in this folder
 * and its sub-folders, take at most `maxBytes`. A missing folder is nothing to prune.
 */
export async function pruneFeatureFiles(dir: string, maxBytes: number): Promise<{ removedFiles: number; keptBytes: number }> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map(String).filter((name) => CACHED_FEATURE_EXTENSIONS.some((extension) => name.endsWith(extension)));
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
