// Geometry shared by every layer: masks, COCO RLE, polygon rasterisation, contours, IoU.
// Conventions: image pixels, origin at the top-left corner of the top-left pixel, x right, y down;
// pixel (x, y) covers [x, x+1) x [y, y+1). Masks are row-major; RLEs are COCO's column-major runs.
// Polygons are flat [x0, y0, x1, y1, ...] rings; traced outer rings run clockwise on screen and holes
// counter-clockwise, but every rasteriser here is orientation-independent.
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
export { clamp } from './clamp';
