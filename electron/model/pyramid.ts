// The multi-scale pyramid of DeepMask inference and the window <-> image coordinate mapping.
//
// Conventions shared with the training sampler (electron/model/sampler/geometry.ts): a level is the
// image resized (fill, per-axis scale) to sides that are multiples of 32 px; a window is 14 x 14
// stride-16 cells = 224 level pixels whose top-left corner is at cell (cellX, cellY), i.e. level pixels
// [16 cellX, 16 cellX + 224); cells outside the feature map are zero (windows may hang over the border
// so objects near the edge still get a window centred on them).

export const STRIDE = 16;
export const WINDOW_CELLS = 14;
const WINDOW_PIXELS = STRIDE * WINDOW_CELLS;
/** An object's larger side at the scale the heads were trained for (level pixels). */
export const CANONICAL_OBJECT_PIXELS = 128;
const SIZE_MULTIPLE = 32;

export interface PyramidLevel {
  /** Position in the pyramid, 0 = largest scale. */
  index: number;
  /** Nominal scale 2^(k / levelsPerOctave): level pixels per image pixel. */
  scale: number;
  /** Level size in pixels (multiples of 32). */
  width: number;
  height: number;
  /** Exact per-axis scale after rounding the size: level pixels per image pixel. */
  scaleX: number;
  scaleY: number;
}

export interface PyramidOptions {
  /** Smallest object side (image pixels) the pyramid should bring to the canonical 128 px. */
  minObjectSize: number;
  /** Largest object side (image pixels); defaults to the image's larger side. */
  maxObjectSize?: number;
  /** Levels per octave (2 = scales 2^(k/2), as in the DeepMask paper). */
  levelsPerOctave: number;
  /** Upper bound on a level's larger side (pixels), to bound trunk time and wasm memory. */
  maxLevelSide: number;
}

/** A rectangle in image pixels (may extend past the image). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function levelSize(imageWidth: number, imageHeight: number, scale: number): { width: number; height: number } {
  return {
    width: Math.max(SIZE_MULTIPLE, Math.round((imageWidth * scale) / SIZE_MULTIPLE) * SIZE_MULTIPLE),
    height: Math.max(SIZE_MULTIPLE, Math.round((imageHeight * scale) / SIZE_MULTIPLE) * SIZE_MULTIPLE),
  };
}

export function makeLevel(imageWidth: number, imageHeight: number, scale: number, index: number): PyramidLevel {
  const size = levelSize(imageWidth, imageHeight, scale);
  return { index, scale, ...size, scaleX: size.width / imageWidth, scaleY: size.height / imageHeight };
}

/**
 * Levels 2^(k / levelsPerOctave) from the one putting minObjectSize at 128 px down to the one putting
 * maxObjectSize there, largest first; levels over maxLevelSide are dropped (their objects are still
 * found, less well, at the next level down), and duplicate sizes after rounding are merged.
 */
export function buildPyramid(imageWidth: number, imageHeight: number, options: PyramidOptions): PyramidLevel[] {
  if (!(imageWidth > 0 && imageHeight > 0)) throw new Error(`image size must be positive, got ${imageWidth}x${imageHeight}`);
  const { levelsPerOctave, maxLevelSide } = options;
  if (options.maxObjectSize !== undefined && !(options.maxObjectSize >= options.minObjectSize)) {
    throw new Error(`object size range [${options.minObjectSize}, ${options.maxObjectSize}] is empty`);
  }
  if (!(options.minObjectSize > 0)) throw new Error(`minObjectSize must be positive, got ${options.minObjectSize}`);
  const maxObjectSize = options.maxObjectSize ?? Math.max(imageWidth, imageHeight);
  // An image smaller than the smallest object size is one object at most: one scale range of its own.
  const minObjectSize = Math.min(options.minObjectSize, maxObjectSize);
  const highest = Math.round(Math.log2(CANONICAL_OBJECT_PIXELS / minObjectSize) * levelsPerOctave);
  const lowest = Math.round(Math.log2(CANONICAL_OBJECT_PIXELS / maxObjectSize) * levelsPerOctave);
  const levels: PyramidLevel[] = [];
  const seen = new Set<string>();
  for (let k = highest; k >= lowest; k--) {
    const scale = 2 ** (k / levelsPerOctave);
    const size = levelSize(imageWidth, imageHeight, scale);
    if (Math.max(size.width, size.height) > maxLevelSide) continue;
    const key = `${size.width}x${size.height}`;
    if (seen.has(key)) continue;
    seen.add(key);
    levels.push(makeLevel(imageWidth, imageHeight, scale, levels.length));
  }
  if (levels.length === 0) levels.push(makeLevel(imageWidth, imageHeight, Math.min(1, maxLevelSide / Math.max(imageWidth, imageHeight)), 0));
  return levels;
}

/** The window with top-left cell (cellX, cellY) of a level, in image pixels. */
export function windowRect(level: PyramidLevel, cellX: number, cellY: number): Rect {
  return {
    x: (cellX * STRIDE) / level.scaleX,
    y: (cellY * STRIDE) / level.scaleY,
    width: WINDOW_PIXELS / level.scaleX,
    height: WINDOW_PIXELS / level.scaleY,
  };
}

/** The window of a level whose centre is nearest to an image point: its top-left cell. */
export function windowCentredAt(level: PyramidLevel, x: number, y: number): { cellX: number; cellY: number } {
  const half = WINDOW_PIXELS / 2;
  return { cellX: Math.round((x * level.scaleX - half) / STRIDE), cellY: Math.round((y * level.scaleY - half) / STRIDE) };
}
