// The frozen feature trunk: the MobileNetV3 backbone of the COCO-trained MB3-CenterNet detector in
// @vladmandic/human, cut at its stride-16 node. Never trained here (DESIGN.md: wasm lacks the conv
// backprop kernels, and the trunk is the part that already knows COCO).
//
// INPUT SCALING: float32 RGB in 0..255, no mean/std normalisation. Evidence:
// 1. The graph's first op is `_FusedConv2D` applied directly to the placeholder `tower_0/images`;
//    there is no Sub/Mul/Div normalisation node in front of it (model.json).
// 2. Human feeds it `tf.cast(pixels, 'float32')` (src/image/image.ts, values 0..255) resized with
//    `tf.image.resizeBilinear` and nothing else (src/object/centernet.ts `predict`).
// 3. Measured on six coco128 images with the full detector at 512 px: with 0..255 input the top
//    detections match the ground truth (000000000034.jpg: zebra box, score 0.8; top-20 boxes matched
//    13 of 16 ground-truth boxes at IoU 0.5); with 0..1 input every score is ~0.01 and nothing matches;
//    with -1..1 input scores stay below 0.1 and 6 of 16 match.
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { CENTERNET_INPUT_NODE, loadCenternetGraph } from './centernet-graph';

/** The stride-16 node: 88 channels, [1, H/16, W/16, 88]. */
export const TRUNK_FEATURE_NODE = 'tower_0/MobilenetV3/expanded_conv_11/add';
/** The stride-8 and stride-4 nodes the mask refiner reads (32 and 24 channels), from the same pass. */
export const TRUNK_FINE_NODES = { stride8: 'tower_0/MobilenetV3/expanded_conv_5/add', stride4: 'tower_0/MobilenetV3/expanded_conv_2/add' } as const;
/** Image sizes fed to the trunk must be multiples of this (pixels). */
const TRUNK_SIZE_MULTIPLE = 32;

export interface Trunk {
  /** Pixels of input per feature cell. */
  readonly stride: 16;
  /** Feature channels (88 for this trunk). */
  readonly channels: number;
  /** Channels of the stride-8 and stride-4 features. */
  readonly fineChannels: { stride8: number; stride4: number };
  /** image: [H,W,3] float32 RGB 0..255, H and W multiples of 32; returns [H/16, W/16, channels] */
  features(image: tf.Tensor3D): tf.Tensor3D;
  /** One pass giving the stride-16 features and the finer ones: [H/16, W/16, channels], [H/8, W/8, c8], [H/4, W/4, c4]. */
  featureLevels(image: tf.Tensor3D): { stride16: tf.Tensor3D; stride8: tf.Tensor3D; stride4: tf.Tensor3D };
  dispose(): void;
}

interface LoadTrunkOptions {
  /** Directory holding centernet.json + centernet.bin (defaults to the one in @vladmandic/human). */
  modelDir?: string;
}

export async function loadTrunk(options: LoadTrunkOptions = {}): Promise<Trunk> {
  const graph = await loadCenternetGraph({ dynamicInput: true, modelDir: options.modelDir });
  const channels = probeChannels(graph);
  const fineChannels = probeFineChannels(graph);
  let disposed = false;
  return {
    stride: 16,
    channels,
    fineChannels,
    features(image: tf.Tensor3D): tf.Tensor3D {
      if (disposed) throw new Error('trunk is disposed');
      checkImage(image);
      return tf.tidy(() => {
        const batch = tf.expandDims(tf.cast(image, 'float32'), 0);
        const output = graph.execute({ [CENTERNET_INPUT_NODE]: batch }, TRUNK_FEATURE_NODE) as tf.Tensor4D;
        return tf.squeeze(output, [0]) as tf.Tensor3D;
      });
    },
    featureLevels(image: tf.Tensor3D) {
      if (disposed) throw new Error('trunk is disposed');
      checkImage(image);
      return tf.tidy(() => {
        const batch = tf.expandDims(tf.cast(image, 'float32'), 0);
        const [stride16, stride8, stride4] = (graph.execute({ [CENTERNET_INPUT_NODE]: batch }, [TRUNK_FEATURE_NODE, TRUNK_FINE_NODES.stride8, TRUNK_FINE_NODES.stride4]) as tf.Tensor4D[]).map(
          (output) => tf.squeeze(output, [0]) as tf.Tensor3D,
        );
        return { stride16, stride8, stride4 };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      graph.dispose();
    },
  };
}

/** Runs the trunk once on a small blank image (also warms up the kernels) to learn its channel count. */
function probeChannels(graph: GraphModel): number {
  const output = tf.tidy(() => graph.execute({ [CENTERNET_INPUT_NODE]: tf.zeros([1, 64, 64, 3]) }, TRUNK_FEATURE_NODE) as tf.Tensor4D);
  const [, height, width, channels] = output.shape;
  output.dispose();
  if (height !== 4 || width !== 4) throw new Error(`trunk node ${TRUNK_FEATURE_NODE} is not stride 16 (64 px gave ${height}x${width})`);
  return channels;
}

function probeFineChannels(graph: GraphModel): { stride8: number; stride4: number } {
  const outputs = tf.tidy(() => graph.execute({ [CENTERNET_INPUT_NODE]: tf.zeros([1, 64, 64, 3]) }, [TRUNK_FINE_NODES.stride8, TRUNK_FINE_NODES.stride4]) as tf.Tensor4D[]);
  const [eight, four] = outputs.map((output) => output.shape);
  tf.dispose(outputs);
  if (eight[1] !== 8 || four[1] !== 16) throw new Error(`trunk nodes ${TRUNK_FINE_NODES.stride8} / ${TRUNK_FINE_NODES.stride4} are not stride 8 / 4 (64 px gave ${eight[1]} / ${four[1]})`);
  return { stride8: eight[3], stride4: four[3] };
}

function checkImage(image: tf.Tensor3D): void {
  const [height, width, depth] = image.shape;
  if (image.rank !== 3 || depth !== 3) throw new Error(`trunk input must be [H,W,3] RGB, got [${image.shape.join(',')}]`);
  if (height % TRUNK_SIZE_MULTIPLE !== 0 || width % TRUNK_SIZE_MULTIPLE !== 0 || height === 0 || width === 0) {
    throw new Error(`trunk input height and width must be positive multiples of ${TRUNK_SIZE_MULTIPLE}, got ${height}x${width}`);
  }
}
