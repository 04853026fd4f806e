// InstanceFCN's heads on the frozen stride-16 trunk (the same trunk, windows and cache as DeepMask):
//
//   shared:     1x1 conv C -> sharedChannels, ReLU
//   context:    3x3 conv, dilation contextDilation -> contextChannels, ReLU (each cell sees its
//               neighbours: which part of an instance a cell is depends on what is around it)
//   maps:       1x1 conv -> k*k * subcells^2, linear, rearranged (depth-to-space) into k*k = 9
//               instance-sensitive score maps at stride 16 / subcells = 4 px; the assembling module
//               (assemble.ts) cuts a 56 x 56 window out of them, part (i, j) from map i*k + j
//   objectness: 1x1 conv -> objectnessReduceChannels, ReLU; average over each of the window's k x k
//               parts (partPool x partPool cells, partStride apart); FC -> objectnessHidden, ReLU;
//               FC -> objectnessHidden, ReLU; FC -> 1 logit
//
// Like DeepMask's heads, every layer is written twice over the same weights: on a batch of windows as
// plain matMuls, slices and sums (trainable on wasm, which lacks the conv backprop kernels), and as
// convolutions over a whole feature map (inference: every window position in one pass). The part
// average + FC of the objectness branch is an average pool (stride 1) followed by a k x k conv with
// dilation partStride; the 3x3 context conv on a window needs contextDilation cells of margin, so
// windows are cut (windowCells + 2 * margin) cells wide.
import * as tf from '@tensorflow/tfjs-core';
import { loadHeadsFiles, saveHeadsFiles } from '../heads-io';
import { assembleWindowMaps } from './assemble';

export const INSTANCEFCN_ARCHITECTURE = 'instancefcn';

export interface InstanceFcnConfig {
  /** Window side in trunk cells (14 = 224 px at stride 16, the scale DeepMask's windows use). */
  windowCells: number;
  /** Trunk feature channels (88). */
  channels: number;
  /** Parts per window side: k x k instance-sensitive maps (3 -> 9 maps). */
  k: number;
  /** Map pixels per trunk cell per side (4: maps at 4 px, a window's mask is 56 x 56). */
  subcells: number;
  sharedChannels: number;
  contextChannels: number;
  /** Dilation of the 3x3 context conv (cells); also the margin a training window needs. */
  contextDilation: number;
  objectnessReduceChannels: number;
  /** Side (cells) of the square each objectness part averages. */
  partPool: number;
  objectnessHidden: number;
}

export const DEFAULT_INSTANCEFCN_CONFIG: InstanceFcnConfig = {
  windowCells: 14,
  channels: 88,
  k: 3,
  subcells: 4,
  sharedChannels: 64,
  contextChannels: 64,
  contextDilation: 2,
  objectnessReduceChannels: 32,
  partPool: 4,
  objectnessHidden: 128,
};

/** Cells between the corners of neighbouring objectness parts: (windowCells - partPool) / (k - 1). */
export function partStride(config: InstanceFcnConfig): number {
  return config.k === 1 ? 0 : (config.windowCells - config.partPool) / (config.k - 1);
}

/** Side of a window's assembled mask in map pixels (56). */
export function maskSize(config: InstanceFcnConfig): number {
  return config.windowCells * config.subcells;
}

/** Side of a training window cut with the context margin (cells). */
export function paddedWindowCells(config: InstanceFcnConfig): number {
  return config.windowCells + 2 * config.contextDilation;
}

export function resolveInstanceFcnConfig(partial: Partial<InstanceFcnConfig> = {}): InstanceFcnConfig {
  const config = { ...DEFAULT_INSTANCEFCN_CONFIG, ...partial };
  for (const [key, value] of Object.entries(config)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`InstanceFCN config ${key} must be a positive integer, got ${String(value)}`);
  }
  if (config.k < 2 || config.k > config.windowCells) throw new Error(`InstanceFCN config k must be in [2, windowCells], got ${config.k}`);
  if (config.partPool > config.windowCells || !Number.isInteger(partStride(config))) {
    throw new Error(`InstanceFCN config: (windowCells - partPool) / (k - 1) must be an integer, got (${config.windowCells} - ${config.partPool}) / ${config.k - 1}`);
  }
  return config;
}

