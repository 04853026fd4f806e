// The sidecar folder inside an opened photo folder:
//   .maskpilot/project.json            format version, categories, settings
//   .maskpilot/annotations/<name>.json one file per image (ImageAnnotations + format version)
//   .maskpilot/index.json              a cache of probe results and sidecar summaries (derived data)
// Every write is atomic (writeFileAtomic). A file that cannot be parsed is renamed aside to
// "<name>.corrupt-<timestamp>" and reported, never overwritten: the user's data stays recoverable.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { Category, ImageAnnotations, ImageId } from '../../../shared/api/types';
import { isAtomicTempFile, removeStaleTempFiles, writeFileAtomic } from '../atomic-write';
import { SIDECAR_DIR_NAME } from './folder-scan';
import { IMAGE_STATUSES, validateInstances } from './instance-validation';
import { isPlainObject, oneOf } from './validate';

/** Format version of project.json and annotation files; bumped on incompatible changes. */
const SIDECAR_FORMAT_VERSION = 1;

export interface ProjectFile {
  version: number;
  categories: Category[];
  /** Next id handed to a new category; ids are never reused, so old exports stay unambiguous. */
  nextCategoryId: number;
  settings: { autosave: boolean };
}

function defaultProjectFile(): ProjectFile {
  return { version: SIDECAR_FORMAT_VERSION, categories: [], nextCategoryId: 1, settings: { autosave: true } };
}

/** Thrown for a sidecar that could not be parsed; `keptAs` is where the damaged file now lives. */
export function corruptFileError(path: string, reason: string, keptAs: string | null): ApiError {
  const where = keptAs === null ? '' : ` It was kept aside as ${keptAs}.`;
  return new ApiError('CORRUPT_FILE', `${path} is damaged (${reason}).${where}`, { path, reason, keptAs });
}

/** A sidecar file whose content is not what it should be (the message says what); its reader keeps it aside. */
export class ShapeError extends Error {}

/** A sidecar file written by a newer MaskPilot: a ShapeError to readers that rebuild, refused where its data must not be lost. */
class NewerVersionError extends ShapeError {}

function timestampForName(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Renames a damaged file aside to "<path>.corrupt-<timestamp>"; returns the new path. */
export async function keepCorruptFileAside(path: string): Promise<string> {
  const aside = `${path}.corrupt-${timestampForName()}`;
  await rename(path, aside);
  return aside;
}

export class SidecarStore {
  readonly directory: string;
  readonly annotationsDirectory: string;

  constructor(readonly root: string) {
    this.directory = join(root, SIDECAR_DIR_NAME);
    this.annotationsDirectory = join(this.directory, 'annotations');
  }

  get projectPath(): string {
    return join(this.directory, 'project.json');
  }

  get indexPath(): string {
    return join(this.directory, 'index.json');
  }

  /** Creates the folders and removes temp files of writers that were killed mid-write. */
  async prepare(): Promise<string[]> {
    await mkdir(this.annotationsDirectory, { recursive: true });
    const removed = await removeStaleTempFiles(this.directory);
    removed.push(...(await removeStaleTempFiles(this.annotationsDirectory)));
    return removed;
  }

  /** Reads project.json; a damaged one is kept aside and replaced by defaults (reported as a warning). */
  async readProject(): Promise<{ project: ProjectFile; warning: ApiError | null }> {
    const text = await readIfExists(this.projectPath);
    if (text === null) return { project: defaultProjectFile(), warning: null };
    try {
      return { project: parseProjectFile(text), warning: null };
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const keptAs = await keepCorruptFileAside(this.projectPath);
      return { project: defaultProjectFile(), warning: corruptFileError(this.projectPath, error.message, keptAs) };
    }
  }

  async writeProject(project: ProjectFile): Promise<void> {
    await writeFileAtomic(this.projectPath, `${JSON.stringify(project, null, 2)}\n`);
  }

  /** File name of an image's sidecar: a readable slug plus a hash of the full id (ids can be long or exotic). */
  annotationFileName(imageId: ImageId): string {
    const hash = createHash('sha256').update(imageId).digest('hex').slice(0, 24);
    const slug = imageId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-60).replace(/^[._]+/, '');
    return `${slug}-${hash}.json`;
  }

  annotationPath(imageId: ImageId): string {
    return join(this.annotationsDirectory, this.annotationFileName(imageId));
  }

  /**
   * The saved annotations of an image, or null when none were saved. A damaged file is renamed
   * aside and CORRUPT_FILE thrown; a file from a newer format version throws without touching it.
   */
  async readAnnotations(imageId: ImageId): Promise<ImageAnnotations | null> {
    const path = this.annotationPath(imageId);
    const text = await readIfExists(path);
    if (text === null) return null;
    try {
      return parseAnnotationFile(text, imageId);
    } catch (error) {
      if (error instanceof NewerVersionError) throw corruptFileError(path, error.message, null);
      if (!(error instanceof ShapeError)) throw error;
      const keptAs = await keepCorruptFileAside(path);
      throw corruptFileError(path, error.message, keptAs);
    }
  }

  async writeAnnotations(annotations: ImageAnnotations): Promise<void> {
    const file = { version: SIDECAR_FORMAT_VERSION, ...annotations };
    await writeFileAtomic(this.annotationPath(annotations.imageId), JSON.stringify(file));
  }

  /** Names of the annotation files present (not temp files, not kept-aside files). */
  async listAnnotationFiles(): Promise<string[]> {
    const names = await readdir(this.annotationsDirectory);
    return names.filter((name) => name.endsWith('.json') && !isAtomicTempFile(name));
  }

  /** Reads the cache; anything unreadable simply means "no cache" (it is derived data). */
  async readIndexCache(): Promise<unknown> {
    try {
      const text = await readIfExists(this.indexPath);
      return text === null ? null : (JSON.parse(text) as unknown);
    } catch {
      return null;
    }
  }

  async writeIndexCache(value: unknown): Promise<void> {
    await writeFileAtomic(this.indexPath, JSON.stringify(value));
  }
}

