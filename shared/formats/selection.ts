// What every export format writes, chosen once and the same way the COCO export chooses it:
// accepted and edited instances (plus proposed ones with onlyAccepted: false; rejected ones never),
// unassigned instances under the category named "object" (an existing one, or a new one with the
// next free id) or, with unassigned: 'omit', not at all; and every instance's mask checked against
// its image's size. Formats that number their classes (YOLO) number them in this order: the
// project's categories by ascending id, then "object" when it had to be added, so indices stay put
// from one export to the next.
import { ApiError } from '../api/errors';
import { exportedStatuses } from '../api/instance-status';
import type { Category, Instance } from '../api/types';
import { isExported, UNASSIGNED_CATEGORY_NAME, type ProjectExportInput } from '../coco/export';
import { fromCocoRle, type Rle } from '../geometry';

/** A category as exported: `index` is its 0-based class index (position in ExportSelection.classes). */
export interface ExportClass {
  /** The project's category id (positive integer), or the id given to "object". */
  id: number;
  name: string;
  /** "#rrggbb"; absent for the "object" category added for unassigned instances. */
  color?: string;
  index: number;
}

export interface SelectedInstance {
  instance: Instance;
  /** Its class: the instance's category, or "object" when it had none. */
  exportClass: ExportClass;
  /** The decoded mask, image size (the truth; the polygons are its editable view). */
  mask: Rle;
}

export interface SelectedImage {
  /** The image's project-relative path (ImageId). */
  fileName: string;
  /** Pixels. */
  width: number;
  height: number;
  /** In the image's saved order (later instances are drawn over earlier ones). */
  instances: SelectedInstance[];
}

export interface ExportSelection {
  /** Ordered by class index. */
  classes: ExportClass[];
  /** In the input's order. */
  images: SelectedImage[];
}

export function selectForExport(input: ProjectExportInput): ExportSelection {
  const included = exportedStatuses(input.onlyAccepted);
  const sorted = [...input.categories].sort((a, b) => a.id - b.id);
  const classes: ExportClass[] = sorted.map((category: Category, index) => ({ id: category.id, name: category.name, color: category.color, index }));
  const byId = new Map(classes.map((exportClass) => [exportClass.id, exportClass]));
  let unassigned: ExportClass | undefined;
  const classOf = (instance: Instance, fileName: string): ExportClass => {
    if (instance.categoryId !== null) {
      const found = byId.get(instance.categoryId);
      if (found) return found;
      throw new ApiError('INVALID_ARGUMENT', `image '${fileName}', instance '${instance.id}': category ${instance.categoryId} does not exist`, {
        image: fileName,
        instance: instance.id,
      });
    }
    if (unassigned === undefined) {
      unassigned = classes.find((exportClass) => exportClass.name === UNASSIGNED_CATEGORY_NAME);
      if (unassigned === undefined) {
        const id = classes.reduce((largest, exportClass) => Math.max(largest, exportClass.id), 0) + 1;
        unassigned = { id, name: UNASSIGNED_CATEGORY_NAME, index: classes.length };
        classes.push(unassigned);
      }
    }
    return unassigned;
  };

  const images = input.images.map((image): SelectedImage => ({
    fileName: image.fileName,
    width: image.width,
    height: image.height,
    instances: image.instances
      .filter((instance) => isExported(instance, included, input.unassigned))
      .map((instance) => ({ instance, exportClass: classOf(instance, image.fileName), mask: maskOf(instance, image.fileName, image.width, image.height) })),
  }));
  return { classes, images };
}

function maskOf(instance: Instance, fileName: string, width: number, height: number): Rle {
  const [maskHeight, maskWidth] = instance.rle.size;
  const details = { image: fileName, instance: instance.id };
  if (maskHeight !== height || maskWidth !== width) {
    throw new ApiError('INVALID_ARGUMENT', `image '${fileName}', instance '${instance.id}': mask is ${maskWidth}x${maskHeight} but the image is ${width}x${height}`, details);
  }
  try {
    return fromCocoRle(instance.rle);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ApiError('INVALID_ARGUMENT', `image '${fileName}', instance '${instance.id}': ${error.message}`, details);
  }
}
