// The prompt-mask head's training data: COCO images of one split, their objects (masks kept as crops
// of their boxes), and a few 512 x 512 detector views of each image with the trunk's feature maps
// and the detector's boxes, computed once and cached on disk (the trunk is frozen).
//   views per image: the whole image, the whole image mirrored, and `cropViews` random crops (40-80%
//   of each side, mirrored at random), which show objects larger and later clicks' zoomed views.
import { mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import sharp from 'sharp';
import { decodeRle } from '../../../../shared/geometry';
import { segmentationToRle } from '../../../../shared/coco/segmentation';
import { decodeImage } from '../../decode';
import { SeededRandom } from '../../sampler/random';
import { readCocoFile } from '../../training/dataset';
import { imagesInSplit, type SplitName } from '../../training/dataset-split';
import { runDetectorView, VIEW_SIZE, type ViewBox } from '../detector-view';
import { wholeImageTransform, type ViewTransform } from '../view-transform';

/** One annotated object: its box (image pixels) and its mask cropped to that box. */
export interface TrainingObject {
  bbox: [number, number, number, number];
  /** The mask within the integer box [x0, x0 + width) x [y0, y0 + height), row-major. */
  mask: { x0: number; y0: number; width: number; height: number; data: Uint8Array };
  area: number;
  categoryId: number;
  /** The user's interactive segmentation session that made it (image pixels), when it was made by clicks or a box. */
  session?: { clicks: Array<{ x: number; y: number; positive: boolean }>; box?: { x1: number; y1: number; x2: number; y2: number } };
}

export interface TrainingImage {
  set: string;
  id: number;
  path: string;
  width: number;
  height: number;
  objects: TrainingObject[];
  /** Crowd regions' boxes: detector boxes on them are not used as negatives. */
  crowdBoxes: Array<[number, number, number, number]>;
  /**
   * Every object is annotated (COCO's images; a project image the user marked done): any detector box
   * on no object may be a negative. Otherwise only `rejectedBoxes` are.
   */
  complete: boolean;
  /** Boxes of proposals the user rejected (image pixels): negatives unless they overlap an object. */
  rejectedBoxes: Array<[number, number, number, number]>;
  /** Names the image in the view cache's file names (unique, stable while the file is unchanged). */
  cacheKey: string;
}

export interface TrainingView {
  imageIndex: number;
  transform: ViewTransform;
  boxes: ViewBox[];
  /** Feature maps, row-major [y][x][c]: 32x32x88, 64x64x32, 128x128x24. */
  stride16: Float32Array;
  stride8: Float32Array;
  stride4: Float32Array;
}

/** Reads the images of `split` from COCO sets under `datasetsDir`, with their objects' masks. */
export async function loadTrainingImages(datasetsDir: string, sets: readonly string[], split: SplitName): Promise<TrainingImage[]> {
  const images: TrainingImage[] = [];
  for (const set of sets) {
    const dataset = await readCocoFile(join(datasetsDir, set, 'annotations.json'));
    const chosen = imagesInSplit(set, dataset.images.map((image) => image.id), split);
    const byImage = new Map<number, typeof dataset.annotations>();
    for (const annotation of dataset.annotations) {
      if (!chosen.has(annotation.image_id)) continue;
      const list = byImage.get(annotation.image_id) ?? [];
      list.push(annotation);
      byImage.set(annotation.image_id, list);
    }
    for (const image of [...dataset.images].sort((a, b) => a.id - b.id)) {
      if (!chosen.has(image.id)) continue;
      const annotations = byImage.get(image.id) ?? [];
      const objects: TrainingObject[] = [];
      const crowdBoxes: Array<[number, number, number, number]> = [];
      for (const annotation of annotations) {
        if (annotation.iscrowd === 1) {
          crowdBoxes.push(annotation.bbox);
          continue;
        }
        const full = decodeRle(segmentationToRle(annotation.segmentation, image.height, image.width));
        const [bx, by, bw, bh] = annotation.bbox;
        const x0 = Math.max(0, Math.floor(bx));
        const y0 = Math.max(0, Math.floor(by));
        const x1 = Math.min(image.width, Math.ceil(bx + bw));
        const y1 = Math.min(image.height, Math.ceil(by + bh));
        if (x1 <= x0 || y1 <= y0) continue;
        const data = new Uint8Array((x1 - x0) * (y1 - y0));
        for (let y = y0; y < y1; y++) data.set(full.data.subarray(y * image.width + x0, y * image.width + x1), (y - y0) * (x1 - x0));
        objects.push({ bbox: annotation.bbox, mask: { x0, y0, width: x1 - x0, height: y1 - y0, data }, area: annotation.area, categoryId: annotation.category_id });
      }
      images.push({ set, id: image.id, path: resolve(datasetsDir, set, 'images', image.file_name), width: image.width, height: image.height, objects, crowdBoxes, complete: true, rejectedBoxes: [], cacheKey: `${set}-${image.id}` });
    }
  }
  return images;
}

/** Whether the object's mask covers image pixel (x, y) (nearest pixel). */
export function objectCovers(object: TrainingObject, x: number, y: number): boolean {
  const { x0, y0, width, height, data } = object.mask;
  const column = Math.floor(x) - x0;
  const row = Math.floor(y) - y0;
  return column >= 0 && row >= 0 && column < width && row < height && data[row * width + column] === 1;
}

/** The view transforms of one image: whole, whole mirrored, then `cropViews` random crops. */
export function viewTransforms(width: number, height: number, cropViews: number, random: SeededRandom): ViewTransform[] {
  const whole = wholeImageTransform(width, height);
  const transforms: ViewTransform[] = [whole, { ...whole, flipped: true }];
  for (let i = 0; i < cropViews; i++) {
    const cropWidth = Math.round(width * (0.4 + 0.4 * random.next()));
    const cropHeight = Math.round(height * (0.4 + 0.4 * random.next()));
    transforms.push({ crop: { x: random.int(0, width - cropWidth), y: random.int(0, height - cropHeight), width: cropWidth, height: cropHeight }, flipped: random.next() < 0.5 });
  }
  return transforms;
}

/** The 512 x 512 RGB bytes of a view of decoded pixels. */
export async function viewRgb(image: { width: number; height: number; rgb: Uint8Array }, transform: ViewTransform): Promise<Uint8Array> {
  const { crop } = transform;
  let pipeline = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } });
  const whole = crop.x === 0 && crop.y === 0 && crop.width === image.width && crop.height === image.height;
  if (!whole) pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  pipeline = pipeline.resize(VIEW_SIZE, VIEW_SIZE, { fit: 'fill', kernel: 'linear' });
  if (transform.flipped) pipeline = pipeline.flop();
  const { data } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const MAX_VIEW_BOXES = 100;
