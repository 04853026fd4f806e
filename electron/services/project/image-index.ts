// The in-memory index of a project's images: the scan's natural order plus what has been learnt
// about each image lazily (file size, probe result, summary of its sidecar). It persists as
// .maskpilot/index.json so reopening a large folder reuses probe results; every cached fact is
// keyed by the file's size and mtime and thrown away when those change.
import type { ImageId, ImageProblem, ImageStatus } from '../../../shared/api/types';
import type { ScannedImage } from './folder-scan';
import { isPlainObject } from './validate';

const INDEX_CACHE_VERSION = 2;

/** Identity of a file's content as far as caching goes: bytes and modification time (ms). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

type ProbeFacts = { width: number; height: number } | { problem: ImageProblem };

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

// Cache entries are compact tuples (10,000 images -> ~0.6 MB): [fileSize, fileMtimeMs, probe, sidecar?]
// with probe = [width, height] or [problemCode, message], sidecar = [size, mtimeMs, status,
// instanceCount, proposedCount, revision]. Anything malformed is ignored (it is only a cache).
type CachedProbe = [number, number] | [string, string];
type CachedSidecar = [number, number, ImageStatus, number, number, number];
type CachedEntry = [number, number, CachedProbe | null, CachedSidecar | null];

const PROBLEM_CODES: ReadonlySet<string> = new Set(['EMPTY_FILE', 'NOT_AN_IMAGE', 'TRUNCATED', 'TOO_LARGE', 'UNREADABLE', 'BROKEN_LINK', 'DECODE_FAILED']);

function readProbe(value: unknown): ProbeFacts | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [first, second] = value as unknown[];
  if (typeof first === 'number' && typeof second === 'number') return { width: first, height: second };
  if (typeof first === 'string' && PROBLEM_CODES.has(first) && typeof second === 'string') {
    return { problem: { code: first as ImageProblem['code'], message: second } };
  }
  return undefined;
}

function readSidecar(value: unknown): { stamp: FileStamp; summary: SidecarSummary } | undefined {
  if (!Array.isArray(value) || value.length !== 6) return undefined;
  const [size, mtimeMs, status, instanceCount, proposedCount, revision] = value as unknown[];
  if (status !== 'unvisited' && status !== 'inProgress' && status !== 'done') return undefined;
  if (![size, mtimeMs, instanceCount, proposedCount, revision].every((item) => typeof item === 'number')) return undefined;
  return {
    stamp: { size: size as number, mtimeMs: mtimeMs as number },
    summary: { status, instanceCount: instanceCount as number, proposedCount: proposedCount as number, revision: revision as number },
  };
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
      if (!entry || !Array.isArray(value) || value.length !== 4) continue;
      const [size, mtimeMs, probeValue, sidecarValue] = value as unknown[];
      const probe = readProbe(probeValue);
      if (typeof size === 'number' && typeof mtimeMs === 'number' && probe) {
        entry.probedFile = { size, mtimeMs };
        entry.probe = probe;
      }
      const sidecar = readSidecar(sidecarValue);
      if (sidecar) {
        entry.sidecarFile = sidecar.stamp;
        entry.summary = sidecar.summary;
      }
    }
  }

  /** The cache file's content; only entries that know something are written. */
  toCache(): unknown {
    const images: Record<string, CachedEntry> = {};
    for (const entry of this.order) {
      const probe: CachedProbe | null = !entry.probe || !entry.probedFile
        ? null
        : 'problem' in entry.probe
          ? [entry.probe.problem.code, entry.probe.problem.message]
          : [entry.probe.width, entry.probe.height];
      const sidecar: CachedSidecar | null =
        entry.summary && entry.sidecarFile
          ? [entry.sidecarFile.size, entry.sidecarFile.mtimeMs, entry.summary.status, entry.summary.instanceCount, entry.summary.proposedCount, entry.summary.revision]
          : null;
      if (!probe && !sidecar) continue;
      images[entry.id] = [entry.probedFile?.size ?? -1, entry.probedFile?.mtimeMs ?? -1, probe, sidecar];
    }
    this.dirty = false;
    return { version: INDEX_CACHE_VERSION, images };
  }
}
