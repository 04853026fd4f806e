// Baseline proposer for the AR table: the boxes of the COCO-trained MB3-CenterNet detector that the
// trunk comes from, made class-agnostic and filled as rectangular masks. It shows what the learned
// DeepMask heads add over "the trunk's own detector, boxes only".
//
// Decoding follows the graph's own tail (centernet.json): `tower_0/keypoints` [1,128,128,80] are
// per-class centre heatmaps at stride 4 (sigmoid), `tower_0/wh` [1,128,128,4] the distances (input
// pixels) from the centre to the left, top, right and bottom edges; a box centred at cell (cx, cy) is
// [4cx - l, 4cy - t, 4cx + r, 4cy + b]. Peaks are 3x3 local maxima per class (as the graph's MaxPool
// + Equal); we keep the best class per cell and take the top cells over the map. The detector only
// runs at 512 x 512 (its TopK reshape is baked in), so images are resized to that (fill), as in human.
import { randomUUID } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Instance } from '../../shared/api/types';
import { toCocoRle } from '../../shared/geometry';
import { selectBackend, type BackendName, type BackendSelection } from './backend';
import { CENTERNET_INPUT_NODE, CENTERNET_NATIVE_SIZE, loadCenternetGraph } from './centernet-graph';
import { decodeImage, resizeRgb, type DecodedImage } from './decode';
import type { ModelImage } from './proposal-model';
import { rectMaskToRle } from './postprocess';
import { clamp } from '../../shared/geometry/clamp';

const HEATMAP_STRIDE = 4;
const HEATMAP_SIZE = CENTERNET_NATIVE_SIZE / HEATMAP_STRIDE;

/** A detector box in image pixels with its (class-agnostic) centre-heatmap score in [0, 1]. */
export interface DetectorBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

export interface DetectorBoxBaseline {
  readonly backend: BackendSelection | null;
  load(): Promise<void>;
  /** The best boxes (at most one per heatmap cell, up to 128 x 128), as rectangle-mask Instances. */
  propose(image: ModelImage, options: { maxProposals: number }): Promise<Instance[]>;
  /** The same boxes without building masks (image pixels, best first). */
  boxes(image: ModelImage, maxBoxes: number): Promise<DetectorBox[]>;
  dispose(): void;
}

export const DETECTOR_BASELINE_VERSION = 'centernet-boxes';

export function createDetectorBoxBaseline(options: { backend?: BackendName } = {}): DetectorBoxBaseline {
  let graph: GraphModel | null = null;
  let backend: BackendSelection | null = null;

  const boxes = async (image: ModelImage, maxBoxes: number): Promise<{ decoded: DecodedImage; boxes: DetectorBox[] }> => {
    if (!graph) throw new Error('detector baseline is not loaded: call load() first');
    const decoded = 'rgb' in image ? image : await decodeImage(image.path, { maxSide: 2048 });
    const rgb = await resizeRgb(decoded, CENTERNET_NATIVE_SIZE, CENTERNET_NATIVE_SIZE);
    const model = graph;
    const [peaks, indices, extents] = tf.tidy(() => {
      // Input scaling: float 0..255 RGB (see trunk.ts for the evidence).
      const input = tf.expandDims(tf.cast(tf.tensor3d(rgb, [CENTERNET_NATIVE_SIZE, CENTERNET_NATIVE_SIZE, 3], 'int32'), 'float32'), 0);
      const [heatmap, wh] = model.execute({ [CENTERNET_INPUT_NODE]: input }, ['tower_0/keypoints', 'tower_0/wh']) as tf.Tensor4D[];
      const localMax = tf.equal(heatmap, tf.maxPool(heatmap, 3, 1, 'same'));
      const peakMap = tf.max(tf.where(localMax, heatmap, tf.zerosLike(heatmap)), 3);
      const k = Math.min(maxBoxes, HEATMAP_SIZE * HEATMAP_SIZE);
      const top = tf.topk(tf.reshape(peakMap, [-1]), k);
      return [top.values, top.indices, tf.reshape(wh, [-1, 4])];
    });
    const scores = await peaks.data();
    const cells = await indices.data();
    const distances = await extents.data();
    tf.dispose([peaks, indices, extents]);
    const scaleX = decoded.originalWidth / CENTERNET_NATIVE_SIZE;
    const scaleY = decoded.originalHeight / CENTERNET_NATIVE_SIZE;
    const result: DetectorBox[] = [];
    for (let i = 0; i < cells.length; i++) {
      if (!(scores[i] > 0)) break;
      const cell = cells[i];
      const cx = (cell % HEATMAP_SIZE) * HEATMAP_STRIDE;
      const cy = Math.floor(cell / HEATMAP_SIZE) * HEATMAP_STRIDE;
      const [left, top, right, bottom] = distances.subarray(cell * 4, cell * 4 + 4);
      result.push({
        x1: clamp((cx - left) * scaleX, 0, decoded.originalWidth),
        y1: clamp((cy - top) * scaleY, 0, decoded.originalHeight),
        x2: clamp((cx + right) * scaleX, 0, decoded.originalWidth),
        y2: clamp((cy + bottom) * scaleY, 0, decoded.originalHeight),
        score: scores[i],
      });
    }
    return { decoded, boxes: result };
  };

  return {
    get backend() {
      return backend;
    },
    async load() {
      backend = await selectBackend(options.backend);
      graph ??= await loadCenternetGraph({ dynamicInput: false });
    },
    async boxes(image, maxBoxes) {
      return (await boxes(image, maxBoxes)).boxes;
    },
    async propose(image, { maxProposals }) {
      const { decoded, boxes: found } = await boxes(image, maxProposals);
      const width = decoded.originalWidth;
      const height = decoded.originalHeight;
      const instances: Instance[] = [];
      for (const box of found) {
        const x = Math.round(box.x1);
        const y = Math.round(box.y1);
        const boxWidth = Math.round(box.x2) - x;
        const boxHeight = Math.round(box.y2) - y;
        if (boxWidth <= 0 || boxHeight <= 0) continue;
        const rle = rectMaskToRle({ imageWidth: width, imageHeight: height, x, y, width: boxWidth, height: boxHeight, data: new Uint8Array(boxWidth * boxHeight).fill(1) });
        instances.push({
          id: randomUUID(),
          polygons: [[x, y, x + boxWidth, y, x + boxWidth, y + boxHeight, x, y + boxHeight]],
          rle: toCocoRle(rle),
          score: box.score,
          status: 'proposed',
          source: 'model',
          categoryId: null,
          modelVersion: DETECTOR_BASELINE_VERSION,
        });
      }
      return instances;
    },
    dispose() {
      graph?.dispose();
      graph = null;
    },
  };
}
