// LabelMe JSON files -> MaskPilot project content, the structure the COCO importer produces
// (shared/coco/import.ts). Shapes with the same label and group_id form one instance, as
// labelme2coco groups them; a shape with group_id null is an instance of its own. The mask is
// the union of the shapes' COCO rasters, the polygons are the shapes' own points. Polygons,
// rectangles and circles (as a 64-gon) have an area; points, lines and line strips do not and are
// skipped with a warning. Categories are the labels in order of first appearance, ids from 1.
// Every file is checked before anything is built; the first bad record fails the whole import,
// named by file and shape ("a.json shapes[3].points: ...").
import { ApiError } from '../api/errors';
import type { Category, FlatPolygon, Instance } from '../api/types';
import { paletteColor } from '../coco/colors';
import type { ProjectContent, ProjectImageContent } from '../coco/import';
import { polygonsToRle, toCocoRle } from '../geometry';
import { folderOf, resolveRelative } from './paths';

export interface LabelmeJsonFile {
  /** Path of the .json file relative to the folder imported, POSIX ("street/img_001.json"). */
  path: string;
  /** The parsed JSON. */
  json: unknown;
}

export interface LabelmeImport extends ProjectContent {
  /** Shapes left out and why, one line per file and kind ("a.json: 2 point shapes have no area"). */
  warnings: string[];
}

const CIRCLE_VERTICES = 64;
const NO_AREA_TYPES = new Set(['point', 'points', 'line', 'linestrip']);

/** Instance id for the shape at `shapeIndex` (0-based) that starts an instance: stable across re-imports of the same file. */
export function instanceIdForLabelmeShape(shapeIndex: number): string {
  return `labelme-${shapeIndex + 1}`;
}

export function labelmeToProject(files: readonly LabelmeJsonFile[]): LabelmeImport {
  const warnings: string[] = [];
  const parsed = files.map((file) => parseFile(file, warnings));
  const categoryIds = new Map<string, number>();
  for (const file of parsed) for (const shape of file.shapes) if (!categoryIds.has(shape.label)) categoryIds.set(shape.label, categoryIds.size + 1);
  const categories: Category[] = [...categoryIds].map(([name, id]) => ({ id, name, color: paletteColor(id - 1) }));
  const images = parsed.map((file): ProjectImageContent => {
    const groups = new Map<string, ParsedShape[]>();
    file.shapes.forEach((shape) => {
      const key = shape.groupId === null ? `shape ${shape.index}` : `group ${shape.groupId} ${shape.label}`;
      const group = groups.get(key);
      if (group) group.push(shape);
      else groups.set(key, [shape]);
    });
    const instances = [...groups.values()].map((shapes): Instance => {
      const polygons = shapes.map((shape) => shape.ring);
      const instance: Instance = {
        id: instanceIdForLabelmeShape(shapes[0].index),
        polygons,
        rle: toCocoRle(polygonsToRle(polygons, file.height, file.width)),
        score: null,
        status: 'accepted',
        source: 'manual',
        categoryId: categoryIds.get(shapes[0].label)!,
        modelVersion: null,
      };
      if (shapes.some((shape) => shape.crowd)) instance.isCrowd = true;
      return instance;
    });
    return { fileName: file.fileName, width: file.width, height: file.height, instances };
  });
  return { categories, images, warnings };
}

interface ParsedShape {
  index: number;
  label: string;
  groupId: number | null;
  ring: FlatPolygon;
  crowd: boolean;
}

interface ParsedFile {
  fileName: string;
  width: number;
  height: number;
  shapes: ParsedShape[];
}

