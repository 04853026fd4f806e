// Image decoding for the model: any file sharp reads (JPEG, PNG, WebP, TIFF, ...; grayscale, CMYK,
// 16-bit, with alpha or EXIF rotation) becomes 8-bit sRGB pixels of the image as a person sees it,
// downscaled so its larger side is at most maxSide. Huge images (e.g. 12000 x 9000) are reduced by
// libvips while decoding (shrink-on-load), so full-resolution pixels never reach tfjs or its wasm heap.
import sharp, { type Metadata } from 'sharp';

/** 8-bit RGB pixels, row-major, 3 bytes per pixel, plus the size of the image they were taken from. */
export interface DecodedImage {
  /** Width and height of `rgb` in pixels. */
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Size of the EXIF-oriented original (pixels); masks are reported at this size. */
  originalWidth: number;
  originalHeight: number;
}

interface DecodeOptions {
  /** Upper bound on the decoded image's larger side (pixels). */
  maxSide: number;
}

/** Decodes and EXIF-orients a file; throws a one-line error naming the file when it cannot. */
export async function decodeImage(path: string, options: DecodeOptions): Promise<DecodedImage> {
  let metadata: Metadata;
  try {
    // limitInputPixels off: a 12000 x 9000 photo (108 MP) is legitimate; memory is bounded by the resize.
    metadata = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new Error(`cannot decode ${path}: ${(error as Error).message}`);
  }
  const swaps = (metadata.orientation ?? 1) >= 5;
  const originalWidth = (swaps ? metadata.height : metadata.width) ?? 0;
  const originalHeight = (swaps ? metadata.width : metadata.height) ?? 0;
  if (!(originalWidth > 0 && originalHeight > 0)) throw new Error(`cannot decode ${path}: no image size in its header`);
  const factor = Math.min(1, options.maxSide / Math.max(originalWidth, originalHeight));
  const width = Math.max(1, Math.round(originalWidth * factor));
  const height = Math.max(1, Math.round(originalHeight * factor));
  try {
    const { data, info } = await sharp(path, { limitInputPixels: false, failOn: 'error' })
      .rotate()
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== width || info.height !== height) {
      throw new Error(`decoded ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
    }
    return { width, height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), originalWidth, originalHeight };
  } catch (error) {
    throw new Error(`cannot decode ${path}: ${(error as Error).message}`);
  }
}

/** Resizes RGB pixels to exactly width x height (per-axis scale), as the training views are made. */
export async function resizeRgb(image: { width: number; height: number; rgb: Uint8Array }, width: number, height: number): Promise<Uint8Array> {
  if (image.width === width && image.height === height) return image.rgb;
  const { data } = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A rectangle of pixels: left, top, width, height. */
interface PixelRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The pixels of `region` of the image resized to width x height: exactly the same bytes as cropping
 * resizeRgb's output, but libvips computes only the region (about 5x faster for a click's crop of a
 * 896 px level).
 */
export async function resizeRgbRegion(image: { width: number; height: number; rgb: Uint8Array }, width: number, height: number, region: PixelRegion): Promise<Uint8Array> {
  const { left, top } = region;
  if (!(Number.isInteger(left) && Number.isInteger(top) && left >= 0 && top >= 0 && region.width > 0 && region.height > 0 && left + region.width <= width && top + region.height <= height)) {
    throw new Error(`region ${region.width}x${region.height}+${left}+${top} does not lie inside ${width}x${height}`);
  }
  let pipeline = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (image.width !== width || image.height !== height) pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'linear' });
  const { data } = await pipeline.extract(region).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
