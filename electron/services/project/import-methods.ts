// Annotation import over the whole project: COCO (importCoco, and importAnnotations' 'coco'),
// Ultralytics YOLO segmentation and LabelMe JSON, converted by shared/coco and shared/formats.
// Everything is checked before anything is written: syntax, every record and line, which project
// image each file means and (COCO, LabelMe) that its size matches, every instance as a save would
// check it. Only then are the categories created (merged by name, ignoring case) and each image's
// instances merged into its sidecar, keeping what the user already annotated. A failure leaves the
// project as it was; the writes themselves are per image and atomic, like every save.
import { ApiError } from '../../../shared/api/errors';
import type { ApiErrorCode } from '../../../shared/api/errors';
import type { AnnotationImportResult, ImageId, ImageStatus, Instance } from '../../../shared/api/types';
import { cocoToProject, parseCocoDataset } from '../../../shared/coco';
import type { ProjectImageContent } from '../../../shared/coco';
import { findJsonSyntaxError } from '../../../shared/coco/json-syntax';
import { IMPORT_FORMATS, labelmeToProject, parseImportJson, parseYoloNames, selectImportFiles, yoloImageStem, yoloToProject } from '../../../shared/formats';
import type { ImportFile } from '../../../shared/formats';
import { withoutExtension } from '../../../shared/formats/paths';
import type { AnnotationStore } from './annotations';
import type { Categories } from './categories';
import { FileNameMatcher } from './file-name-matcher';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import { validateInstances } from './instance-validation';
import type { Fields } from './validate';
import { invalid, objectOf, oneOf, requiredString } from './validate';

/** Text larger than this is refused before parsing (UTF-16 code units, ~200 MB): a COCO file, or all files of one import together. */
const MAX_IMPORT_TEXT = 200_000_000;
/** At most this many files in one import (a YOLO dataset has one label file per image). */
const MAX_IMPORT_FILES = 200_000;

/** What an import will save, found and checked before anything is written. */
interface ImportPlan {
  /** The file's categories, with the ids its instances use; `color` only where the file gives one (else the project's palette decides). */
  categories: { id: number; name: string; color?: string }[];
  /** Project images and the content imported into each. */
  matched: { imageId: ImageId; image: ProjectImageContent }[];
  skippedImages: string[];
  warnings: string[];
}

/** One image as a file declares it (COCO, LabelMe), before it is matched to the folder. */
interface DeclaredImage {
  image: ProjectImageContent;
  /** How messages name it: "COCO image 'a.jpg'", "labels/a.json (image 'a.jpg')". */
  label: string;
  /** Tried by name without extension when the image's own path matches nothing (LabelMe: the .json's path). */
  stemHint?: string;
}

export class AnnotationImports {
  constructor(
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly categories: Categories,
  ) {}

  async importCoco(fields: Fields): Promise<{ imageCount: number; annotationCount: number; skippedImages: string[] }> {
    const text = fields.json;
    if (typeof text !== 'string') throw invalid('json', 'must be the COCO file as a string');
    if (text.length > MAX_IMPORT_TEXT) throw invalid('json', `is larger than ${MAX_IMPORT_TEXT} characters`);
    const { imageCount, annotationCount, skippedImages } = await this.apply(await this.planCoco(text, null));
    return { imageCount, annotationCount, skippedImages };
  }

  async importAnnotations(fields: Fields): Promise<AnnotationImportResult> {
    const format = oneOf(fields.format, 'format', IMPORT_FORMATS);
    const selection = selectImportFiles(format, importFilesOf(fields.files));
    const files = selection.files;
    const plan =
      format === 'coco' ? await this.planCoco(files[0].text, files[0].name) : format === 'labelme' ? await this.planLabelme(files) : await this.planYolo(files);
    const warnings = [...plan.warnings];
    if (selection.ignored.length > 0) {
      const what = format === 'yolo-seg' ? 'neither data.yaml nor a label file under labels/' : format === 'coco' ? 'not the COCO .json file' : 'not a .json file';
      warnings.push(`${listNames(selection.ignored)} not read (${what})`);
    }
    return { format, ...(await this.apply(plan)), warnings };
  }

