// Turning a validated COCO segmentation into the mask it denotes, exactly as the COCO API's
// annToRLE does: polygons are rasterised one by one and unioned; RLE is taken as given.
import { fromUncompressedCocoRle, polygonsToRle, rleFromString, type Rle } from '../geometry';
import { isCompressedRle, isPolygonSegmentation, type CocoSegmentation } from './schema';

/** The mask of a segmentation on an image of `height` x `width` pixels (RLE sizes were validated to match). */
export function segmentationToRle(segmentation: CocoSegmentation, height: number, width: number): Rle {
  if (isPolygonSegmentation(segmentation)) return polygonsToRle(segmentation, height, width);
  if (isCompressedRle(segmentation)) return rleFromString(segmentation.counts, segmentation.size[0], segmentation.size[1]);
  return fromUncompressedCocoRle(segmentation);
}