const VIEW_FILE_FORMAT = 'maskpilot-promptmask-view/1';

/**
 * The views of every image (computed with `graph` where `cacheDir` lacks them). Images are decoded at
 * their annotated size (COCO photos are at most 640 px).
 */
export async function loadViews(
  graph: GraphModel,
  images: readonly TrainingImage[],
  cacheDir: string,
  options: { cropViews: number; seed: number; onProgress?: (done: number, total: number) => void },
): Promise<TrainingView[]> {
  await mkdir(cacheDir, { recursive: true });
  const views: TrainingView[] = [];
  for (let imageIndex = 0; imageIndex < images.length; imageIndex++) {
    const image = images[imageIndex];
    const file = join(cacheDir, `${image.cacheKey}-c${options.cropViews}-s${options.seed}.views`);
    let loaded = await readViewFile(file, imageIndex);
    if (loaded) {
      // A read counts as use for the cache's pruning (least recently used first, training/features.ts).
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
    } else {
      const random = new SeededRandom(options.seed * 1_000_003 + image.id);
      const decoded = await decodeImage(image.path, { maxSide: Math.max(image.width, image.height) });
      if (decoded.width !== image.width || decoded.height !== image.height) throw new Error(`${image.path} decodes to ${decoded.width}x${decoded.height}, its annotations say ${image.width}x${image.height}`);
      loaded = [];
      for (const transform of viewTransforms(image.width, image.height, options.cropViews, random)) {
        const result = await runDetectorView(graph, await viewRgb(decoded, transform), MAX_VIEW_BOXES);
        const read = async (map: tf.Tensor4D): Promise<Float32Array> => (await map.data()) as Float32Array;
        loaded.push({ imageIndex, transform, boxes: result.boxes, stride16: await read(result.maps.stride16), stride8: await read(result.maps.stride8), stride4: await read(result.maps.stride4) });
        tf.dispose([result.maps.stride16, result.maps.stride8, result.maps.stride4, result.classMap]);
      }
      await writeViewFile(file, loaded);
    }
    views.push(...loaded);
    options.onProgress?.(imageIndex + 1, images.length);
  }
  return views;
}

async function writeViewFile(path: string, views: readonly TrainingView[]): Promise<void> {
  const header = Buffer.from(JSON.stringify({ format: VIEW_FILE_FORMAT, views: views.map((view) => ({ transform: view.transform, boxes: view.boxes.map(({ classScores: _evidence, ...box }) => box), lengths: [view.stride16.length, view.stride8.length, view.stride4.length] })) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  const parts: Buffer[] = [length, header];
  for (const view of views) for (const map of [view.stride16, view.stride8, view.stride4]) parts.push(Buffer.from(map.buffer, map.byteOffset, map.byteLength));
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.concat(parts));
  await rename(temporary, path);
}

async function readViewFile(path: string, imageIndex: number): Promise<TrainingView[] | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return null;
  }
  try {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as { format: string; views: Array<{ transform: ViewTransform; boxes: ViewBox[]; lengths: number[] }> };
    if (header.format !== VIEW_FILE_FORMAT) return null;
    let offset = 4 + headerLength;
    // slice() copies into a buffer of its own: the map is aligned and outlives the file's bytes.
    const take = (length: number): Float32Array => {
      const map = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length * 4));
      offset += length * 4;
      return map;
    };
    const views = header.views.map((entry) => ({ imageIndex, transform: entry.transform, boxes: entry.boxes, stride16: take(entry.lengths[0]), stride8: take(entry.lengths[1]), stride4: take(entry.lengths[2]) }));
    return offset === bytes.byteLength ? views : null;
  } catch {
    return null;
  }
}