function parseFile(file: LabelmeJsonFile, warnings: string[]): ParsedFile {
  const fail = (field: string, reason: string): ApiError =>
    new ApiError('INVALID_ARGUMENT', `${file.path}${field === '' ? '' : ` ${field}`}: ${reason}`, { file: file.path, field });
  const json = file.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('', 'is not a LabelMe file (expected a JSON object)');
  const record = json as Record<string, unknown>;
  const width = record.imageWidth;
  const height = record.imageHeight;
  if (!Number.isInteger(width) || (width as number) < 1) throw fail('imageWidth', 'must be a positive whole number of pixels');
  if (!Number.isInteger(height) || (height as number) < 1) throw fail('imageHeight', 'must be a positive whole number of pixels');
  if (typeof record.imagePath !== 'string' || record.imagePath === '') throw fail('imagePath', 'must name the image (a path relative to the JSON file)');
  // Only a hint for finding the image in the project (the importer matches it by unique path suffix):
  // a path that climbs out of the imported folder ("../images/a.jpg" beside "annotations/") or is
  // absolute ("C:\\data\\a.jpg") keeps the part that can still name it.
  const fileName = resolveRelative(folderOf(file.path), record.imagePath) ?? lastParts(record.imagePath);
  if (fileName === null) throw fail('imagePath', `'${record.imagePath}' names no file`);
  if (!Array.isArray(record.shapes)) throw fail('shapes', 'must be an array');

  const shapes: ParsedShape[] = [];
  const noArea = new Map<string, number>();
  record.shapes.forEach((value: unknown, index) => {
    const field = `shapes[${index}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(field, 'must be an object');
    const shape = value as Record<string, unknown>;
    const type = shape.shape_type ?? 'polygon'; // files of LabelMe 3 have no shape_type: polygons
    if (typeof type !== 'string') throw fail(`${field}.shape_type`, 'must be a string');
    if (NO_AREA_TYPES.has(type)) {
      noArea.set(type, (noArea.get(type) ?? 0) + 1);
      return;
    }
    if (type !== 'polygon' && type !== 'rectangle' && type !== 'circle') {
      throw fail(`${field}.shape_type`, `'${type}' is not supported (polygon, rectangle and circle are; point, line and linestrip are skipped)`);
    }
    if (typeof shape.label !== 'string' || shape.label.trim() === '') throw fail(`${field}.label`, 'must be a non-empty string');
    const groupId = shape.group_id ?? null;
    if (groupId !== null && !Number.isSafeInteger(groupId)) throw fail(`${field}.group_id`, 'must be a whole number or null');
    const points = readPoints(shape.points, `${field}.points`, fail);
    if (type === 'polygon' ? points.length < 3 : points.length !== 2) {
      throw fail(`${field}.points`, `a ${type} needs ${type === 'polygon' ? 'at least 3' : 'exactly 2'} points, got ${points.length}`);
    }
    const flags = shape.flags;
    const crowd = typeof flags === 'object' && flags !== null && (flags as Record<string, unknown>).iscrowd === true;
    shapes.push({ index, label: shape.label, groupId: groupId as number | null, ring: ringOf(type, points), crowd });
  });
  for (const [type, count] of noArea) warnings.push(`${file.path}: ${count} ${type} shape${count === 1 ? '' : 's'} skipped (no area)`);
  return { fileName, width: width as number, height: height as number, shapes };
}

/** "../../images/a.jpg" -> "images/a.jpg", "C:\\data\\a.jpg" -> "data/a.jpg": the path after its last ".." or root; null if nothing is left. */
function lastParts(path: string): string | null {
  const parts = path.replace(/\\/g, '/').replace(/^[A-Za-z]:\//, '/').split('/');
  const after = parts.slice(parts.lastIndexOf('..') + 1).filter((part) => part !== '' && part !== '.');
  return after.length === 0 ? null : after.join('/');
}

function readPoints(value: unknown, field: string, fail: (field: string, reason: string) => ApiError): [number, number][] {
  if (!Array.isArray(value)) throw fail(field, 'must be an array of [x, y] points');
  return value.map((point: unknown, k) => {
    if (!Array.isArray(point) || point.length !== 2 || !point.every((coordinate) => typeof coordinate === 'number' && Number.isFinite(coordinate))) {
      throw fail(`${field}[${k}]`, 'must be [x, y], two finite numbers (pixels)');
    }
    return [point[0] as number, point[1] as number];
  });
}

/** The shape's outline as a flat ring in pixels. */
function ringOf(type: string, points: [number, number][]): FlatPolygon {
  if (type === 'rectangle') {
    const [[x1, y1], [x2, y2]] = points;
    return [x1, y1, x2, y1, x2, y2, x1, y2];
  }
  if (type === 'circle') {
    const [[cx, cy], [ex, ey]] = points; // centre, then a point on the circle
    const radius = Math.hypot(ex - cx, ey - cy);
    const ring: FlatPolygon = [];
    for (let k = 0; k < CIRCLE_VERTICES; k++) {
      const angle = (2 * Math.PI * k) / CIRCLE_VERTICES;
      ring.push(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
    }
    return ring;
  }
  return points.flat();
}
