// The in-memory index of a project's images: the scan's natural order plus what has been learnt
// about each image lazily (file size, probe result, summary of its sidecar). It persists as
// .maskpilot/index.json so reopening a large folder reuses probe results; every cached fact is
// keyed by the file's size and mtime and thrown away when those change.
import type { ImageId, ImageProblem, ImageStatus } from '../../../shared/api/types';
import type { ScannedImage } from './folder-scan';
import { isPlainObject } from './validate';

const INDEX_CACHE_VERSION = 1;

/** Identity of a file's content as far as caching goes: bytes and modification time (ms). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export type ProbeFacts = { width: number; height: number } | { problem: ImageProblem };

/** What a sidecar holds, enough to list the image without reading the sidecar again. */
export interface SidecarSummary {
  status: ImageStatus;
  instanceCount: number;
  proposedCount: number;
  revision: number;
}

export interface IndexEntry {
  id: ImageId;
  brokenLink: boolean;
  /** Stamp of the image file when last looked at; undefined until then. */
  file?: FileStamp;
  /** Probe result, valid for `probedFile`. */
  probe?: ProbeFacts;
  probedFile?: FileStamp;
  /** Summary of the sidecar, valid while the sidecar file has stamp `sidecarFile`. */
  summary?: SidecarSummary;
  sidecarFile?: FileStamp;
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function readStamp(value: unknown): FileStamp | undefined {
  if (!isPlainObject(value) || typeof value.size !== 'number' || typeof value.mtimeMs !== 'number') return undefined;
  return { size: value.size, mtimeMs: value.mtimeMs };
}

function readProbe(value: unknown): ProbeFacts | undefined {
  if (!isPlainObject(value)) return undefined;
  if (typeof value.width === 'number' && typeof value.height === 'number') return { width: value.width, height: value.height };
  const problem = value.problem;
  if (isPlainObject(problem) && typeof problem.code === 'string' && typeof problem.message === 'string') {
    return { problem: { code: problem.code as ImageProblem['code'], message: problem.message } };
  }
  return undefined;
}

function readSummary(value: unknown): SidecarSummary | undefined {
  if (!isPlainObject(value)) return undefined;
  const { status, instanceCount, proposedCount, revision } = value;
  if (status !== 'unvisited' && status !== 'inProgress' && status !== 'done') return undefined;
  if (typeof instanceCount !== 'number' || typeof proposedCount !== 'number' || typeof revision !== 'number') return undefined;
  return { status, instanceCount, proposedCount, revision };
}

export class ImageIndex {
  private readonly order: IndexEntry[];
  private readonly byId = new Map<ImageId, IndexEntry>();
  private dirty = false;

  constructor(scanned: ScannedImage[], cache: unknown) {
    this.order = scanned.map((image) => ({ id: image.id, brokenLink: image.brokenLink }));
    for (const entry of this.order) this.byId.set(entry.id, entry);
    this.adoptCache(cache);
  }

  get total(): number {
    return this.order.length;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  markDirty(): void {
    this.dirty = true;
  }

  get(id: ImageId): IndexEntry | undefined {
    return this.byId.get(id);
  }

  page(offset: number, limit: number): IndexEntry[] {
    return this.order.slice(offset, offset + limit);
  }

  all(): readonly IndexEntry[] {
    return this.order;
  }

  /** Cached facts for images still in the folder; stale ones are revalidated by stamp on use. */
  private adoptCache(cache: unknown): void {
    if (!isPlainObject(cache) || cache.version !== INDEX_CACHE_VERSION || !isPlainObject(cache.images)) return;
    for (const [id, value] of Object.entries(cache.images)) {
      const entry = this.byId.get(id);
      if (!entry || !isPlainObject(value)) continue;
      const probedFile = readStamp(value.probedFile);
      const probe = readProbe(value.probe);
      if (probedFile && probe) Object.assign(entry, { probedFile, probe });
      const sidecarFile = readStamp(value.sidecarFile);
      const summary = readSummary(value.summary);
      if (sidecarFile && summary) Object.assign(entry, { sidecarFile, summary });
    }
  }

  /** The cache file's content; only entries that know something are written. */
  toCache(): unknown {
    const images: Record<string, unknown> = {};
    for (const entry of this.order) {
      if (!entry.probe && !entry.summary) continue;
      images[entry.id] = {
        probedFile: entry.probedFile,
        probe: entry.probe,
        sidecarFile: entry.sidecarFile,
        summary: entry.summary,
      };
    }
    this.dirty = false;
    return { version: INDEX_CACHE_VERSION, images };
  }
}
