// Decodes an image file into the pixels of one view (rescaled to the view's size, mirrored if the
// view is flipped) and runs the trunk on them: the FeatureComputer the trainer's cache uses.
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { ImageView } from '../sampler/geometry';
import type { Trunk } from '../trunk';
import type { FeatureComputer, FeatureMap, PlainFeatureMap } from './features';

/** An image file and the size its annotations use (pixels). */
export interface AnnotatedImageFile {
  path: string;
  width: number;
  height: number;
}

/**
 * RGB bytes (row-major, 3 per pixel) of `view` of `file`. Annotation sizes may refer to the stored
 * pixels or to the EXIF-oriented ones (MaskPilot's own exports); whichever matches is used.
 */
async function viewPixels(file: AnnotatedImageFile, view: ImageView): Promise<Uint8Array> {
  const metadata = await sharp(file.path).metadata();
  const swaps = (metadata.orientation ?? 1) >= 5;
  const orientedWidth = swaps ? metadata.height : metadata.width;
  const orientedHeight = swaps ? metadata.width : metadata.height;
  let pipeline = sharp(file.path, { limitInputPixels: false });
  if (orientedWidth === file.width && orientedHeight === file.height) pipeline = pipeline.rotate();
  else if (metadata.width !== file.width || metadata.height !== file.height) {
    throw new Error(`${file.path} is ${metadata.width}x${metadata.height} px but its annotations say ${file.width}x${file.height}`);
  }
  pipeline = pipeline.resize(view.width, view.height, { fit: 'fill', kernel: 'linear' });
  if (view.flipped) pipeline = pipeline.flop();
  const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== view.width || info.height !== view.height || info.channels !== 3) {
    throw new Error(`${file.path}: decoded ${info.width}x${info.height}x${info.channels}, expected ${view.width}x${view.height}x3`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A FeatureComputer running `trunk` on views of `files[imageIndex]`; with `fine`, each map also
 * carries the view's stride-8 and stride-4 features (same trunk pass), for heads with a refiner.
 */
export function trunkFeatureComputer(trunk: Trunk, files: readonly AnnotatedImageFile[], options: { fine?: boolean } = {}): FeatureComputer {
  return async (imageIndex: number, view: ImageView): Promise<FeatureMap> => {
    const pixels = await viewPixels(files[imageIndex], view);
    const image = (): tf.Tensor3D => tf.cast(tf.tensor3d(pixels, [view.height, view.width, 3], 'int32'), 'float32') as tf.Tensor3D;
    if (!options.fine) {
      const features = tf.tidy(() => trunk.features(image()));
      try {
        return await readMap(features);
      } finally {
        features.dispose();
      }
    }
    const levels = tf.tidy(() => trunk.featureLevels(image()));
    try {
      return { ...(await readMap(levels.stride16)), fine: { stride8: await readMap(levels.stride8), stride4: await readMap(levels.stride4) } };
    } finally {
      tf.dispose([levels.stride16, levels.stride8, levels.stride4]);
    }
  };
}

async function readMap(features: tf.Tensor3D): Promise<PlainFeatureMap> {
  const [height, width, channels] = features.shape;
  return { width, height, channels, data: (await features.data()) as Float32Array };
}
