// Ultralytics YOLO segmentation labels -> MaskPilot project content, the structure the COCO
// importer produces (shared/coco/import.ts): every line becomes an accepted manual instance whose
// polygon is the line's ring in pixels and whose mask is COCO's rasterisation of it; class k
// becomes category id k + 1 named names[k]. Everything is checked before anything is built, and
// the first bad record fails the whole import with the file and line that hold it.
//
// The caller pairs each label file with its image (YOLO files do not know their image's size);
// yoloImageStem gives the image path a label file belongs to, without the image's extension.
import { ApiError } from '../api/errors';
import type { Category, FlatPolygon, Instance } from '../api/types';
import { paletteColor } from '../coco/colors';
import type { ProjectContent, ProjectImageContent } from '../coco/import';
import { polygonsToRle, toCocoRle } from '../geometry';

export interface YoloLabelFile {
  /** Path of the .txt file, for messages ("labels/train/img_003.txt"). */
  path: string;
  text: string;
  /** The image the labels belong to: its project path and size in pixels. */
  image: { fileName: string; width: number; height: number };
}

export interface YoloImport {
  /** Class names in index order (parseYoloNames of the data.yaml). */
  names: readonly string[];
  labels: readonly YoloLabelFile[];
}

/**
 * Ultralytics writes normalised coordinates with rounding error and accepts up to 1% outside
 * [0, 1]; so does this importer (the polygon is kept as given; rasterisation clips it to the image).
 */
const COORDINATE_SLACK = 0.01;

/** Instance id for line `line` (1-based) of a label file: stable, so re-importing the same file replaces, not duplicates. */
export function instanceIdForYoloLine(line: number): string {
  return `yolo-${line}`;
}

export function yoloToProject(input: YoloImport): ProjectContent {
  // Check everything first: a bad line in the last file must not leave the others half imported.
  const parsed = input.labels.map((file) => ({ file, lines: parseLabelFile(file, input.names.length) }));
  const categories: Category[] = input.names.map((name, index) => ({ id: index + 1, name, color: paletteColor(index) }));
  const images = parsed.map(({ file, lines }): ProjectImageContent => {
    const { width, height } = file.image;
    return {
      fileName: file.image.fileName,
      width,
      height,
      instances: lines.map(({ line, classIndex, ring }): Instance => {
        const pixels: FlatPolygon = ring.map((value, k) => (k % 2 === 0 ? value * width : value * height));
        return {
          id: instanceIdForYoloLine(line),
          polygons: [pixels],
          rle: toCocoRle(polygonsToRle([pixels], height, width)),
          score: null,
          status: 'accepted',
          source: 'manual',
          categoryId: classIndex + 1,
          modelVersion: null,
        };
      }),
    };
  });
  return { categories, images };
}

interface LabelLine {
  /** 1-based line number in the file. */
  line: number;
  classIndex: number;
  /** Normalised [x0, y0, x1, y1, ...]. */
  ring: number[];
}

function parseLabelFile(file: YoloLabelFile, classCount: number): LabelLine[] {
  const { width, height } = file.image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ApiError('INVALID_ARGUMENT', `${file.path}: the image '${file.image.fileName}' has no usable size (${width}x${height})`, { file: file.path });
  }
  const lines: LabelLine[] = [];
  file.text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((text, index) => {
    const tokens = text.trim().split(/\s+/).filter((token) => token !== '');
    if (tokens.length === 0) return;
    const line = index + 1;
    const fail = (reason: string): ApiError => new ApiError('INVALID_ARGUMENT', `${file.path} line ${line}: ${reason}`, { file: file.path, line });
    const [classToken, ...coordinateTokens] = tokens;
    if (!/^\d+$/.test(classToken)) throw fail(`class index '${classToken}' is not a whole number`);
    const classIndex = Number(classToken);
    if (classIndex >= classCount) throw fail(`class ${classIndex}, but data.yaml names ${classCount} class${classCount === 1 ? '' : 'es'} (0 to ${classCount - 1})`);
    const count = coordinateTokens.length;
    if (count === 4) throw fail('4 coordinates: a bounding box (YOLO detection label), not a segmentation polygon');
    if (count < 6 || count % 2 !== 0) throw fail(`${count} coordinates, expected an even number >= 6 (x y pairs of at least 3 points)`);
    const ring = coordinateTokens.map((token, k) => {
      const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token) ? Number(token) : NaN;
      const name = `${k % 2 === 0 ? 'x' : 'y'}${Math.floor(k / 2) + 1}`;
      if (!Number.isFinite(value)) throw fail(`${name} '${token}' is not a number`);
      if (value < -COORDINATE_SLACK || value > 1 + COORDINATE_SLACK) throw fail(`${name} = ${token} is outside [0, 1] (coordinates are fractions of the image's width and height)`);
      return value;
    });
    lines.push({ line, classIndex, ring });
  });
  return lines;
}

/**
 * The image path a label file belongs to, without extension, as Ultralytics pairs them (the last
 * "/labels/" of the path becomes "/images/"): "labels/train/a.txt" -> "images/train/a".
 */
export function yoloImageStem(labelPath: string): string {
  const rooted = `/${labelPath.replace(/\\/g, '/').replace(/^\/+/, '')}`;
  const at = rooted.lastIndexOf('/labels/');
  const swapped = at < 0 ? rooted : `${rooted.slice(0, at)}/images/${rooted.slice(at + '/labels/'.length)}`;
  return swapped.replace(/\.txt$/i, '').slice(1);
}
