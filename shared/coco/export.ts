// MaskPilot project content -> COCO dataset. The instance's mask (`rle`) is the truth: area and
// bbox are COCO's own definitions computed from it, and its polygons are written only when COCO's
// rasterisation of them (per ring, then union) reproduces the mask, which also rules out holes
// (a hole ring would be filled by the union). Everything else is written as compressed RLE, so
// an export never changes a mask.
import { ApiError } from '../api/errors';
import { exportedStatuses } from '../api/instance-status';
import type { Category, FlatPolygon, Instance } from '../api/types';
import { fromCocoRle, polygonsToRle, ringsToRle, rleArea, rleBbox, rleIou, type Rle } from '../geometry';
import { annotationIdOfInstance, type ProjectImageContent } from './import';
import type { CocoAnnotation, CocoCategory, CocoDataset, CocoInfo, CocoSegmentation } from './schema';

export interface ProjectExportInput {
  /** Exported in this order; image ids are 1..n in this order (pass them sorted for stable ids). */
  images: ProjectImageContent[];
  categories: Category[];
  /** true (default): accepted and edited instances only; false: also 'proposed' ones. Rejected ones never. */
  onlyAccepted?: boolean;
  /**
   * How far COCO's rasterisation of an instance's polygons may be from its mask, as 1 - IoU, for
   * the polygons to be written instead of RLE. Default 0: polygons only when they reproduce the
   * mask exactly (lossless round trip). Above 0, polygons with holes (nested rings) still go as RLE.
   */
  polygonTolerance?: number;
  info?: CocoInfo;
  /**
   * What happens to instances without a category: 'object' (default) writes them under a category
   * named "object" (COCO needs a category_id); 'omit' leaves them out of every format.
   */
  unassigned?: UnassignedPolicy;
  /**
   * COCO only: write each instance's model score as `score` on its annotation. Not part of COCO's
   * annotation format (it belongs to results files), so off by default.
   */
  includeScore?: boolean;
}

/** Name of the category given to instances exported without one (COCO needs a category_id). */
export const UNASSIGNED_CATEGORY_NAME = 'object';

/** What an export does with instances that have no category: write them as "object", or leave them out. */
export type UnassignedPolicy = 'object' | 'omit';
export const UNASSIGNED_POLICIES: readonly UnassignedPolicy[] = ['object', 'omit'];

/** Whether an export writes this instance at all: its status is exported, and it has a category or unassigned ones go as "object". */
export function isExported(instance: Instance, statuses: ReadonlySet<Instance['status']>, unassigned: UnassignedPolicy | undefined): boolean {
  return statuses.has(instance.status) && (instance.categoryId !== null || unassigned !== 'omit');
}

/** Instances without a category that an export with these options leaves out (0 unless unassigned is 'omit'). */
export function countOmittedUnassigned(input: Pick<ProjectExportInput, 'images' | 'onlyAccepted' | 'unassigned'>): number {
  if (input.unassigned !== 'omit') return 0;
  const statuses = exportedStatuses(input.onlyAccepted);
  return input.images.reduce((sum, image) => sum + image.instances.filter((instance) => statuses.has(instance.status) && instance.categoryId === null).length, 0);
}

