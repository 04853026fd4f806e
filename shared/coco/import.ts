// COCO dataset -> MaskPilot project content. Every annotation becomes an accepted manual instance
// whose mask is exactly what the COCO API would rasterise (polygons: per-ring rasterisation then
// union; RLE: as given) and whose polygons are the file's own (or traced from the mask for RLE).
// The input must come from parseCocoDataset, so every reference and size has been checked.
import type { Category, Instance } from '../api/types';
import { decodeRle, maskToPolygons, toCocoRle } from '../geometry';
import { paletteColor } from './colors';
import { isCompressedRle, isPolygonSegmentation, type CocoAnnotation, type CocoDataset, type CocoImage } from './schema';
import { segmentationToRle } from './segmentation';

export interface ProjectImageContent {
  /** The COCO file_name: the image's path relative to the project folder. */
  fileName: string;
  /** Pixels. */
  width: number;
  height: number;
  /** In the file's annotation order. */
  instances: Instance[];
}

export interface ProjectContent {
  categories: Category[];
  /** In the file's image order. */
  images: ProjectImageContent[];
}

const INSTANCE_ID_PREFIX = 'coco-';

/** Instance id for a COCO annotation id: stable, so re-importing the same file gives the same ids and export can give the id back. */
export function instanceIdForAnnotation(annotationId: number): string {
  return `${INSTANCE_ID_PREFIX}${annotationId}`;
}

/** The COCO annotation id an instance came from, or undefined for instances created in MaskPilot. */
export function annotationIdOfInstance(instanceId: string): number | undefined {
  if (!instanceId.startsWith(INSTANCE_ID_PREFIX)) return undefined;
  const digits = instanceId.slice(INSTANCE_ID_PREFIX.length);
  if (!/^(0|[1-9]\d*)$/.test(digits)) return undefined;
  const id = Number(digits);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function cocoToProject(dataset: CocoDataset): ProjectContent {
  // A category without a colour gets the palette colour of its position in the file.
  const categories = dataset.categories.map((category, position) => ({
    id: category.id,
    name: category.name,
    color: category.color ?? paletteColor(position),
  }));
  const imagesById = new Map(dataset.images.map((image) => [image.id, image]));
  const instancesByImage = new Map<number, Instance[]>(dataset.images.map((image) => [image.id, []]));
  for (const annotation of dataset.annotations) {
    const image = imagesById.get(annotation.image_id);
    if (image === undefined) throw new RangeError(`annotation ${annotation.id} refers to image ${annotation.image_id}; validate with parseCocoDataset first`);
    instancesByImage.get(image.id)!.push(annotationToInstance(annotation, image));
  }
  return {
    categories,
    images: dataset.images.map((image) => ({
      fileName: image.file_name,
      width: image.width,
      height: image.height,
      instances: instancesByImage.get(image.id)!,
    })),
  };
}

function annotationToInstance(annotation: CocoAnnotation, image: CocoImage): Instance {
  const segmentation = annotation.segmentation;
  const mask = segmentationToRle(segmentation, image.height, image.width);
  const instance: Instance = {
    id: instanceIdForAnnotation(annotation.id),
    polygons: isPolygonSegmentation(segmentation) ? segmentation.map((ring) => ring.slice()) : maskToPolygons(decodeRle(mask)),
    rle: isCompressedRle(segmentation) ? { size: [segmentation.size[0], segmentation.size[1]], counts: segmentation.counts } : toCocoRle(mask),
    score: null,
    status: 'accepted',
    source: 'manual',
    categoryId: annotation.category_id,
    modelVersion: null,
  };
  if (annotation.iscrowd === 1) instance.isCrowd = true;
  return instance;
}
