// InstanceFCN's instance assembling module (Dai et al. 2016, seed slides "Instance Assembling Module"):
// a window of m x m map pixels is divided into k x k parts; part (i, j) (i = row, j = column) copies
// its pixels from instance-sensitive score map i*k + j at the same positions. The result is the
// window's mask logits. No parameters: the learning happens in the maps, which are trained to say
// "this pixel is the top-left / centre / ... part of an instance whose window is centred here".
//
// Part boundaries: pixel p of m belongs to part floor(p * k / m), so parts differ by at most one pixel
// when k does not divide m (m = 56, k = 3 gives 18, 19, 19... exactly floor(p*3/56)).
//
// Two equivalent forms, both pure tensor ops:
//   assembleWindows    gathers a batch of windows out of one image's maps [H, W, k*k] (inference);
//   assembleWindowMaps selects from maps already cut per window [B, m, m, k*k] (training: a one-hot
//                      part selector multiplied in and summed, which has gradients on every backend).
import * as tf from '@tensorflow/tfjs-core';

/** Part index (0 .. k*k-1, = i*k + j) of every pixel of an m x m window, row-major. */
export function partIndices(windowSize: number, k: number): Int32Array {
  if (!(Number.isInteger(windowSize) && windowSize >= k && Number.isInteger(k) && k >= 1)) {
    throw new Error(`assembling needs integers windowSize >= k >= 1, got windowSize ${windowSize}, k ${k}`);
  }
  const parts = new Int32Array(windowSize * windowSize);
  for (let p = 0; p < windowSize; p++) {
    const i = Math.floor((p * k) / windowSize);
    for (let q = 0; q < windowSize; q++) parts[p * windowSize + q] = i * k + Math.floor((q * k) / windowSize);
  }
  return parts;
}

/** Top-left corner of a window in map pixels (may be negative or run past the map: read as `fill`). */
export interface MapWindow {
  x: number;
  y: number;
}

/**
 * maps [H, W, k*k] (one image) and window corners -> assembled logits [B, m, m] (row = y).
 * Pixels of a window outside the map take the value `outside` (a strongly negative logit: background).
 */
export function assembleWindows(maps: tf.Tensor3D, windows: readonly MapWindow[], windowSize: number, k: number, outside = -20): tf.Tensor3D {
  const [height, width, depth] = maps.shape;
  if (maps.rank !== 3 || depth !== k * k) throw new Error(`instance maps must be [H,W,${k * k}], got [${maps.shape.join(',')}]`);
  const parts = partIndices(windowSize, k);
  const pixels = windowSize * windowSize;
  // One extra element at the end of the flattened maps holds `outside`; indices of pixels off the map
  // point at it, so a window hanging over the border needs no special case.
  const outsideIndex = height * width * depth;
  const indices = new Int32Array(windows.length * pixels);
  windows.forEach(({ x, y }, index) => {
    if (!(Number.isInteger(x) && Number.isInteger(y))) throw new Error(`window corners must be integer map pixels, got (${x}, ${y})`);
    const base = index * pixels;
    for (let p = 0; p < windowSize; p++) {
      const row = y + p;
      for (let q = 0; q < windowSize; q++) {
        const column = x + q;
        const inside = row >= 0 && row < height && column >= 0 && column < width;
        indices[base + p * windowSize + q] = inside ? (row * width + column) * depth + parts[p * windowSize + q] : outsideIndex;
      }
    }
  });
  return tf.tidy(() => {
    const flat = tf.concat([tf.reshape(maps, [-1]), tf.fill([1], outside)]);
    return tf.reshape(tf.gather(flat, tf.tensor1d(indices, 'int32')), [windows.length, windowSize, windowSize]) as tf.Tensor3D;
  });
}

/** One-hot part selector [m, m, k*k]: 1 where the pixel's part is the map's index. */
export function partSelector(windowSize: number, k: number): tf.Tensor3D {
  const parts = partIndices(windowSize, k);
  const selector = new Float32Array(parts.length * k * k);
  parts.forEach((part, pixel) => {
    selector[pixel * k * k + part] = 1;
  });
  return tf.tensor3d(selector, [windowSize, windowSize, k * k]);
}

/** Maps cut per window [B, m, m, k*k] -> assembled logits [B, m, m]; differentiable everywhere. */
export function assembleWindowMaps(windowMaps: tf.Tensor4D, k: number): tf.Tensor3D {
  const [, height, width, depth] = windowMaps.shape;
  if (windowMaps.rank !== 4 || height !== width || depth !== k * k) throw new Error(`window maps must be [B,m,m,${k * k}], got [${windowMaps.shape.join(',')}]`);
  return tf.tidy(() => tf.sum(tf.mul(windowMaps, partSelector(height, k)), 3) as tf.Tensor3D);
}