const NAMES = [
  'shared/kernel',
  'shared/bias',
  'context/kernel',
  'context/bias',
  'maps/kernel',
  'maps/bias',
  'objectness/reduce/kernel',
  'objectness/reduce/bias',
  'objectness/fc1/kernel',
  'objectness/fc1/bias',
  'objectness/fc2/kernel',
  'objectness/fc2/bias',
  'objectness/fc3/kernel',
  'objectness/fc3/bias',
] as const;
export const INSTANCEFCN_PARAMETER_NAMES: readonly string[] = NAMES;

/** Kernels are [fan_in, fan_out]; the context kernel's rows are (dy*3 + dx) * sharedChannels + c. */
export function instanceFcnShapes(config: InstanceFcnConfig): Record<string, number[]> {
  const k2 = config.k * config.k;
  return {
    'shared/kernel': [config.channels, config.sharedChannels],
    'shared/bias': [config.sharedChannels],
    'context/kernel': [9 * config.sharedChannels, config.contextChannels],
    'context/bias': [config.contextChannels],
    'maps/kernel': [config.contextChannels, config.subcells * config.subcells * k2],
    'maps/bias': [config.subcells * config.subcells * k2],
    'objectness/reduce/kernel': [config.contextChannels, config.objectnessReduceChannels],
    'objectness/reduce/bias': [config.objectnessReduceChannels],
    'objectness/fc1/kernel': [k2 * config.objectnessReduceChannels, config.objectnessHidden],
    'objectness/fc1/bias': [config.objectnessHidden],
    'objectness/fc2/kernel': [config.objectnessHidden, config.objectnessHidden],
    'objectness/fc2/bias': [config.objectnessHidden],
    'objectness/fc3/kernel': [config.objectnessHidden, 1],
    'objectness/fc3/bias': [1],
  };
}

export interface InstanceFcnHeads {
  readonly config: InstanceFcnConfig;
  readonly meta: Record<string, unknown>;
  /** Every trainable variable, in INSTANCEFCN_PARAMETER_NAMES order (trained jointly, as in the paper). */
  readonly variables: Record<string, tf.Variable>;
  /**
   * Windows cut with margin [B, paddedWindowCells, paddedWindowCells, channels] -> the window's own
   * instance maps [B, maskSize, maskSize, k*k] and objectness logits [B].
   */
  windowOutputs(windows: tf.Tensor4D): { maps: tf.Tensor4D; objectness: tf.Tensor1D };
  /** Same windows -> assembled mask logits [B, maskSize, maskSize] and objectness logits [B]. */
  windowPredictions(windows: tf.Tensor4D): { maskLogits: tf.Tensor3D; objectness: tf.Tensor1D };
  /**
   * A whole (already padded) feature map [H, W, channels] -> instance maps [H*subcells, W*subcells, k*k]
   * and objectness [H - windowCells + 1, W - windowCells + 1], entry (r, c) = the window whose
   * top-left cell is (r, c); its mask is the window of the maps at pixel (c, r) * subcells.
   */
  mapOutputs(features: tf.Tensor3D): { maps: tf.Tensor3D; objectness: tf.Tensor2D };
  save(dir: string, meta: Record<string, unknown>): Promise<void>;
  dispose(): void;
}

let instanceCounter = 0;

export function createInstanceFcnHeads(partial?: Partial<InstanceFcnConfig>, seed = 1): InstanceFcnHeads {
  const config = resolveInstanceFcnConfig(partial);
  const shapes = instanceFcnShapes(config);
  const values = new Map<string, tf.Tensor>();
  NAMES.forEach((name, index) => values.set(name, initialValue(name, shapes[name], seed + index)));
  return buildHeads(config, values, {});
}

