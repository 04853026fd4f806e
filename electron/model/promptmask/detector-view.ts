// One pass of the COCO-trained MB3-CenterNet graph over a 512 x 512 view of an image (the size its
// detector tail is built for; centernet-graph.ts), giving both what the prompt-mask head reads:
//   - the detector's boxes, class-agnostic: 3x3 local maxima of the 80 per-class centre heatmaps
//     (stride 4, sigmoid), best class per cell, with the distances to the four box edges (`wh`);
//   - the trunk's stride-16, stride-8 and stride-4 feature maps of the same pass.
// A view is the image (or a crop of it) resized to fill 512 x 512, as @vladmandic/human feeds it;
// coordinates here are view pixels.
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { CENTERNET_INPUT_NODE, CENTERNET_NATIVE_SIZE } from '../centernet-graph';
import { TRUNK_FEATURE_NODE, TRUNK_FINE_NODES } from '../trunk';

export const VIEW_SIZE = CENTERNET_NATIVE_SIZE;
const HEATMAP_STRIDE = 4;
const HEATMAP_SIZE = VIEW_SIZE / HEATMAP_STRIDE;

/** A detector box in view pixels: score in [0, 1] (the centre heatmap's peak), COCO class index 0-79. */
export interface ViewBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classIndex: number;
  /** The 80 per-class heatmap values (sigmoid) at the box's centre cell: the detector's class evidence (absent in cached training views). */
  classScores?: Float32Array;
}

/** The view's trunk features, [1, 512/s, 512/s, C] tensors for s = 16, 8, 4. */
export interface ViewMaps {
  stride16: tf.Tensor4D;
  stride8: tf.Tensor4D;
  stride4: tf.Tensor4D;
}

export interface DetectorViewResult {
  /** Best first, at most `maxBoxes`, empty boxes dropped. */
  boxes: ViewBox[];
  maps: ViewMaps;
  /** The detector's per-class centre heatmaps (sigmoid), [1, 128, 128, 80] at stride 4. */
  classMap: tf.Tensor4D;
}

/**
 * Runs the fixed-size graph on `rgb` (512 x 512 x 3 bytes, row-major) and returns the boxes and the
 * feature maps (owned by the caller: dispose them).
 */
export async function runDetectorView(graph: GraphModel, rgb: Uint8Array, maxBoxes: number): Promise<DetectorViewResult> {
  if (rgb.length !== VIEW_SIZE * VIEW_SIZE * 3) throw new Error(`a detector view is ${VIEW_SIZE}x${VIEW_SIZE} RGB, got ${rgb.length} bytes`);
  const [values, cells, classes, classVectors, extents, stride16, stride8, stride4, classMap] = tf.tidy(() => {
    // Input scaling: float 0..255 RGB (see trunk.ts for the evidence).
    const input = tf.expandDims(tf.cast(tf.tensor3d(rgb, [VIEW_SIZE, VIEW_SIZE, 3], 'int32'), 'float32'), 0);
    const [heatmap, wh, f16, f8, f4] = graph.execute({ [CENTERNET_INPUT_NODE]: input }, [
      'tower_0/keypoints',
      'tower_0/wh',
      TRUNK_FEATURE_NODE,
      TRUNK_FINE_NODES.stride8,
      TRUNK_FINE_NODES.stride4,
    ]) as tf.Tensor4D[];
    const localMax = tf.equal(heatmap, tf.maxPool(heatmap, 3, 1, 'same'));
    const peaks = tf.where(localMax, heatmap, tf.zerosLike(heatmap));
    const peakMap = tf.max(peaks, 3);
    const bestClass = tf.argMax(peaks, 3);
    const top = tf.topk(tf.reshape(peakMap, [-1]), Math.min(maxBoxes, HEATMAP_SIZE * HEATMAP_SIZE));
    const classCount = heatmap.shape[3];
    return [top.values, top.indices, tf.gather(tf.reshape(bestClass, [-1]), top.indices), tf.gather(tf.reshape(heatmap, [-1, classCount]), top.indices), tf.reshape(wh, [-1, 4]), f16, f8, f4, heatmap];
  });
  try {
    const scores = await values.data();
    const indices = await cells.data();
    const classIndices = await classes.data();
    const evidence = (await classVectors.data()) as Float32Array;
    const classCount = classVectors.shape[1] as number;
    const distances = await extents.data();
    const boxes: ViewBox[] = [];
    for (let i = 0; i < indices.length; i++) {
      if (!(scores[i] > 0)) break;
      const cell = indices[i];
      const cx = (cell % HEATMAP_SIZE) * HEATMAP_STRIDE;
      const cy = Math.floor(cell / HEATMAP_SIZE) * HEATMAP_STRIDE;
      const [left, top, right, bottom] = distances.subarray(cell * 4, cell * 4 + 4);
      const box = { x1: clamp(cx - left, 0, VIEW_SIZE), y1: clamp(cy - top, 0, VIEW_SIZE), x2: clamp(cx + right, 0, VIEW_SIZE), y2: clamp(cy + bottom, 0, VIEW_SIZE), score: scores[i], classIndex: classIndices[i], classScores: evidence.slice(i * classCount, (i + 1) * classCount) };
      if (box.x2 - box.x1 >= 1 && box.y2 - box.y1 >= 1) boxes.push(box);
    }
    return { boxes, maps: { stride16: stride16 as tf.Tensor4D, stride8: stride8 as tf.Tensor4D, stride4: stride4 as tf.Tensor4D }, classMap: classMap as tf.Tensor4D };
  } catch (error) {
    tf.dispose([stride16, stride8, stride4, classMap]);
    throw error;
  } finally {
    tf.dispose([values, cells, classes, classVectors, extents]);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
