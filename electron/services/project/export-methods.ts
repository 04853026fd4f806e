// exportDataset: the project's annotations as a dataset in any format of shared/formats, written
// into the opened folder, under exports/<format>-<local time>/: the one place every client can be
// sure the user reaches (the headless host serves only that folder, possibly on another machine).
// The dataset appears in one rename (dataset-export.ts), never over an earlier export, and carries
// the marker that keeps the folder scan from listing the images it copies as project images.
// Exports run one at a time, so two at the same second cannot pick the same folder.
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { DatasetExportResult } from '../../../shared/api/types';
import { UNASSIGNED_POLICIES, type UnassignedPolicy } from '../../../shared/coco/export';
import { EXPORT_FORMATS, exportProject, type ExportFormat } from '../../../shared/formats';
import { readProjectForExport, writeDatasetFolder } from '../dataset-export';
import type { AnnotationStore } from './annotations';
import type { Categories } from './categories';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import type { Fields } from './validate';
import { oneOf, optionalBoolean } from './validate';

/** The folder, inside the project folder, that holds every export. */
export const EXPORTS_DIR_NAME = 'exports';

interface ExportOptions {
  format: ExportFormat;
  onlyDone: boolean;
  unassigned: UnassignedPolicy;
  includeScore: boolean;
}

export class DatasetExports {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly categories: Categories,
  ) {}

  export(fields: Fields): Promise<DatasetExportResult> {
    const options = exportOptionsOf(fields); // refused at once, not after the exports queued before it
    const run = this.queue.then(() => this.write(options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(options: ExportOptions): Promise<DatasetExportResult> {
    const input = await readProjectForExport(
      {
        listImages: async ({ offset, limit }) => ({ total: this.index.total, images: await this.records.page(offset, limit) }),
        getAnnotations: ({ imageId }) => this.annotations.get(imageId),
        listCategories: async () => this.categories.list(),
      },
      { onlyDone: options.onlyDone },
    );
    const result = exportProject(options.format, { ...input, unassigned: options.unassigned, includeScore: options.includeScore });
    const folder = `${EXPORTS_DIR_NAME}/${await this.freeName(options.format)}`;
    const written = await writeDatasetFolder(result, join(this.root, ...folder.split('/')), {
      resolveImage: (fileName) => this.records.resolveFile(fileName),
      marker: { exportedBy: 'MaskPilot', format: options.format, createdAt: new Date().toISOString(), options, counts: result.counts, leftOut: result.skipped },
    }).catch((error: unknown) => {
      if (error instanceof ApiError) throw error;
      throw new ApiError('IO_ERROR', `Could not write the export to ${folder}: ${(error as Error).message}`, { folder });
    });
    return {
      format: options.format,
      folder,
      files: written.files,
      imagesCopied: written.imagesCopied,
      images: result.counts.images,
      annotations: result.counts.instances,
      categories: result.counts.classes,
      unassignedAsObject: result.counts.unassigned,
      leftOut: result.skipped,
    };
  }

  /** A name under exports/ that nothing has: the format and time, then -2, -3, ... */
  private async freeName(format: ExportFormat): Promise<string> {
    const exportsDir = join(this.root, EXPORTS_DIR_NAME);
    const existing = await lstat(exportsDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    // A link could lead out of the folder, and a file cannot hold exports: neither is written through.
    if (existing && !existing.isDirectory()) {
      throw new ApiError('IO_ERROR', `${EXPORTS_DIR_NAME} in the project folder is not a folder (a file or a link); move it away to export`, { folder: EXPORTS_DIR_NAME });
    }
    await mkdir(exportsDir, { recursive: true });
    const base = `${format}-${localTimestamp(new Date())}`;
    for (let attempt = 1; ; attempt += 1) {
      const name = attempt === 1 ? base : `${base}-${attempt}`;
      const taken = await lstat(join(exportsDir, name)).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      if (!taken) return name;
    }
  }
}

function exportOptionsOf(fields: Fields): ExportOptions {
  return {
    format: oneOf(fields.format, 'format', EXPORT_FORMATS),
    onlyDone: optionalBoolean(fields, 'onlyDone', 'onlyDone') ?? false,
    unassigned: fields.unassigned === undefined ? 'object' : oneOf(fields.unassigned, 'unassigned', UNASSIGNED_POLICIES),
    includeScore: optionalBoolean(fields, 'includeScore', 'includeScore') ?? false,
  };
}

/** "20261205-184512": local time, sortable, safe in a file name on every system. */
export function localTimestamp(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}
