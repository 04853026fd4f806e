// Window geometry of DeepMask training, aligned to the trunk's stride-16 feature grid.
//
// A training window is 224 x 224 pixels of a rescaled image, i.e. 14 x 14 cells of the stride-16
// feature map. The heads see only cached feature maps, so a window must map to whole cells: its
// top-left corner sits at a multiple of 16 pixels, hence its centre (corner + 112 = corner + 7 cells)
// is also on the 16-pixel grid. Translation jitter therefore moves in whole cells (16 px): the
// candidate windows of an object are all grid-aligned windows whose centre lies within +-16 px of the
// object's centre (two or three per axis). Scale jitter is discrete too: images are rescaled on a
// lattice of scales 2^(k/4), so an object whose canonical scale band [2^-1/4, 2^+1/4] spans half an
// octave falls in it at about two lattice scales. Rescaled sizes are rounded to multiples of 32 (the
// trunk's requirement), so every level has its own exact per-axis scale, used everywhere below.

/** Constants of the sampling scheme; pixel values are in rescaled-image pixels. */
export const WINDOW_GEOMETRY = {
  /** Feature stride of the trunk (pixels per cell). */
  stride: 16,
  /** Window side in pixels (224) and in cells (14). */
  windowPixels: 224,
  windowCells: 14,
  /** Side of the mask target, h_o = w_o = 56: one target pixel per 4 x 4 window pixels. */
  maskSize: 56,
  /** The object's larger side at the canonical scale. */
  canonicalObjectPixels: 128,
  /** Positive: centre within +-16 px of the window centre (per axis). */
  positiveMaxOffset: 16,
  /** Positive: larger side within canonical * 2^(+-1/4). */
  positiveScaleOctaves: 0.25,
  /** Negative: every object is >= 32 px off-centre (on some axis) or off by >= 2^1 in scale. */
  negativeMinOffset: 32,
  negativeScaleOctaves: 1,
  /** Scales of the image pyramid are 2^(k / levelsPerOctave). */
  levelsPerOctave: 4,
  /** Rescaled image sides are multiples of this (the trunk needs multiples of 32). */
  sizeMultiple: 32,
} as const;

/** A bounding box in original-image pixels: [x, y, width, height] as in COCO. */
export type Bbox = readonly [number, number, number, number];

/**
 * One rescaled (and possibly mirrored) version of an image: what the trunk runs on and what the
 * feature cache stores. `width`/`height` are multiples of 32 pixels; the feature map is
 * (height/16) x (width/16) cells.
 */
export interface ImageView {
  /** Lattice exponent: nominal scale 2^(level / 4). */
  level: number;
  /** Rescaled size in pixels (multiples of 32). */
  width: number;
  height: number;
  /** Exact per-axis scale: rescaled pixels per original pixel (width / originalWidth). */
  scaleX: number;
  scaleY: number;
  /** True when the rescaled image is mirrored left-right. */
  flipped: boolean;
}

/** A window: top-left corner in feature cells of a view (may be negative or past the map: padding). */
export type { WindowPosition } from '../window-cut';
import type { WindowPosition } from '../window-cut';

/** Size of the view of an image of `width` x `height` original pixels at lattice level `level`. */
function viewSize(width: number, height: number, level: number): { width: number; height: number } {
  const scale = 2 ** (level / WINDOW_GEOMETRY.levelsPerOctave);
  const multiple = WINDOW_GEOMETRY.sizeMultiple;
  return {
    width: Math.max(multiple, Math.round((width * scale) / multiple) * multiple),
    height: Math.max(multiple, Math.round((height * scale) / multiple) * multiple),
  };
}

export function makeView(originalWidth: number, originalHeight: number, level: number, flipped: boolean): ImageView {
  const size = viewSize(originalWidth, originalHeight, level);
  return { level, ...size, scaleX: size.width / originalWidth, scaleY: size.height / originalHeight, flipped };
}

/** A box mapped into a view: left, top, width, height and centre, in view pixels. */
export interface ViewBox {
  left: number;
  top: number;
  width: number;
  height: number;
  centerX: number;
  centerY: number;
}

export function boxInView(bbox: Bbox, view: ImageView): ViewBox {
  const [x, y, w, h] = bbox;
  const width = w * view.scaleX;
  const height = h * view.scaleY;
  const unflippedLeft = x * view.scaleX;
  const left = view.flipped ? view.width - unflippedLeft - width : unflippedLeft;
  const top = y * view.scaleY;
  return { left, top, width, height, centerX: left + width / 2, centerY: top + height / 2 };
}

