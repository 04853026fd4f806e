// Builds ImageRecords from the index, learning lazily what is not known yet: the file's size
// (stat), its oriented size or problem (probe, cached by file stamp) and the counts of its sidecar
// (cached by sidecar stamp). Also the one place that turns an ImageId into a file path, checked
// to stay inside the opened folder.
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { ImageAnnotations, ImageId, ImageRecord } from '../../../shared/api/types';
import type { ApiEventHub } from './events';
import { isInside } from './folder-scan';
import type { FileStamp, ImageIndex, IndexEntry, SidecarSummary } from './image-index';
import { sameStamp } from './image-index';
import { probeImage, problemFromError } from './image-probe';
import type { SidecarStore } from './sidecar-store';

/** Parallel probes while listing a page: sharp runs them on libuv's pool (4 threads by default). */
const PROBE_CONCURRENCY = 4;

export function summarize(annotations: ImageAnnotations): SidecarSummary {
  let instanceCount = 0;
  let proposedCount = 0;
  for (const instance of annotations.instances) {
    if (instance.status !== 'rejected') instanceCount += 1;
    if (instance.status === 'proposed') proposedCount += 1;
  }
  return { status: annotations.status, instanceCount, proposedCount, revision: annotations.revision };
}

async function stampOf(path: string): Promise<FileStamp> {
  const stats = await stat(path);
  return { size: stats.size, mtimeMs: stats.mtimeMs };
}