  /** `source` names the file in messages (importAnnotations); importCoco's messages stay as they were. */
  private async planCoco(text: string, source: string | null): Promise<ImportPlan> {
    const prefix = source === null ? '' : `${source}: `;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const at = findJsonSyntaxError(text);
      const where = at ? `line ${at.line} column ${at.column}: ${at.reason}` : (error as Error).message;
      throw new ApiError('INVALID_COCO', `${prefix}The COCO file is not valid JSON (${where})`, { path: 'dataset', file: source });
    }
    let dataset: ReturnType<typeof parseCocoDataset>;
    try {
      dataset = parseCocoDataset(value);
    } catch (error) {
      if (source === null || !(error instanceof ApiError)) throw error;
      throw new ApiError(error.code, `${prefix}${error.message}`, { ...error.details, file: source });
    }
    const content = cocoToProject(dataset);
    const declared = content.images.map((image): DeclaredImage => ({ image, label: `${prefix}COCO image '${image.fileName}'` }));
    const { matched, skippedImages } = await this.matchDeclared(declared, 'INVALID_COCO');
    // The file's own colours; a category without one is coloured by its position in the project.
    return { categories: dataset.categories.map(({ id, name, color }) => ({ id, name, color })), matched, skippedImages, warnings: [] };
  }

  private async planLabelme(files: readonly ImportFile[]): Promise<ImportPlan> {
    const content = labelmeToProject(files.map((file) => ({ path: file.name, json: parseImportJson(file) })));
    const declared = content.images.map((image, k): DeclaredImage => ({ image, label: `${files[k].name} (image '${image.fileName}')`, stemHint: files[k].name }));
    const { matched, skippedImages } = await this.matchDeclared(declared, 'INVALID_ARGUMENT');
    return { categories: content.categories.map(({ id, name }) => ({ id, name })), matched, skippedImages, warnings: content.warnings };
  }

  /** YOLO labels do not know their image's size: each is matched first (by path without extension), then read at that size. */
  private async planYolo(files: readonly ImportFile[]): Promise<ImportPlan> {
    const [yaml, ...labels] = files; // selectImportFiles puts the data.yaml first
    const names = parseYoloNames(yaml.text, yaml.name);
    const stems = new FileNameMatcher(this.imageIds(), { stems: true });
    const claimed = new Map<ImageId, string>();
    const entries: { path: string; text: string; imageId: ImageId | null; image: { fileName: string; width: number; height: number } }[] = [];
    for (const label of labels) {
      const stem = yoloImageStem(label.name);
      let imageId = stems.match(stem);
      let image = { fileName: stem, width: 1, height: 1 }; // unmatched: its lines are still checked, at a stand-in size
      if (imageId !== null) {
        const other = claimed.get(imageId);
        if (other !== undefined) throw new ApiError('INVALID_ARGUMENT', `${other} and ${label.name} are both labels of the image '${imageId}'.`, { file: label.name, imageId });
        claimed.set(imageId, label.name);
        const record = await this.records.get(imageId);
        if (record.problem || record.width === undefined || record.height === undefined) imageId = null;
        else image = { fileName: imageId, width: record.width, height: record.height };
      }
      entries.push({ path: label.name, text: label.text, imageId, image });
    }
    // Every line of every file is checked, matched or not: a bad file fails the import either way.
    const content = yoloToProject({ names, labels: entries.map(({ path, text, image }) => ({ path, text, image })) });
    const matched: ImportPlan['matched'] = [];
    const skippedImages: string[] = [];
    entries.forEach((entry, k) => {
      if (entry.imageId === null) skippedImages.push(entry.path);
      else matched.push({ imageId: entry.imageId, image: content.images[k] });
    });
    checkInstances(matched, 'INVALID_ARGUMENT', (k) => entries.find((entry) => entry.imageId === matched[k].imageId)!.path);
    return { categories: content.categories.map(({ id, name }) => ({ id, name })), matched, skippedImages, warnings: [] };
  }

  /** Matches images a file declares to the folder's, checks their sizes and instances; none shared by two. */
  private async matchDeclared(declared: readonly DeclaredImage[], code: ApiErrorCode): Promise<Pick<ImportPlan, 'matched' | 'skippedImages'>> {
    const ids = this.imageIds();
    const paths = new FileNameMatcher(ids);
    const stems = new FileNameMatcher(ids, { stems: true });
    const skippedImages: string[] = [];
    const matched: ImportPlan['matched'] = [];
    const labels: string[] = [];
    const claimed = new Map<ImageId, string>();
    for (const { image, label, stemHint } of declared) {
      const imageId = paths.match(image.fileName) ?? (stemHint === undefined ? null : stems.match(withoutExtension(stemHint)));
      if (imageId === null) {
        skippedImages.push(image.fileName);
        continue;
      }
      const other = claimed.get(imageId);
      if (other !== undefined) throw new ApiError(code, `${other} and ${label} both match the project image '${imageId}'.`, { fileName: image.fileName, imageId });
      claimed.set(imageId, label);
      const record = await this.records.get(imageId);
      if (record.problem) {
        skippedImages.push(image.fileName);
        continue;
      }
      if (record.width !== image.width || record.height !== image.height) {
        throw new ApiError(code, `${label} is ${image.width}x${image.height} but '${imageId}' is ${record.width}x${record.height} (after EXIF orientation).`, {
          fileName: image.fileName,
          imageId,
        });
      }
      matched.push({ imageId, image });
      labels.push(label);
    }
    checkInstances(matched, code, (k) => labels[k]);
    return { matched, skippedImages };
  }

  /** All checked: creates the categories the matched instances use, then merges image by image. */
  private async apply(plan: ImportPlan): Promise<Omit<AnnotationImportResult, 'format' | 'warnings'>> {
    const used = new Set(plan.matched.flatMap(({ image }) => image.instances.map((instance) => instance.categoryId)));
    const needed = plan.categories.filter((category) => used.has(category.id));
    const known = new Set(this.categories.list().map((category) => category.name.toLowerCase()));
    const idsByName = await this.categories.ensureNamed(needed.map(({ name, color }) => ({ name, color })));
    const createdCategories: string[] = [];
    for (const { name } of needed) {
      if (known.has(name.toLowerCase())) continue;
      known.add(name.toLowerCase());
      createdCategories.push(name);
    }
    const projectIdOf = new Map(needed.map((category) => [category.id, idsByName.get(category.name.toLowerCase()) as number]));
    let annotationCount = 0;
    let imagesWithExistingInstances = 0;
    let replacedInstances = 0;
    for (const { imageId, image } of plan.matched) {
      const imported = image.instances.map((instance): Instance => ({
        ...instance,
        categoryId: instance.categoryId === null ? null : (projectIdOf.get(instance.categoryId) ?? null),
      }));
      annotationCount += imported.length;
      await this.annotations.modify(imageId, (current) => {
        const merged = mergeImported(current?.instances ?? [], current?.status ?? 'unvisited', imported);
        if (merged.kept > 0) imagesWithExistingInstances += 1;
        replacedInstances += merged.replaced;
        return merged;
      });
    }
    return { imageCount: plan.matched.length, annotationCount, createdCategories, skippedImages: plan.skippedImages, imagesWithExistingInstances, replacedInstances };
  }

  private imageIds(): ImageId[] {
    return this.index.all().map((entry) => entry.id);
  }
}

