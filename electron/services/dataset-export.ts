// Exporting a project as a dataset on disk, in any format of shared/formats: read the project
// through its API (so the CLI and the app export the same thing), build the files with the pure
// exporter, encode instance maps as PNG with sharp, copy the images the format wants beside its
// labels, and put the folder in place in one rename, so a failed or interrupted export leaves no
// half-written dataset behind.
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../shared/api/errors';
import type { Category, ImageAnnotations, ImageId, ImageRecord } from '../../shared/api/types';
import type { ProjectImageContent } from '../../shared/coco/import';
import type { ProjectExportInput } from '../../shared/coco/export';
import type { FormatExport, InstanceMap } from '../../shared/formats';
import { writeFileAtomic } from './atomic-write';
import { EXPORT_MARKER_NAME } from './project/folder-scan';

/** The API methods an export reads (any transport: the in-process service, or a client). */
interface ProjectReader {
  listImages(params: { offset: number; limit: number }): Promise<{ total: number; images: ImageRecord[] }>;
  getAnnotations(params: { imageId: ImageId }): Promise<ImageAnnotations>;
  listCategories(params: Record<string, never>): Promise<Category[]>;
}

interface ReadOptions {
  /** Only images whose status is 'done'. */
  onlyDone?: boolean;
  /** Also instances still proposed (default: accepted and edited only, as the app's COCO export). */
  includeProposed?: boolean;
}

const PAGE_SIZE = 1000;

/**
 * Every usable image (the project's order) with its saved instances, and the categories. Images
 * with problems (unreadable, no size) are left out, as the app's COCO export leaves them out; a
 * damaged sidecar fails the export (CORRUPT_FILE) instead of exporting its image empty.
 */
export async function readProjectForExport(project: ProjectReader, options: ReadOptions = {}): Promise<ProjectExportInput> {
  const images: ProjectImageContent[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await project.listImages({ offset, limit: PAGE_SIZE });
    for (const record of page.images) {
      if (record.problem || record.width === undefined || record.height === undefined) continue;
      const saved = await project.getAnnotations({ imageId: record.id });
      if (options.onlyDone && saved.status !== 'done') continue;
      images.push({ fileName: record.id, width: record.width, height: record.height, instances: saved.instances });
    }
    if (page.images.length === 0 || offset + page.images.length >= page.total) break;
  }
  return { images, categories: await project.listCategories({}), onlyAccepted: options.includeProposed !== true };
}

interface WriteOptions {
  /** Absolute path of a project image (for the copies the format wants). */
  resolveImage(fileName: ImageId): Promise<string>;
  /** false: write the labels only, without copying images. Default true. */
  copyImages?: boolean;
  /**
   * Written as EXPORT_MARKER_NAME (JSON) in the folder, which makes the project's folder scan skip it:
   * give it whenever the export lands inside a project folder, so its image copies are not listed.
   */
  marker?: object;
}

interface WriteResult {
  files: number;
  imagesCopied: number;
}

/**
 * Writes an export into the folder `out`, which must not exist or be empty. Everything goes into
 * a temporary sibling folder first, which is renamed to `out` once complete.
 */
export async function writeDatasetFolder(result: FormatExport, out: string, options: WriteOptions): Promise<WriteResult> {
  const target = resolve(out);
  await assertUsableTarget(target);
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}-${Date.now()}.mp-export`);
  await mkdir(staging, { recursive: true });
  try {
    for (const file of result.files) {
      const path = inside(staging, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, file.kind === 'text' ? file.text : await encodeInstanceMap(file.map));
    }
    if (options.marker !== undefined) await writeFileAtomic(join(staging, EXPORT_MARKER_NAME), `${JSON.stringify(options.marker, null, 2)}\n`);
    let imagesCopied = 0;
    if (options.copyImages !== false) {
      for (const copy of result.images) {
        const destination = inside(staging, copy.path);
        await mkdir(dirname(destination), { recursive: true });
        // A copy-on-write clone where the file system has them (APFS, Btrfs, XFS), a plain copy elsewhere.
        await copyFile(await options.resolveImage(copy.fileName), destination, constants.COPYFILE_FICLONE);
        imagesCopied += 1;
      }
    }
    await rmdir(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // only an empty folder can be there (checked above)
    });
    await rename(staging, target);
    return { files: result.files.length, imagesCopied };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** A greyscale PNG of the map's own depth (8 or 16 bits), values unchanged. */
export async function encodeInstanceMap(map: InstanceMap): Promise<Buffer> {
  const sixteen = map.data instanceof Uint16Array;
  return sharp(map.data, { raw: { width: map.width, height: map.height, channels: 1 } })
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

async function assertUsableTarget(target: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(target)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isDirectory) throw new ApiError('INVALID_ARGUMENT', `${target} exists and is not a folder`, { out: target });
  if ((await readdir(target)).length > 0) {
    throw new ApiError('INVALID_ARGUMENT', `${target} is not empty; export into a new or empty folder (old files would mix with the new dataset)`, { out: target });
  }
}

/** `root` joined with a POSIX relative path from an exporter, refused if it would leave `root`. */
function inside(root: string, path: string): string {
  const joined = resolve(root, ...path.split('/'));
  const rel = relative(root, joined);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ApiError('INTERNAL', `export path '${path}' leaves the export folder`, { path });
  }
  return joined;
}