export async function loadInstanceFcnHeads(dir: string): Promise<InstanceFcnHeads> {
  const { config, tensors, manifest } = await loadHeadsFiles(dir, (raw) => resolveInstanceFcnConfig(raw), instanceFcnShapes, NAMES).catch((error: Error) => {
    throw new Error(`cannot load InstanceFCN heads from ${dir}: ${error.message}`);
  });
  if (manifest.meta?.architecture !== INSTANCEFCN_ARCHITECTURE) {
    for (const tensor of tensors.values()) tensor.dispose();
    throw new Error(`${dir} does not hold InstanceFCN heads (meta.architecture is ${String(manifest.meta?.architecture)})`);
  }
  return buildHeads(config, tensors, manifest.meta);
}

function initialValue(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.endsWith('/bias')) return tf.zeros(shape);
  const [fanIn, fanOut] = shape;
  const linear = name === 'maps/kernel' || name === 'objectness/fc3/kernel';
  return tf.truncatedNormal(shape, 0, linear ? Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn), 'float32', seed);
}

function buildHeads(config: InstanceFcnConfig, values: Map<string, tf.Tensor>, meta: Record<string, unknown>): InstanceFcnHeads {
  const prefix = `instancefcn-heads-${++instanceCounter}`;
  const variables: Record<string, tf.Variable> = {};
  for (const name of NAMES) {
    const value = values.get(name);
    if (!value) throw new Error(`InstanceFCN parameter ${name} missing`);
    variables[name] = tf.variable(value, true, `${prefix}/${name}`);
    value.dispose();
  }
  const v = (name: string): tf.Variable => variables[name];
  const { windowCells: cells, k, subcells, contextDilation: dilation } = config;
  const k2 = k * k;
  const size = maskSize(config);
  const margin = paddedWindowCells(config);
  const stride = partStride(config);
  let disposed = false;
  const alive = (): void => {
    if (disposed) throw new Error('InstanceFCN heads are disposed');
  };

  const dense = (input: tf.Tensor2D, layer: string, relu: boolean): tf.Tensor2D => {
    const output = tf.add(tf.matMul(input, v(`${layer}/kernel`)), v(`${layer}/bias`)) as tf.Tensor2D;
    return relu ? tf.relu(output) : output;
  };
  /** A layer's [fan_in, fan_out] kernel as a conv kernel [h, w, in, out]. */
  const convKernel = (layer: string, height: number, width: number): tf.Tensor4D => {
    const kernel = v(`${layer}/kernel`);
    const [fanIn, fanOut] = kernel.shape as [number, number];
    return tf.reshape(kernel, [height, width, fanIn / (height * width), fanOut]) as tf.Tensor4D;
  };
  const conv = (input: tf.Tensor4D, layer: string, size2d: number, dilations: number, relu: boolean): tf.Tensor4D => {
    const output = tf.add(tf.conv2d(input, convKernel(layer, size2d, size2d), 1, 'valid', 'NHWC', dilations), v(`${layer}/bias`)) as tf.Tensor4D;
    return relu ? tf.relu(output) : output;
  };
  /** [N, rows, cols, s*s*k2] per-cell map values -> [N, rows*s, cols*s, k2] (depth-to-space). */
  const depthToSpace = (cellsMap: tf.Tensor4D): tf.Tensor4D => {
    const [batch, rows, cols] = cellsMap.shape;
    const perRow = tf.reshape(cellsMap, [batch * rows, cols, subcells, subcells * k2]);
    return tf.reshape(tf.transpose(perRow, [0, 2, 1, 3]), [batch, rows * subcells, cols * subcells, k2]) as tf.Tensor4D;
  };

  const windowOutputs = (windows: tf.Tensor4D): { maps: tf.Tensor4D; objectness: tf.Tensor1D } => {
    alive();
    const [batch, height, width, channels] = windows.shape;
    if (windows.rank !== 4 || height !== margin || width !== margin || channels !== config.channels) {
      throw new Error(`InstanceFCN windows must be [B,${margin},${margin},${config.channels}], got [${windows.shape.join(',')}]`);
    }
    return tf.tidy(() => {
      const shared = tf.reshape(dense(tf.reshape(windows, [-1, channels]) as tf.Tensor2D, 'shared', true), [batch, margin, margin, config.sharedChannels]);
      // The dilated 3x3 conv as a sum of nine matMuls, one per tap (shifted view x that tap's rows of
      // the kernel): no concatenation, whose gradient (a split) is slow on wasm.
      const sharedChannels = config.sharedChannels;
      let sum: tf.Tensor2D | null = null;
      for (let dy = 0; dy < 3; dy++) {
        for (let dx = 0; dx < 3; dx++) {
          const view = tf.reshape(tf.slice(shared, [0, dy * dilation, dx * dilation, 0], [batch, cells, cells, sharedChannels]), [-1, sharedChannels]) as tf.Tensor2D;
          const rows = tf.slice(v('context/kernel'), [(dy * 3 + dx) * sharedChannels, 0], [sharedChannels, config.contextChannels]) as tf.Tensor2D;
          const term = tf.matMul(view, rows) as tf.Tensor2D;
          sum = sum ? (tf.add(sum, term) as tf.Tensor2D) : term;
        }
      }
      const context = tf.relu(tf.add(sum as tf.Tensor2D, v('context/bias'))) as tf.Tensor2D;
      const maps = depthToSpace(tf.reshape(dense(context, 'maps', false), [batch, cells, cells, subcells * subcells * k2]) as tf.Tensor4D);
      const reduced = tf.reshape(dense(context, 'objectness/reduce', true), [batch, cells, cells, config.objectnessReduceChannels]);
      const parts: tf.Tensor[] = [];
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) parts.push(tf.mean(tf.slice(reduced, [0, i * stride, j * stride, 0], [batch, config.partPool, config.partPool, config.objectnessReduceChannels]), [1, 2]));
      }
      const hidden = dense(dense(tf.concat(parts, 1) as tf.Tensor2D, 'objectness/fc1', true), 'objectness/fc2', true);
      return { maps, objectness: tf.reshape(dense(hidden, 'objectness/fc3', false), [batch]) as tf.Tensor1D };
    });
  };

  return {
    config,
    meta,
    variables,
    windowOutputs,
    windowPredictions(windows) {
      return tf.tidy(() => {
        const { maps, objectness } = windowOutputs(windows);
        return { maskLogits: assembleWindowMaps(maps, k), objectness };
      });
    },
    mapOutputs(features) {
      alive();
      const [height, width, channels] = features.shape;
      if (features.rank !== 3 || channels !== config.channels) throw new Error(`features must be [H,W,${config.channels}], got [${features.shape.join(',')}]`);
      if (height < cells || width < cells) throw new Error(`feature map ${height}x${width} is smaller than a ${cells}-cell window`);
      return tf.tidy(() => {
        // Zero features around the map, then valid convs: the same arithmetic as a window cut with
        // zeros past the map's edge.
        const padded = tf.pad(tf.expandDims(features, 0), [[0, 0], [dilation, dilation], [dilation, dilation], [0, 0]]) as tf.Tensor4D;
        const shared = conv(padded, 'shared', 1, 1, true);
        const context = conv(shared, 'context', 3, dilation, true);
        const maps = tf.squeeze(depthToSpace(conv(context, 'maps', 1, 1, false)), [0]) as tf.Tensor3D;
        const reduced = conv(context, 'objectness/reduce', 1, 1, true);
        const pooled = tf.avgPool(reduced, config.partPool, 1, 'valid');
        const hidden = conv(conv(pooled, 'objectness/fc1', k, stride, true), 'objectness/fc2', 1, 1, true);
        const objectness = tf.reshape(conv(hidden, 'objectness/fc3', 1, 1, false), [height - cells + 1, width - cells + 1]) as tf.Tensor2D;
        return { maps, objectness };
      });
    },
    async save(dir, saveMeta) {
      alive();
      await saveHeadsFiles(dir, config, { ...saveMeta, architecture: INSTANCEFCN_ARCHITECTURE }, NAMES.map((name) => ({ name, tensor: v(name) })));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const variable of Object.values(variables)) variable.dispose();
    },
  };
}

/** Instance-map pixel of a window's top-left corner, from its top-left cell in the same map. */
export function windowMapCorner(config: InstanceFcnConfig, cellX: number, cellY: number): { x: number; y: number } {
  return { x: cellX * config.subcells, y: cellY * config.subcells };
}

