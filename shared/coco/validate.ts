// parseCocoDataset: the one gate between untrusted COCO JSON and the rest of MaskPilot. It checks
// everything up front (types, sizes, polygons, RLE sums, references, duplicate ids) and throws
// ApiError('INVALID_COCO') naming the first offending record, so nothing is half-imported.
import { polygonsToRle, rleArea, rleBbox, type Rle } from '../geometry';
import type { CocoAnnotation, CocoBbox, CocoCategory, CocoDataset, CocoImage, CocoLicense } from './schema';
import { parseSegmentation } from './validate-segmentation';
import {
  asObject,
  describe,
  invalid,
  readArray,
  readFiniteNumber,
  readInteger,
  readOptionalString,
  readString,
  type RecordRef,
} from './validate-values';

const COLOR = /^#[0-9a-fA-F]{6}$/;

export function parseCocoDataset(json: unknown): CocoDataset {
  const root: RecordRef = { path: 'dataset' };
  if (Array.isArray(json)) {
    invalid(root, 'is a JSON array; expected a COCO dataset object with images, annotations and categories (a results list is not a dataset)');
  }
  const object = asObject(json, root);
  const imagesJson = readArray(object, 'images', root);
  const annotationsJson = readArray(object, 'annotations', root);
  const categoriesJson = readArray(object, 'categories', root);

  const dataset: CocoDataset = { images: [], annotations: [], categories: [] };
  if (object.info !== undefined && object.info !== null) dataset.info = { ...asObject(object.info, { path: 'info' }) };
  if (object.licenses !== undefined && object.licenses !== null) {
    dataset.licenses = readArray(object, 'licenses', root).map((value, index) => parseLicense(value, { path: `licenses[${index}]` }));
  }

  const categoryIds = new Map<number, number>();
  dataset.categories = categoriesJson.map((value, index) => {
    const category = parseCategory(value, index);
    checkUnique(categoryIds, category.id, index, 'categories');
    return category;
  });

  const imageIds = new Map<number, number>();
  const fileNames = new Map<string, number>();
  dataset.images = imagesJson.map((value, index) => {
    const image = parseImage(value, index);
    checkUnique(imageIds, image.id, index, 'images');
    const other = fileNames.get(image.file_name);
    if (other !== undefined) {
      invalid({ path: `images[${index}]`, id: image.id }, `file_name ${JSON.stringify(image.file_name)} is already used by images[${other}]`, 'file_name');
    }
    fileNames.set(image.file_name, index);
    return image;
  });

  const annotationIds = new Map<number, number>();
  dataset.annotations = annotationsJson.map((value, index) => {
    const annotation = parseAnnotation(value, index, dataset, imageIds, categoryIds);
    checkUnique(annotationIds, annotation.id, index, 'annotations');
    return annotation;
  });
  return dataset;
}

function checkUnique(seen: Map<number, number>, id: number, index: number, list: string): void {
  const first = seen.get(id);
  if (first !== undefined) invalid({ path: `${list}[${index}]`, id }, `duplicate id: ${list}[${first}] has the same id`, 'id');
  seen.set(id, index);
}

function parseLicense(value: unknown, record: RecordRef): CocoLicense {
  const object = asObject(value, record);
  const license: CocoLicense = { id: readInteger(object, 'id', record, 0), name: readString(object, 'name', record) };
  const url = readOptionalString(object, 'url', record);
  if (url !== undefined) license.url = url;
  return license;
}

function parseCategory(value: unknown, index: number): CocoCategory {
  const object = asObject(value, { path: `categories[${index}]` });
  const record: RecordRef = { path: `categories[${index}]` };
  const id = readInteger(object, 'id', record, 1);
  record.id = id;
  const name = readString(object, 'name', record);
  if (name.trim() === '') invalid(record, "'name' is empty", 'name');
  const category: CocoCategory = { id, name };
  const supercategory = readOptionalString(object, 'supercategory', record);
  if (supercategory !== undefined) category.supercategory = supercategory;
  const color = readOptionalString(object, 'color', record);
  if (color !== undefined) {
    if (!COLOR.test(color)) invalid(record, `'color' must look like "#rrggbb", got ${describe(color)}`, 'color');
    category.color = color.toLowerCase();
  }
  return category;
}