export function projectToCoco(input: ProjectExportInput): CocoDataset {
  const included = exportedStatuses(input.onlyAccepted);
  const tolerance = input.polygonTolerance ?? 0;
  const exported = input.images.map((image) => image.instances.filter((instance) => isExported(instance, included, input.unassigned)));

  const categories: CocoCategory[] = input.categories.map((category) => ({ id: category.id, name: category.name, color: category.color }));
  const knownCategories = new Set(categories.map((category) => category.id));
  let unassignedCategoryId: number | undefined;
  const categoryIdFor = (instance: Instance, fileName: string): number => {
    if (instance.categoryId !== null) {
      if (!knownCategories.has(instance.categoryId)) {
        throw new ApiError('INVALID_ARGUMENT', `image '${fileName}', instance '${instance.id}': category ${instance.categoryId} does not exist`, {
          image: fileName,
          instance: instance.id,
        });
      }
      return instance.categoryId;
    }
    if (unassignedCategoryId === undefined) {
      const existing = categories.find((category) => category.name === UNASSIGNED_CATEGORY_NAME);
      unassignedCategoryId = existing?.id ?? Math.max(0, ...categories.map((category) => category.id)) + 1;
      if (!existing) categories.push({ id: unassignedCategoryId, name: UNASSIGNED_CATEGORY_NAME });
    }
    return unassignedCategoryId;
  };

  const annotationIds = assignAnnotationIds(exported.flat());
  const annotations: CocoAnnotation[] = [];
  input.images.forEach((image, index) => {
    for (const instance of exported[index]) {
      const mask = maskOf(instance, image);
      const annotation: CocoAnnotation = {
        id: annotationIds.get(instance)!,
        image_id: index + 1,
        category_id: categoryIdFor(instance, image.fileName),
        segmentation: chooseSegmentation(instance, mask, tolerance),
        area: rleArea(mask),
        bbox: rleBbox(mask),
        iscrowd: instance.isCrowd === true ? 1 : 0,
      };
      if (input.includeScore === true && instance.score !== null) annotation.score = instance.score;
      annotations.push(annotation);
    }
  });

  return {
    info: input.info ?? { description: 'Exported by MaskPilot' },
    licenses: [],
    images: input.images.map((image, index) => ({ id: index + 1, file_name: image.fileName, width: image.width, height: image.height })),
    annotations,
    categories,
  };
}

/** Instances imported from COCO keep their annotation id; the rest (and any clash) get fresh ids above the largest. */
function assignAnnotationIds(instances: Instance[]): Map<Instance, number> {
  const ids = new Map<Instance, number>();
  const used = new Set<number>();
  for (const instance of instances) {
    const id = annotationIdOfInstance(instance.id);
    if (id !== undefined && !used.has(id)) {
      ids.set(instance, id);
      used.add(id);
    }
  }
  // No Math.max(...used): spreading 100,000+ ids overflows the engine's argument limit.
  let next = 1;
  for (const id of used) if (id >= next) next = id + 1;
  for (const instance of instances) {
    if (!ids.has(instance)) ids.set(instance, next++);
  }
  return ids;
}

function maskOf(instance: Instance, image: ProjectImageContent): Rle {
  const [height, width] = instance.rle.size;
  if (height !== image.height || width !== image.width) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `image '${image.fileName}', instance '${instance.id}': mask is ${width}x${height} but the image is ${image.width}x${image.height}`,
      { image: image.fileName, instance: instance.id },
    );
  }
  try {
    return fromCocoRle(instance.rle);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ApiError('INVALID_ARGUMENT', `image '${image.fileName}', instance '${instance.id}': ${error.message}`, {
      image: image.fileName,
      instance: instance.id,
    });
  }
}

function chooseSegmentation(instance: Instance, mask: Rle, tolerance: number): CocoSegmentation {
  const asRle: CocoSegmentation = { size: [instance.rle.size[0], instance.rle.size[1]], counts: instance.rle.counts };
  if (instance.isCrowd === true || !instance.polygons.every(isWritablePolygon) || instance.polygons.length === 0) return asRle;
  if (rleArea(mask) === 0) return asRle;
  const union = polygonsToRle(instance.polygons, mask.height, mask.width);
  const iou = rleIou([union], [mask], [false])[0][0];
  if (1 - iou > tolerance) return asRle;
  if (tolerance > 0 && !sameMask(union, ringsToRle(instance.polygons, mask.height, mask.width))) return asRle; // nested rings: holes
  return instance.polygons.map((ring) => ring.slice());
}

/** COCO needs >= 3 points per ring, as x, y pairs of finite numbers. */
function isWritablePolygon(ring: FlatPolygon): boolean {
  return ring.length >= 6 && ring.length % 2 === 0 && ring.every(Number.isFinite);
}

function sameMask(a: Rle, b: Rle): boolean {
  return a.counts.length === b.counts.length && a.counts.every((count, k) => count === b.counts[k]);
}
