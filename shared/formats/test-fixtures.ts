// Shapes and instances for this folder's tests (not used by the app): masks drawn pixel by pixel,
// wrapped as saved instances whose polygons are traced the way the editor traces them.
import type { Category, Instance } from '../api/types';
import type { ProjectExportInput } from '../coco/export';
import { createMask, encodeMask, maskToPolygons, toCocoRle, type BinaryMask } from '../geometry';

/** A mask of the pixels whose centre (x + 0.5, y + 0.5) passes `inside`. */
export function drawMask(width: number, height: number, inside: (x: number, y: number) => boolean): BinaryMask {
  const mask = createMask(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x + 0.5, y + 0.5)) mask.data[y * width + x] = 1;
  return mask;
}

export const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
export const box = (x0: number, y0: number, x1: number, y1: number) => (x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
export const not = (shape: (x: number, y: number) => boolean) => (x: number, y: number) => !shape(x, y);
export const all =
  (...shapes: ((x: number, y: number) => boolean)[]) =>
  (x: number, y: number) =>
    shapes.every((shape) => shape(x, y));
export const any =
  (...shapes: ((x: number, y: number) => boolean)[]) =>
  (x: number, y: number) =>
    shapes.some((shape) => shape(x, y));

/** An accepted manual instance of `mask`; polygons traced at the editor's tolerance unless given. */
export function instanceOf(id: string, mask: BinaryMask, overrides: Partial<Instance> = {}): Instance {
  return {
    id,
    polygons: maskToPolygons(mask),
    rle: toCocoRle(encodeMask(mask)),
    score: null,
    status: 'accepted',
    source: 'manual',
    categoryId: 1,
    modelVersion: null,
    ...overrides,
  };
}

const CATEGORIES: Category[] = [
  { id: 1, name: 'cat', color: '#ff0000' },
  { id: 4, name: 'traffic light', color: '#00ff00' },
  { id: 2, name: 'dog', color: '#0000ff' },
];

export function projectOf(images: { fileName: string; width: number; height: number; instances: Instance[] }[]): ProjectExportInput {
  return { images, categories: CATEGORIES };
}