/** Centre of a window in view pixels. */
function windowCenter(position: WindowPosition): { x: number; y: number } {
  const half = WINDOW_GEOMETRY.windowPixels / 2;
  return { x: position.cellX * WINDOW_GEOMETRY.stride + half, y: position.cellY * WINDOW_GEOMETRY.stride + half };
}

/** log2 of (the box's larger side / the canonical 128 px): 0 at the canonical scale. */
function scaleOctaves(box: ViewBox): number {
  return Math.log2(Math.max(box.width, box.height) / WINDOW_GEOMETRY.canonicalObjectPixels);
}

const EPSILON = 1e-9;

/** The seed's positive constraints: roughly centred, fully contained, larger side ~128 px. */
function isPositiveFor(box: ViewBox, position: WindowPosition): boolean {
  const g = WINDOW_GEOMETRY;
  if (Math.abs(scaleOctaves(box)) > g.positiveScaleOctaves + EPSILON) return false;
  const center = windowCenter(position);
  if (Math.abs(box.centerX - center.x) > g.positiveMaxOffset + EPSILON) return false;
  if (Math.abs(box.centerY - center.y) > g.positiveMaxOffset + EPSILON) return false;
  const left = position.cellX * g.stride;
  const top = position.cellY * g.stride;
  return (
    box.left >= left - EPSILON &&
    box.top >= top - EPSILON &&
    box.left + box.width <= left + g.windowPixels + EPSILON &&
    box.top + box.height <= top + g.windowPixels + EPSILON
  );
}

/**
 * True when the box rules the window out as a negative: it is within 32 px of the centre on both
 * axes and within a factor 2 of the canonical scale. A window is a negative only if no object
 * (crowd regions included) is near it in this sense.
 */
export function isNearFor(box: ViewBox, position: WindowPosition): boolean {
  const g = WINDOW_GEOMETRY;
  if (Math.abs(scaleOctaves(box)) >= g.negativeScaleOctaves) return false;
  const center = windowCenter(position);
  return Math.abs(box.centerX - center.x) < g.negativeMinOffset && Math.abs(box.centerY - center.y) < g.negativeMinOffset;
}

/** All grid-aligned window positions for which the box is a positive (empty if its scale is off). */
export function positiveWindows(box: ViewBox): WindowPosition[] {
  const g = WINDOW_GEOMETRY;
  if (Math.abs(scaleOctaves(box)) > g.positiveScaleOctaves + EPSILON) return [];
  const half = g.windowPixels / 2;
  const cellRange = (center: number): number[] => {
    const first = Math.ceil((center - g.positiveMaxOffset - half - EPSILON) / g.stride);
    const last = Math.floor((center + g.positiveMaxOffset - half + EPSILON) / g.stride);
    const cells: number[] = [];
    for (let cell = first; cell <= last; cell++) cells.push(cell);
    return cells;
  };
  const positions: WindowPosition[] = [];
  for (const cellY of cellRange(box.centerY)) {
    for (const cellX of cellRange(box.centerX)) {
      const position = { cellX, cellY };
      if (isPositiveFor(box, position)) positions.push(position);
    }
  }
  return positions;
}

/** Lattice levels at which a box of this size is within the positive scale band in some view. */
export function positiveLevels(bbox: Bbox, originalWidth: number, originalHeight: number, maxViewSide: number): number[] {
  const g = WINDOW_GEOMETRY;
  const larger = Math.max(bbox[2], bbox[3]);
  if (!(larger > 0)) return [];
  // Nominal scale putting the larger side at 128 px; rounding to multiples of 32 moves the exact
  // scale a little, so test the lattice points around it with the exact view geometry.
  const nominal = Math.log2(g.canonicalObjectPixels / larger) * g.levelsPerOctave;
  const levels: number[] = [];
  for (let level = Math.floor(nominal) - 2; level <= Math.ceil(nominal) + 2; level++) {
    const view = makeView(originalWidth, originalHeight, level, false);
    if (Math.max(view.width, view.height) > maxViewSide) continue;
    if (Math.abs(scaleOctaves(boxInView(bbox, view))) <= g.positiveScaleOctaves + EPSILON) levels.push(level);
  }
  return levels;
}
