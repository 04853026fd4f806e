// Project -> instance masks: per image one greyscale PNG, masks/<path without extension>.png, whose
// pixel value is the instance's 1-based position in that image's entry of masks.json (0 is
// background), 8-bit when an image has at most 255 instances and 16-bit otherwise; masks.json maps
// every instance number to its category and lists the categories. The masks are the instances'
// own (the RLE, not the polygons), so the pixels are exact. Where instances overlap, a pixel holds
// the later instance (the one drawn on top); masks.json gives each instance's full and visible area
// so that any pixels lost this way can be seen. The PNGs themselves are encoded on the node side.
import type { ProjectExportInput } from '../coco/export';
import { rleArea, type Rle } from '../geometry';
import type { ExportedFile, FormatExport, InstanceMap } from './exported-files';
import { assertDistinctPaths, withoutExtension } from './paths';
import { selectForExport } from './selection';

export const CLASS_MAP_PATH = 'masks.json';

/** masks.json. */
export interface InstanceMaskClassMap {
  format: 'maskpilot-instance-masks';
  version: 1;
  /** Pixel value of background. */
  background: 0;
  categories: { id: number; name: string; color?: string }[];
  images: {
    /** The image's project-relative path. */
    image: string;
    /** The PNG, relative to masks.json. */
    mask: string;
    width: number;
    height: number;
    /** `value` is the pixel value of the instance: its position in this list, from 1. */
    instances: { value: number; instanceId: string; categoryId: number; category: string; isCrowd: boolean; area: number; visibleArea: number }[];
  }[];
}

export function projectToInstanceMasks(input: ProjectExportInput): FormatExport {
  const selection = selectForExport(input);
  const classMap: InstanceMaskClassMap = {
    format: 'maskpilot-instance-masks',
    version: 1,
    background: 0,
    categories: selection.classes.map(({ id, name, color }) => (color === undefined ? { id, name } : { id, name, color })),
    images: [],
  };
  const files: ExportedFile[] = [];
  let instances = 0;
  let unassigned = 0;
  for (const image of selection.images) {
    const path = `masks/${withoutExtension(image.fileName)}.png`;
    const map = paintInstances(image.width, image.height, image.instances.map((selected) => selected.mask));
    const visible = visibleAreas(map.data, image.instances.length);
    classMap.images.push({
      image: image.fileName,
      mask: path,
      width: image.width,
      height: image.height,
      instances: image.instances.map(({ instance, exportClass, mask }, index) => ({
        value: index + 1,
        instanceId: instance.id,
        categoryId: exportClass.id,
        category: exportClass.name,
        isCrowd: instance.isCrowd === true,
        area: rleArea(mask),
        visibleArea: visible[index + 1],
      })),
    });
    files.push({ kind: 'instanceMap', path, map });
    instances += image.instances.length;
    unassigned += image.instances.filter(({ instance }) => instance.categoryId === null).length;
  }
  assertDistinctPaths(files.map((file, index) => ({ fileName: selection.images[index].fileName, path: file.path })));
  files.push({ kind: 'text', path: CLASS_MAP_PATH, text: `${JSON.stringify(classMap, null, 2)}\n` });
  return {
    format: 'masks',
    files,
    images: [],
    counts: { images: selection.images.length, instances, unassigned, classes: selection.classes.length },
    skipped: [],
  };
}

/** Row-major map of instance numbers (mask k -> value k + 1), later masks over earlier ones. */
export function paintInstances(width: number, height: number, masks: readonly Rle[]): InstanceMap {
  const data = masks.length <= 0xff ? new Uint8Array(width * height) : new Uint16Array(width * height);
  masks.forEach((mask, k) => {
    // COCO runs are column-major: index = x * height + y.
    let position = 0;
    mask.counts.forEach((run, r) => {
      if (r % 2 === 1) {
        for (let p = position, end = position + run; p < end; p++) {
          const x = Math.floor(p / height);
          data[(p - x * height) * width + x] = k + 1;
        }
      }
      position += run;
    });
  });
  return { width, height, data };
}

function visibleAreas(data: Uint8Array | Uint16Array, count: number): number[] {
  const areas = new Array<number>(count + 1).fill(0);
  for (let p = 0; p < data.length; p++) areas[data[p]] += 1;
  return areas;
}
