// COCO export and import over the whole project, using shared/coco's converters. Import checks
// everything (JSON syntax, the COCO schema, file names, image sizes, every instance) before it
// writes anything; then it creates missing categories (matched by name) and merges the imported
// instances into each image's sidecar, keeping what the user already annotated.
import { ApiError } from '../../../shared/api/errors';
import type { ImageId, ImageStatus, Instance } from '../../../shared/api/types';
import { cocoToProject, parseCocoDataset, projectToCoco, UNASSIGNED_POLICIES } from '../../../shared/coco';
import type { ProjectImageContent } from '../../../shared/coco';
import type { AnnotationStore } from './annotations';
import type { Categories } from './categories';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import { validateInstances } from './instance-validation';
import type { Fields } from './validate';
import { invalid, oneOf, optionalBoolean } from './validate';

/** COCO text larger than this is refused before parsing (bytes of UTF-16 text, ~200 MB). */
const MAX_COCO_TEXT = 200_000_000;

export class CocoMethods {
  constructor(
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly categories: Categories,
  ) {}

  /** Every usable image (natural order) with its saved instances; images with problems are left out. */
  async export(fields: Fields): Promise<{ json: string; imageCount: number; annotationCount: number }> {
    const onlyAccepted = optionalBoolean(fields, 'onlyAccepted', 'onlyAccepted') ?? true;
    const includeScore = optionalBoolean(fields, 'includeScore', 'includeScore') ?? false;
    const onlyDone = optionalBoolean(fields, 'onlyDone', 'onlyDone') ?? false;
    const unassigned = fields.unassigned === undefined ? 'object' : oneOf(fields.unassigned, 'unassigned', UNASSIGNED_POLICIES);
    const images: ProjectImageContent[] = [];
    for (const entry of this.index.all()) {
      const record = await this.records.get(entry.id);
      if (record.problem || record.width === undefined || record.height === undefined) continue;
      // A damaged sidecar fails the export (CORRUPT_FILE) rather than exporting the image silently empty.
      const saved = await this.annotations.get(entry.id);
      if (onlyDone && saved.status !== 'done') continue;
      images.push({ fileName: entry.id, width: record.width, height: record.height, instances: saved.instances });
    }
    const dataset = projectToCoco({ images, categories: this.categories.list(), onlyAccepted, includeScore, unassigned });
    return { json: JSON.stringify(dataset), imageCount: dataset.images.length, annotationCount: dataset.annotations.length };
  }

  async import(fields: Fields): Promise<{ imageCount: number; annotationCount: number; skippedImages: string[] }> {
    const text = fields.json;
    if (typeof text !== 'string') throw invalid('json', 'must be the COCO file as a string');
    if (text.length > MAX_COCO_TEXT) throw invalid('json', `is larger than ${MAX_COCO_TEXT} characters`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ApiError('INVALID_COCO', `The COCO file is not valid JSON: ${(error as Error).message}`, { path: 'dataset' });
    }
    const dataset = parseCocoDataset(value);
    const content = cocoToProject(dataset);
    // The file's own colours; a category without one is coloured by its position in the project.
    const fileColors = new Map(dataset.categories.map((category) => [category.id, category.color]));

    // Match every COCO image to an image of the folder and check sizes before writing anything.
    const matcher = new FileNameMatcher(this.index.all().map((entry) => entry.id));
    const skippedImages: string[] = [];
    const matched: { imageId: ImageId; image: ProjectImageContent }[] = [];
    const claimed = new Map<ImageId, string>();
    for (const image of content.images) {
      const imageId = matcher.match(image.fileName);
      if (imageId === null) {
        skippedImages.push(image.fileName);
        continue;
      }
      const other = claimed.get(imageId);
      if (other !== undefined) {
        throw new ApiError('INVALID_COCO', `COCO images '${other}' and '${image.fileName}' both match the project image '${imageId}'.`, { fileName: image.fileName });
      }
      claimed.set(imageId, image.fileName);
      const record = await this.records.get(imageId);
      if (record.problem) {
        skippedImages.push(image.fileName);
        continue;
      }
      if (record.width !== image.width || record.height !== image.height) {
        throw new ApiError(
          'INVALID_COCO',
          `COCO image '${image.fileName}' is ${image.width}x${image.height} but '${imageId}' is ${record.width}x${record.height} (after EXIF orientation).`,
          { fileName: image.fileName, imageId },
        );
      }
      try {
        validateInstances(image.instances, `images['${image.fileName}'].instances`, { width: image.width, height: image.height, categoryIds: null });
      } catch (error) {
        throw new ApiError('INVALID_COCO', (error as Error).message, { fileName: image.fileName });
      }
      matched.push({ imageId, image });
    }

    // All valid: create the categories the file needs (matched by name), then merge image by image.
    const used = new Set(matched.flatMap(({ image }) => image.instances.map((instance) => instance.categoryId)));
    const needed = content.categories.filter((category) => used.has(category.id));
    const idsByName = await this.categories.ensureNamed(needed.map(({ id, name }) => ({ name, color: fileColors.get(id) })));
    const projectIdOf = new Map(needed.map((category) => [category.id, idsByName.get(category.name.toLowerCase()) as number]));
    let annotationCount = 0;
    for (const { imageId, image } of matched) {
      const imported = image.instances.map((instance): Instance => ({
        ...instance,
        categoryId: instance.categoryId === null ? null : (projectIdOf.get(instance.categoryId) ?? null),
      }));
      annotationCount += imported.length;
      await this.annotations.modify(imageId, (current) => mergeImported(current?.instances ?? [], current?.status ?? 'unvisited', imported));
    }
    return { imageCount: matched.length, annotationCount, skippedImages };
  }
}

/** Imported instances replace saved ones with the same id (re-importing a file is idempotent); the rest are kept. */
function mergeImported(existing: Instance[], status: ImageStatus, imported: Instance[]): { instances: Instance[]; status: ImageStatus } {
  const importedIds = new Set(imported.map((instance) => instance.id));
  return {
    instances: [...existing.filter((instance) => !importedIds.has(instance.id)), ...imported],
    status: status === 'unvisited' && imported.length > 0 ? 'done' : status,
  };
}

/**
 * Maps COCO file_name values to ImageIds: the exact relative path (after turning backslashes into
 * slashes and dropping a leading "./"), else a path suffix or bare file name that names exactly one
 * image (COCO files often hold only "000123.jpg" or paths from another machine).
 */
export class FileNameMatcher {
  private readonly ids: Set<ImageId>;
  private readonly byBaseName = new Map<string, ImageId[]>();

  constructor(ids: ImageId[]) {
    this.ids = new Set(ids);
    for (const id of ids) {
      const base = id.slice(id.lastIndexOf('/') + 1);
      const list = this.byBaseName.get(base);
      if (list) list.push(id);
      else this.byBaseName.set(base, [id]);
    }
  }

  match(fileName: string): ImageId | null {
    const normalized = fileName.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    if (this.ids.has(normalized)) return normalized;
    const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
    const candidates = this.byBaseName.get(parts.at(-1) ?? '') ?? [];
    // The longest path suffix shared with exactly one image wins.
    for (let length = parts.length; length >= 1; length -= 1) {
      const suffix = parts.slice(-length).join('/');
      const hits = candidates.filter((id) => id === suffix || id.endsWith(`/${suffix}`));
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) return null;
    }
    return null;
  }
}
