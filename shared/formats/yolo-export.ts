// Project -> Ultralytics YOLO segmentation (docs.ultralytics.com/datasets/segment): per image one
// labels/<path without extension>.txt, one line per instance, `class x1 y1 x2 y2 ...` with x / width
// and y / height in [0, 1]; data.yaml names the classes; images go to images/<path>, where
// Ultralytics looks for them (it finds a label by swapping the last "/images/" of the image's path
// for "/labels/" and the extension for ".txt").
//
// A line holds one ring, so an instance with several parts or holes is cut as outlines.ts says:
// holes bridged into their outer ring, parts bridged into one ring (Ultralytics' own
// merge_multi_segment, which also keeps holes empty under fillPoly's even-odd fill). Crowd regions
// are left out, as Ultralytics' COCO converter leaves them out: YOLO has no crowd flag. Vertices
// outside the image are clamped to its edge, since Ultralytics rejects coordinates above 1.
import type { ProjectExportInput } from '../coco/export';
import { countSkipped, type ExportedFile, type FormatExport, type ImageCopy } from './exported-files';
import { holeFreeParts, joinRings } from './outlines';
import { assertDistinctPaths } from './paths';
import { selectForExport } from './selection';
import { writeDataYaml } from './yolo-yaml';

/** Decimal places of normalised coordinates: 1e-6 of a 10,000 px side is 0.01 px. */
const DECIMALS = 6;

export function projectToYolo(input: ProjectExportInput): FormatExport {
  const selection = selectForExport(input);
  const skipped: FormatExport['skipped'] = [];
  const images: ImageCopy[] = [];
  const labels: ExportedFile[] = [];
  let instances = 0;
  let unassigned = 0;
  for (const image of selection.images) {
    const imagePath = `images/${image.fileName}`;
    const lines: string[] = [];
    for (const { instance, exportClass, mask } of image.instances) {
      if (instance.isCrowd === true) {
        countSkipped(skipped, 'crowd regions (YOLO has no crowd flag)');
        continue;
      }
      const ring = joinRings(holeFreeParts(instance.polygons, mask));
      if (ring.length === 0) {
        countSkipped(skipped, 'empty masks');
        continue;
      }
      const coordinates: string[] = [];
      for (let k = 0; k < ring.length; k += 2) {
        coordinates.push(normalised(ring[k], image.width), normalised(ring[k + 1], image.height));
      }
      lines.push(`${exportClass.index} ${coordinates.join(' ')}`);
      instances += 1;
      if (instance.categoryId === null) unassigned += 1;
    }
    images.push({ fileName: image.fileName, path: imagePath });
    // Every image gets a file, empty ones too: Ultralytics reads an empty file as "no objects here".
    labels.push({ kind: 'text', path: yoloLabelPath(imagePath), text: lines.length === 0 ? '' : `${lines.join('\n')}\n` });
  }
  assertDistinctPaths(labels.map((file, index) => ({ fileName: images[index].fileName, path: file.path })));
  return {
    format: 'yolo-seg',
    files: [{ kind: 'text', path: 'data.yaml', text: writeDataYaml(selection.classes.map((exportClass) => exportClass.name)) }, ...labels],
    images,
    counts: { images: images.length, instances, unassigned, classes: selection.classes.length },
    skipped,
  };
}

/** Ultralytics' img2label_paths for a relative image path: last "/images/" -> "/labels/", extension -> ".txt". */
export function yoloLabelPath(imagePath: string): string {
  const rooted = `/${imagePath}`;
  const at = rooted.lastIndexOf('/images/');
  const swapped = at < 0 ? rooted : `${rooted.slice(0, at)}/labels/${rooted.slice(at + '/images/'.length)}`;
  const dot = swapped.lastIndexOf('.');
  return `${dot > swapped.lastIndexOf('/') ? swapped.slice(0, dot) : swapped}.txt`.slice(1);
}

function normalised(value: number, size: number): string {
  const clamped = Math.min(1, Math.max(0, value / size));
  return String(Number(clamped.toFixed(DECIMALS)));
}
