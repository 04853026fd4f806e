// The COCO instance-segmentation format (https://cocodataset.org/#format-data) as MaskPilot reads
// and writes it. These are the *validated* shapes: parseCocoDataset turns unknown JSON into them or
// throws, so code holding a CocoDataset may rely on every invariant stated here.
// Coordinates are image pixels, origin at the top-left corner of the top-left pixel.
import type { CocoRle } from '../api/types';

export type { CocoRle };

/** Free-form dataset description (description, version, year, contributor, ...); kept as given. */
export type CocoInfo = Record<string, unknown>;

export interface CocoLicense {
  id: number;
  name: string;
  url?: string;
}

export interface CocoImage {
  /** Non-negative safe integer, unique within the dataset. */
  id: number;
  /** Path of the image relative to the dataset's image folder; non-empty and unique within the dataset. */
  file_name: string;
  /** Positive integers, pixels. */
  width: number;
  height: number;
  license?: number;
  coco_url?: string;
  flickr_url?: string;
  date_captured?: string;
}

/**
 * Polygons: one flat ring [x0, y0, x1, y1, ...] per part, each with >= 3 points (>= 6 finite
 * numbers, even length). COCO rasterises each ring on its own and takes the union of the rings,
 * so polygons cannot express holes: masks with holes are stored as RLE.
 */
export type CocoPolygons = number[][];

/** An RLE whose counts are plain numbers (COCO uses it for crowd regions). Column-major, first run counts zeros; the counts sum to height * width. */
export interface CocoUncompressedRle {
  /** [height, width], equal to the image's. */
  size: [number, number];
  counts: number[];
}

/** Compressed RLE (`counts` is COCO's ASCII string); its counts sum to height * width and `size` equals the image's [height, width]. */
export type CocoSegmentation = CocoPolygons | CocoUncompressedRle | CocoRle;

/** [x, y, width, height] in pixels; width and height >= 0. */
export type CocoBbox = [number, number, number, number];

export interface CocoAnnotation {
  /** Non-negative safe integer, unique among annotations. */
  id: number;
  /** An existing image's id. */
  image_id: number;
  /** An existing category's id. */
  category_id: number;
  segmentation: CocoSegmentation;
  /** Pixels (>= 0). As stated in the file; filled from the mask when the file omits it. */
  area: number;
  /** As stated in the file; filled from the mask when the file omits it. */
  bbox: CocoBbox;
  /** 1 marks a crowd region: evaluation ignores detections matched to it. Absent in the file means 0. */
  iscrowd: 0 | 1;
  /** Only in results files and MaskPilot exports of proposals: confidence, finite. */
  score?: number;
}

export interface CocoCategory {
  /** Positive safe integer, unique among categories. */
  id: number;
  name: string;
  supercategory?: string;
  /** MaskPilot extension: "#rrggbb" display colour; other tools ignore it. */
  color?: string;
}

export interface CocoDataset {
  info?: CocoInfo;
  licenses?: CocoLicense[];
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

export function isPolygonSegmentation(segmentation: CocoSegmentation): segmentation is CocoPolygons {
  return Array.isArray(segmentation);
}

export function isCompressedRle(segmentation: CocoSegmentation): segmentation is CocoRle {
  return !Array.isArray(segmentation) && typeof segmentation.counts === 'string';
}