/** The file's text, or null when it does not exist; IO_ERROR for any other failure. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ApiError('IO_ERROR', `Cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

/**
 * The one parser of the JSON files under .maskpilot/ (project, annotations, model versions, learning
 * settings): a JSON object whose `version` is `formatVersion`. Throws ShapeError naming what is
 * wrong, NewerVersionError for a file of a later format.
 */
export function parseSidecarJson(text: string, formatVersion = SIDECAR_FORMAT_VERSION): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ShapeError(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) throw new ShapeError('not a JSON object');
  if (typeof value.version !== 'number') throw new ShapeError('no format version');
  if (value.version > formatVersion) {
    throw new NewerVersionError(`written by a newer MaskPilot (format ${value.version}; this version reads ${formatVersion})`);
  }
  if (value.version !== formatVersion) throw new ShapeError(`unknown format version ${String(value.version)}`);
  return value;
}

function checkShape<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ApiError) throw new ShapeError(error.message);
    throw error;
  }
}

export function parseProjectFile(text: string): ProjectFile {
  let value: Record<string, unknown>;
  try {
    value = parseSidecarJson(text);
  } catch (error) {
    // project.json from a newer version: refuse to open rather than lose its categories.
    if (error instanceof NewerVersionError) throw new ApiError('CORRUPT_FILE', `project.json was ${error.message}`, {});
    throw error;
  }
  const categories = value.categories;
  if (!Array.isArray(categories)) throw new ShapeError('categories is not a list');
  const seen = new Set<number>();
  const parsed = categories.map((category, index): Category => {
    if (!isPlainObject(category)) throw new ShapeError(`categories[${index}] is not an object`);
    const { id, name, color } = category;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || seen.has(id)) throw new ShapeError(`categories[${index}].id is invalid`);
    if (typeof name !== 'string' || typeof color !== 'string') throw new ShapeError(`categories[${index}] lacks a name or colour`);
    seen.add(id);
    return { id, name, color };
  });
  const maxId = parsed.reduce((max, category) => Math.max(max, category.id), 0);
  const next = typeof value.nextCategoryId === 'number' && Number.isInteger(value.nextCategoryId) ? value.nextCategoryId : maxId + 1;
  const settings = isPlainObject(value.settings) ? value.settings : {};
  return {
    version: SIDECAR_FORMAT_VERSION,
    categories: parsed,
    nextCategoryId: Math.max(next, maxId + 1),
    settings: { autosave: settings.autosave !== false },
  };
}

export function parseAnnotationFile(text: string, imageId: ImageId): ImageAnnotations {
  const value = parseSidecarJson(text);
  if (typeof value.imageId !== 'string') throw new ShapeError('imageId is missing or not a string');
  if (value.imageId !== imageId) throw new ShapeError(`belongs to image '${value.imageId}', expected '${imageId}'`);
  const { width, height, revision } = value;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) throw new ShapeError('width is invalid');
  if (typeof height !== 'number' || !Number.isInteger(height) || height < 1) throw new ShapeError('height is invalid');
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1) throw new ShapeError('revision is invalid');
  return checkShape(() => ({
    imageId,
    width,
    height,
    status: oneOf(value.status, 'status', IMAGE_STATUSES),
    instances: validateInstances(value.instances, 'instances', { width, height, categoryIds: null }),
    revision,
  }));
}