function parseImage(value: unknown, index: number): CocoImage {
  const record: RecordRef = { path: `images[${index}]` };
  const object = asObject(value, record);
  const id = readInteger(object, 'id', record, 0);
  record.id = id;
  const fileName = readString(object, 'file_name', record);
  if (fileName === '') invalid(record, "'file_name' is empty", 'file_name');
  const image: CocoImage = {
    id,
    file_name: fileName,
    width: readInteger(object, 'width', record, 1),
    height: readInteger(object, 'height', record, 1),
  };
  if (object.license !== undefined && object.license !== null) image.license = readInteger(object, 'license', record, 0);
  for (const key of ['coco_url', 'flickr_url', 'date_captured'] as const) {
    const text = readOptionalString(object, key, record);
    if (text !== undefined) image[key] = text;
  }
  return image;
}

function parseAnnotation(
  value: unknown,
  index: number,
  dataset: CocoDataset,
  imageIndex: Map<number, number>,
  categoryIndex: Map<number, number>,
): CocoAnnotation {
  const record: RecordRef = { path: `annotations[${index}]` };
  const object = asObject(value, record);
  const id = readInteger(object, 'id', record, 0);
  record.id = id;
  const imageId = readInteger(object, 'image_id', record, 0);
  const imagePosition = imageIndex.get(imageId);
  if (imagePosition === undefined) invalid(record, `image_id ${imageId} is not in 'images'`, 'image_id');
  const categoryId = readInteger(object, 'category_id', record, 0);
  if (!categoryIndex.has(categoryId)) invalid(record, `category_id ${categoryId} is not in 'categories'`, 'category_id');
  const image = dataset.images[imagePosition];
  if (!('segmentation' in object)) invalid(record, "missing key 'segmentation'", 'segmentation');
  const parsed = parseSegmentation(object.segmentation, image, record);

  const annotation: CocoAnnotation = {
    id,
    image_id: imageId,
    category_id: categoryId,
    segmentation: parsed.segmentation,
    area: 0,
    bbox: [0, 0, 0, 0],
    iscrowd: parseIsCrowd(object.iscrowd, record),
  };
  let mask: Rle | undefined = parsed.rle;
  const maskOf = (): Rle => (mask ??= polygonsToRle(parsed.segmentation as number[][], image.height, image.width));
  annotation.area = object.area === undefined || object.area === null ? rleArea(maskOf()) : readFiniteNumber(object, 'area', record, 0);
  annotation.bbox = object.bbox === undefined || object.bbox === null ? rleBbox(maskOf()) : parseBbox(object.bbox, record);
  if (object.score !== undefined && object.score !== null) annotation.score = readFiniteNumber(object, 'score', record);
  return annotation;
}

function parseIsCrowd(value: unknown, record: RecordRef): 0 | 1 {
  if (value === undefined || value === null || value === 0 || value === false) return 0;
  if (value === 1 || value === true) return 1;
  return invalid(record, `'iscrowd' must be 0 or 1, got ${describe(value)}`, 'iscrowd');
}

function parseBbox(value: unknown, record: RecordRef): CocoBbox {
  if (!Array.isArray(value) || value.length !== 4) {
    invalid(record, `'bbox' must be [x, y, width, height], got ${describe(value)}${Array.isArray(value) ? ` of length ${value.length}` : ''}`, 'bbox');
  }
  value.forEach((n: unknown, k) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) invalid(record, `bbox[${k}] must be a finite number, got ${describe(n)}`, 'bbox');
  });
  const [x, y, width, height] = value as number[];
  if (width < 0 || height < 0) invalid(record, `'bbox' has negative size [${width}, ${height}]`, 'bbox');
  return [x, y, width, height];
}