/** Every instance as a client's save would check it, against its image's size; errors name the image as the file does. */
function checkInstances(matched: ImportPlan['matched'], code: ApiErrorCode, labelOf: (k: number) => string): void {
  matched.forEach(({ image }, k) => {
    try {
      validateInstances(image.instances, `images['${image.fileName}'].instances`, { width: image.width, height: image.height, categoryIds: null });
    } catch (error) {
      throw new ApiError(code, `${labelOf(k)}: ${(error as Error).message}`, { fileName: image.fileName });
    }
  });
}

/**
 * Imported instances replace saved ones with the same id (re-importing a file is idempotent); the
 * rest are kept. An image not visited yet that gets instances is done.
 */
function mergeImported(existing: Instance[], status: ImageStatus, imported: Instance[]): { instances: Instance[]; status: ImageStatus; kept: number; replaced: number } {
  const importedIds = new Set(imported.map((instance) => instance.id));
  const kept = existing.filter((instance) => !importedIds.has(instance.id));
  return {
    instances: [...kept, ...imported],
    status: status === 'unvisited' && imported.length > 0 ? 'done' : status,
    kept: kept.length,
    replaced: existing.length - kept.length,
  };
}

/** The `files` parameter: [{ name, text }], names unique (backslashes read as slashes), within the size bounds. */
function importFilesOf(value: unknown): ImportFile[] {
  if (!Array.isArray(value)) throw invalid('files', 'must be an array of { name, text }');
  if (value.length === 0) throw invalid('files', 'must hold at least one file');
  if (value.length > MAX_IMPORT_FILES) throw invalid('files', `holds ${value.length} files; at most ${MAX_IMPORT_FILES} are read at once`);
  const seen = new Set<string>();
  let total = 0;
  return value.map((item: unknown, index): ImportFile => {
    const field = `files[${index}]`;
    const fields = objectOf(item, field, ['name', 'text']);
    const name = requiredString(fields, 'name', `${field}.name`, 1000).replace(/\\/g, '/');
    if (typeof fields.text !== 'string') throw invalid(`${field}.text`, "must be the file's text");
    total += fields.text.length;
    if (total > MAX_IMPORT_TEXT) throw invalid('files', `hold more than ${MAX_IMPORT_TEXT} characters in all`);
    if (seen.has(name)) throw invalid(`${field}.name`, `'${name}' is given twice`);
    seen.add(name);
    return { name, text: fields.text };
  });
}

function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
