// Geometry shared by every layer: masks, COCO RLE, polygon rasterisation, contours, IoU.
export type { BinaryMask } from './mask';
export { createMask } from './mask';
export type { Rle } from './rle';
export { encodeMask, decodeRle, emptyRle, fromUncompressedCocoRle } from './rle';
export { rleToString, rleFromString, toCocoRle, fromCocoRle } from './rle-string';
export type { Bbox, MergeOperation } from './rle-ops';
export { rleArea, rleBbox, rleMerge, combineRles, rleIou, bboxIou } from './rle-ops';
export { polygonToRle, polygonsToRle, ringsToRle } from './polygon-raster';
export { maskToPolygons, DEFAULT_TOLERANCE } from './contour';
export { traceContours } from './contour-trace';
export { simplifyPolygon, ringSignedArea } from './simplify';
