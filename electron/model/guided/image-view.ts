// The 512 x 512 detector view of one image that the detector-guided model works on: the decoded
// pixels, the trunk's feature maps of the view (tensors, owned here) and, once proposals asked for
// them, the detector's boxes. Clicks need only the maps (one trunk pass, no detector tail), so a first
// click on a new image does not pay for the detector.
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { CENTERNET_INPUT_NODE } from '../centernet-graph';
import { resizeRgb, type DecodedImage } from '../decode';
import { runDetectorView, VIEW_SIZE, type ViewBox, type ViewMaps } from '../promptmask/detector-view';
import { TRUNK_FEATURE_NODE, TRUNK_FINE_NODES } from '../trunk';

export interface ImageView {
  decoded: DecodedImage;
  maps: ViewMaps;
  /** Detector boxes in view pixels, best first; null until the detector ran. */
  boxes: ViewBox[] | null;
  /** The detector's class heatmaps [1, 128, 128, 80] (owned here); null until the detector ran. */
  classMap: tf.Tensor4D | null;
  dispose(): void;
}

/** Decoded-image pixels per view pixel, per axis. */
export function viewScale(decoded: DecodedImage): { x: number; y: number } {
  return { x: decoded.width / VIEW_SIZE, y: decoded.height / VIEW_SIZE };
}

/** The view of `decoded`: with `maxBoxes` > 0 the detector's boxes too, else the trunk maps only. */
export async function computeImageView(graph: GraphModel, decoded: DecodedImage, maxBoxes: number): Promise<ImageView> {
  const rgb = await resizeRgb(decoded, VIEW_SIZE, VIEW_SIZE);
  let maps: ViewMaps;
  let boxes: ViewBox[] | null = null;
  let classMap: tf.Tensor4D | null = null;
  if (maxBoxes > 0) {
    const result = await runDetectorView(graph, rgb, maxBoxes);
    maps = result.maps;
    boxes = result.boxes;
    classMap = result.classMap;
  } else {
    maps = trunkMaps(graph, rgb);
  }
  let disposed = false;
  const view: ImageView = {
    decoded,
    maps,
    boxes,
    classMap,
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([maps.stride16, maps.stride8, maps.stride4]);
      view.classMap?.dispose();
    },
  };
  return view;
}

/** The detector's boxes for a view that has only its maps (runs the whole graph once more). */
export async function addDetections(graph: GraphModel, view: ImageView, maxBoxes: number): Promise<void> {
  if (view.boxes) return;
  const rgb = await resizeRgb(view.decoded, VIEW_SIZE, VIEW_SIZE);
  const result = await runDetectorView(graph, rgb, maxBoxes);
  tf.dispose([result.maps.stride16, result.maps.stride8, result.maps.stride4]);
  view.boxes = result.boxes;
  view.classMap = result.classMap;
}

function trunkMaps(graph: GraphModel, rgb: Uint8Array): ViewMaps {
  return tf.tidy(() => {
    const input = tf.expandDims(tf.cast(tf.tensor3d(rgb, [VIEW_SIZE, VIEW_SIZE, 3], 'int32'), 'float32'), 0);
    const [stride16, stride8, stride4] = graph.execute({ [CENTERNET_INPUT_NODE]: input }, [TRUNK_FEATURE_NODE, TRUNK_FINE_NODES.stride8, TRUNK_FINE_NODES.stride4]) as tf.Tensor4D[];
    return { stride16, stride8, stride4 };
  });
}
