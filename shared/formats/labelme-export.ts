// Project -> LabelMe JSON (github.com/wkentaro/labelme): one <path without extension>.json per
// image, written beside the image as LabelMe keeps them (imagePath is the image's file name, and
// the image is copied to the same relative path). Each instance becomes polygon shapes labelled
// with its category: one shape per part, holes bridged into the part around them (outlines.ts),
// since LabelMe has no holes and tools such as labelme2coco take the union of an instance's
// shapes. An instance of several parts gives its shapes one group_id (its 1-based position in
// the file's instances), which is how LabelMe groups shapes into one object; a single shape has
// group_id null. Points are the polygons' own pixel coordinates, unrounded.
import type { ProjectExportInput } from '../coco/export';
import { countSkipped, type ExportedFile, type FormatExport, type ImageCopy } from './exported-files';
import { holeFreeParts } from './outlines';
import { assertDistinctPaths, baseName, withoutExtension } from './paths';
import { selectForExport } from './selection';

/** The LabelMe release whose file layout this writes (fields: version, flags, shapes, imagePath, imageData, imageHeight, imageWidth). */
export const LABELME_VERSION = '5.5.0';

/** A LabelMe shape as written. `flags.iscrowd` marks COCO crowd regions (LabelMe shape flags are free-form booleans). */
export interface LabelmeShape {
  label: string;
  points: [number, number][];
  group_id: number | null;
  description: string;
  shape_type: 'polygon';
  flags: Record<string, boolean>;
  mask: null;
}

export interface LabelmeFileContent {
  version: string;
  flags: Record<string, boolean>;
  shapes: LabelmeShape[];
  imagePath: string;
  imageData: null;
  imageHeight: number;
  imageWidth: number;
}

export function projectToLabelme(input: ProjectExportInput): FormatExport {
  const selection = selectForExport(input);
  const skipped: FormatExport['skipped'] = [];
  const files: ExportedFile[] = [];
  const images: ImageCopy[] = [];
  let instances = 0;
  let unassigned = 0;
  for (const image of selection.images) {
    const shapes: LabelmeShape[] = [];
    image.instances.forEach(({ instance, exportClass, mask }, index) => {
      const parts = holeFreeParts(instance.polygons, mask);
      if (parts.length === 0) {
        countSkipped(skipped, 'empty masks');
        return;
      }
      for (const part of parts) {
        const points: [number, number][] = [];
        for (let k = 0; k < part.length; k += 2) points.push([part[k], part[k + 1]]);
        shapes.push({
          label: exportClass.name,
          points,
          group_id: parts.length > 1 ? index + 1 : null,
          description: '',
          shape_type: 'polygon',
          flags: instance.isCrowd === true ? { iscrowd: true } : {},
          mask: null,
        });
      }
      instances += 1;
      if (instance.categoryId === null) unassigned += 1;
    });
    const content: LabelmeFileContent = {
      version: LABELME_VERSION,
      flags: {},
      shapes,
      imagePath: baseName(image.fileName),
      imageData: null,
      imageHeight: image.height,
      imageWidth: image.width,
    };
    files.push({ kind: 'text', path: `${withoutExtension(image.fileName)}.json`, text: `${JSON.stringify(content, null, 2)}\n` });
    images.push({ fileName: image.fileName, path: image.fileName });
  }
  assertDistinctPaths(files.map((file, index) => ({ fileName: images[index].fileName, path: file.path })));
  return { format: 'labelme', files, images, counts: { images: images.length, instances, unassigned, classes: selection.classes.length }, skipped };
}