/** An ImageId is a relative POSIX path with no '.', '..' or empty segments, no backslash, no NUL. */
function isSafeImageId(id: string): boolean {
  if (id.length === 0 || id.startsWith('/') || id.includes('\\') || id.includes('\0') || /^[A-Za-z]:/.test(id)) return false;
  return id.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export class ImageRecords {
  private readonly inFlight = new Map<ImageId, Promise<ImageRecord>>();

  constructor(
    private readonly root: string,
    private readonly store: SidecarStore,
    private readonly index: ImageIndex,
    private readonly events: ApiEventHub,
    /** Annotation file names present on disk; kept current by the annotation store. */
    private readonly sidecarNames: Set<string>,
    /** Called when a sidecar turns out to be damaged (it has already been kept aside). */
    private readonly onCorruptSidecar: (imageId: ImageId, error: ApiError) => void,
  ) {}

  entry(id: ImageId): IndexEntry {
    const entry = this.index.get(id);
    if (!entry) throw new ApiError('NOT_FOUND', `No image '${id}' in this project.`, { imageId: id });
    return entry;
  }

  /** Absolute path of an image after resolving links; refuses anything outside the folder. */
  async resolveFile(id: ImageId): Promise<string> {
    if (typeof id !== 'string' || !isSafeImageId(id)) throw new ApiError('FORBIDDEN', 'Not a path inside the opened folder.', { imageId: id });
    this.entry(id);
    let resolved: string;
    try {
      resolved = await realpath(join(this.root, ...id.split('/')));
    } catch {
      throw new ApiError('NOT_FOUND', `The file of image '${id}' does not exist (a broken link or a deleted file).`, { imageId: id });
    }
    if (!isInside(this.root, resolved)) throw new ApiError('FORBIDDEN', `Image '${id}' leads outside the opened folder.`, { imageId: id });
    return resolved;
  }

  /** Records of a page, in index order; unknown facts are looked up (a few probes at a time). */
  async page(offset: number, limit: number): Promise<ImageRecord[]> {
    const entries = this.index.page(offset, limit);
    const records: ImageRecord[] = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const position = next;
        next += 1;
        records[position] = await this.record(entries[position].id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, entries.length) }, worker));
    return records;
  }

  /** One image's record, refreshed; emits onDidChangeImage when something new was learnt. */
  async get(id: ImageId): Promise<ImageRecord> {
    this.entry(id);
    return this.record(id, true);
  }

  /** The oriented size of a usable image; throws INVALID_ARGUMENT naming the problem otherwise. */
  async sizeOf(id: ImageId): Promise<{ width: number; height: number }> {
    const record = await this.get(id);
    if (record.problem || record.width === undefined || record.height === undefined) {
      const problem = record.problem ?? { code: 'DECODE_FAILED', message: 'size unknown' };
      throw new ApiError('INVALID_ARGUMENT', `Image '${id}' cannot be used: ${problem.message}`, { imageId: id, problem: problem.code });
    }
    return { width: record.width, height: record.height };
  }

  /**
   * Called after a sidecar write so listings show the new counts without reading the file back;
   * emits onDidChangeImage so image lists update their status and counts.
   */
  async noteSaved(annotations: ImageAnnotations): Promise<void> {
    const name = this.store.annotationFileName(annotations.imageId);
    this.sidecarNames.add(name);
    const entry = this.index.get(annotations.imageId);
    if (!entry) return;
    entry.summary = summarize(annotations);
    entry.sidecarFile = await stampOf(join(this.store.annotationsDirectory, name)).catch(() => undefined);
    this.index.markDirty();
    this.events.emit('onDidChangeImage', { image: await this.record(annotations.imageId) });
  }

  private record(id: ImageId, emitOnChange = false): Promise<ImageRecord> {
    // Concurrent requests for one image share the lookup (a page and getImage at the same time).
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const lookup = this.refresh(this.entry(id), emitOnChange).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, lookup);
    return lookup;
  }

  private async refresh(entry: IndexEntry, emitOnChange: boolean): Promise<ImageRecord> {
    const before = JSON.stringify([entry.file, entry.probe, entry.summary]);
    const path = join(this.root, ...entry.id.split('/'));
    let fileError: unknown = null;
    try {
      entry.file = await stampOf(path);
    } catch (error) {
      fileError = error;
      entry.file = undefined;
    }
    if (fileError === null && !sameStamp(entry.probedFile, entry.file)) {
      entry.probe = await probeImage(path);
      entry.probedFile = entry.file;
      this.index.markDirty();
    }
    await this.refreshSummary(entry);
    const record = this.toRecord(entry, fileError);
    if (emitOnChange && before !== JSON.stringify([entry.file, entry.probe, entry.summary])) {
      this.events.emit('onDidChangeImage', { image: record });
    }
    return record;
  }

  private async refreshSummary(entry: IndexEntry): Promise<void> {
    const name = this.store.annotationFileName(entry.id);
    if (!this.sidecarNames.has(name)) {
      entry.summary = undefined;
      entry.sidecarFile = undefined;
      return;
    }
    let stamp: FileStamp;
    try {
      stamp = await stampOf(join(this.store.annotationsDirectory, name));
    } catch {
      this.sidecarNames.delete(name);
      entry.summary = undefined;
      return;
    }
    if (sameStamp(entry.sidecarFile, stamp)) return;
    try {
      const annotations = await this.store.readAnnotations(entry.id);
      entry.summary = annotations ? summarize(annotations) : undefined;
      entry.sidecarFile = stamp;
    } catch (error) {
      entry.summary = undefined;
      entry.sidecarFile = undefined;
      if (error instanceof ApiError && error.code === 'CORRUPT_FILE') {
        if (error.details?.keptAs) this.sidecarNames.delete(name);
        this.onCorruptSidecar(entry.id, error);
      } else throw error;
    }
    this.index.markDirty();
  }

  private toRecord(entry: IndexEntry, fileError: unknown): ImageRecord {
    const summary = entry.summary;
    const record: ImageRecord = {
      id: entry.id,
      fileSize: entry.file?.size ?? 0,
      status: summary?.status ?? 'unvisited',
      instanceCount: summary?.instanceCount ?? 0,
      proposedCount: summary?.proposedCount ?? 0,
    };
    if (fileError !== null) {
      record.problem = entry.brokenLink
        ? { code: 'BROKEN_LINK', message: 'The link points to a file that does not exist.' }
        : problemFromError(fileError);
    } else if (entry.probe && 'problem' in entry.probe) {
      record.problem = entry.probe.problem;
    } else if (entry.probe) {
      record.width = entry.probe.width;
      record.height = entry.probe.height;
    }
    return record;
  }
}
