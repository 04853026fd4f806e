// DeepMask's two heads on a window of 14 x 14 trunk cells (224 px at stride 16, object ~128 px):
//
//   shared:  1x1 conv C -> sharedChannels, ReLU          (adapts the frozen trunk's 88 channels)
//   mask:    1x1 conv -> maskReduceChannels, ReLU; FC 14*14*r -> maskBottleneck (linear, the paper's
//            low-rank factorisation of its one big FC); FC -> maskSize^2 logits (56 x 56, one per 4 px)
//   score:   1x1 conv -> scoreReduceChannels, ReLU; 2x2 max-pool -> 7x7; FC -> scoreHidden, ReLU;
//            FC -> scoreHidden, ReLU; FC -> 1 logit
//
// Widths are the paper's (512 / 512 / 1024) scaled down for a 2-core CPU: scoring runs at every window
// position of every pyramid level (about 6,000 positions for a 640 px image), where the first score FC
// dominates; at 32 x 49 -> 128 it costs 0.2 MFLOP per position (measured 42 ms on wasm for the 80x60
// level). The mask branch runs only on the top windows, so it can afford 2.4 MFLOP per window.
//
// Every layer is a plain matMul on flattened windows (1x1 convs too), so training on wasm never needs
// Conv2DBackpropFilter, which that backend lacks. scoreMap() runs the same weights as convolutions over a
// whole feature map (the FC over the pooled 7x7 grid == a 7x7 conv with dilation 2 after a stride-1 2x2
// max-pool), scoring every window position in one pass.
import * as tf from '@tensorflow/tfjs-core';
import { loadHeadsFiles, saveHeadsFiles } from './heads-io';
import { applyRefiner, initialRefinerValue, REFINER_PARAMETER_NAMES, refinerShapes } from './mask-refiner';

export interface DeepMaskHeadsConfig {
  /** Window side in trunk cells (14 = 224 px at stride 16). Must be even (2x2 pooling). */
  windowCells: number;
  /** Trunk feature channels (88 for the MobileNetV3 trunk). */
  channels: number;
  /** Side of the mask logits grid (56: one logit per 4 px of a 224 px window). */
  maskSize: number;
  /** Width of the shared 1x1 conv that both branches read. */
  sharedChannels: number;
  /** Width of the mask branch's 1x1 conv before its FC layers. */
  maskReduceChannels: number;
  /** Rank of the mask FC (the linear layer between the window and the maskSize^2 logits). */
  maskBottleneck: number;
  /** Width of the score branch's 1x1 conv before pooling. */
  scoreReduceChannels: number;
  /** Width of the score branch's two hidden FC layers. */
  scoreHidden: number;
  /** Width of the mask refiner (mask-refiner.ts) on the trunk's stride-8/4 features; 0 = no refiner. */
  refineHidden: number;
  /** Channels of the stride-8 and stride-4 trunk features the refiner reads (0 without a refiner). */
  refineChannels8: number;
  refineChannels4: number;
}

const DEFAULT_HEADS_CONFIG: DeepMaskHeadsConfig = {
  windowCells: 14,
  channels: 88,
  maskSize: 56,
  sharedChannels: 128,
  maskReduceChannels: 32,
  maskBottleneck: 256,
  scoreReduceChannels: 32,
  scoreHidden: 128,
  refineHidden: 0,
  refineChannels8: 0,
  refineChannels4: 0,
};

export interface DeepMaskHeads {
  readonly config: DeepMaskHeadsConfig;
  /** Metadata saved with the weights (model version, training facts); {} for freshly created heads. */
  readonly meta: Record<string, unknown>;
  /** windows [B, windowCells, windowCells, channels] -> mask logits [B, maskSize, maskSize] (row = y). */
  maskLogits(windows: tf.Tensor4D): tf.Tensor3D;
  /** windows [B, windowCells, windowCells, channels] -> objectness logits [B]. */
  scoreLogits(windows: tf.Tensor4D): tf.Tensor1D;
  /**
   * features [H, W, channels] -> score logits [H - windowCells + 1, W - windowCells + 1]; entry (r, c) is
   * scoreLogits of the window whose top-left cell is (r, c). Empty when the map is smaller than a window.
   */
  scoreMap(features: tf.Tensor3D): tf.Tensor2D;
  /**
   * The mask branch's per-cell part (shared 1x1 conv, then the mask 1x1 conv) over a whole feature map:
   * [H, W, channels] -> [H, W, maskReduceChannels]. Windows cut from it and fed to
   * maskLogitsFromCells give exactly maskLogits of the same windows of `features`, without
   * recomputing the cells that overlapping windows share.
   */
  maskCellMap(features: tf.Tensor3D): tf.Tensor3D;
  /** [B, windowCells, windowCells, maskReduceChannels] windows of maskCellMap -> [B, maskSize, maskSize]. */
  maskLogitsFromCells(cells: tf.Tensor4D): tf.Tensor3D;
  /**
   * The refiner's correction of coarse mask logits from the window's stride-8 [B, 2c, 2c, refineChannels8]
   * and stride-4 [B, 4c, 4c, refineChannels4] trunk features (c = windowCells); throws without a refiner.
   */
  refineMask(coarse: tf.Tensor3D, fine8: tf.Tensor4D, fine4: tf.Tensor4D): tf.Tensor3D;
  /** Trained by both branches' losses. */
  readonly sharedVariables: tf.Variable[];
  readonly maskVariables: tf.Variable[];
  readonly scoreVariables: tf.Variable[];
  /** The refiner's parameters (trained with the mask branch); empty without a refiner. */
  readonly refineVariables: tf.Variable[];
  /** Writes heads.bin + heads.json into dir (created if needed), each replaced atomically. */
  save(dir: string, meta: Record<string, unknown>): Promise<void>;
  dispose(): void;
}

/** Parameter names in a fixed order: the save format and the variable lists follow it. */
const SHARED = ['shared/kernel', 'shared/bias'] as const;
const MASK = ['mask/reduce/kernel', 'mask/reduce/bias', 'mask/fc1/kernel', 'mask/fc1/bias', 'mask/fc2/kernel', 'mask/fc2/bias'] as const;
const SCORE = [
  'score/reduce/kernel',
  'score/reduce/bias',
  'score/fc1/kernel',
  'score/fc1/bias',
  'score/fc2/kernel',
  'score/fc2/bias',
  'score/fc3/kernel',
  'score/fc3/bias',
] as const;
const HEAD_PARAMETER_NAMES: readonly string[] = [...SHARED, ...MASK, ...SCORE];

/** Every parameter of heads with this config, in save order: the base heads', then the refiner's. */
export function headParameterNames(config: DeepMaskHeadsConfig): readonly string[] {
  return config.refineHidden > 0 ? [...HEAD_PARAMETER_NAMES, ...REFINER_PARAMETER_NAMES] : HEAD_PARAMETER_NAMES;
}

/** Shape of every parameter for a config; kernels are [fan_in, fan_out] for matMul. */
function parameterShapes(config: DeepMaskHeadsConfig): Record<string, number[]> {
  const cells = config.windowCells;
  const pooled = cells / 2;
  return {
    'shared/kernel': [config.channels, config.sharedChannels],
    'shared/bias': [config.sharedChannels],
    'mask/reduce/kernel': [config.sharedChannels, config.maskReduceChannels],
    'mask/reduce/bias': [config.maskReduceChannels],
    'mask/fc1/kernel': [cells * cells * config.maskReduceChannels, config.maskBottleneck],
    'mask/fc1/bias': [config.maskBottleneck],
    'mask/fc2/kernel': [config.maskBottleneck, config.maskSize * config.maskSize],
    'mask/fc2/bias': [config.maskSize * config.maskSize],
    'score/reduce/kernel': [config.sharedChannels, config.scoreReduceChannels],
    'score/reduce/bias': [config.scoreReduceChannels],
    'score/fc1/kernel': [pooled * pooled * config.scoreReduceChannels, config.scoreHidden],
    'score/fc1/bias': [config.scoreHidden],
    'score/fc2/kernel': [config.scoreHidden, config.scoreHidden],
    'score/fc2/bias': [config.scoreHidden],
    'score/fc3/kernel': [config.scoreHidden, 1],
    'score/fc3/bias': [1],
    ...(config.refineHidden > 0 ? refinerShapes(config.refineHidden, config.refineChannels8, config.refineChannels4) : {}),
  };
}

/** Fills defaults and rejects configs the layers cannot be built from, naming the field. */
function resolveHeadsConfig(partial: Partial<DeepMaskHeadsConfig> = {}): DeepMaskHeadsConfig {
  const config = { ...DEFAULT_HEADS_CONFIG, ...partial };
  const refiner = new Set(['refineHidden', 'refineChannels8', 'refineChannels4']);
  for (const [key, value] of Object.entries(config)) {
    if (refiner.has(key) && config.refineHidden === 0 && value === 0) continue;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`heads config ${key} must be a positive integer, got ${String(value)}`);
  }
  if (config.windowCells % 2 !== 0) throw new Error(`heads config windowCells must be even (2x2 pooling), got ${config.windowCells}`);
  return config;
}

let instanceCounter = 0;

export function createHeads(partial?: Partial<DeepMaskHeadsConfig>, seed = 1): DeepMaskHeads {
  const config = resolveHeadsConfig(partial);
  const shapes = parameterShapes(config);
  const initial = new Map<string, tf.Tensor>();
  let nextSeed = seed;
  for (const name of headParameterNames(config)) initial.set(name, initialValue(name, shapes[name], nextSeed++));
  return buildHeads(config, initial, {});
}

/**
 * Copies of `heads` (weights and meta) with a fresh refiner of width `hidden` on trunk features of
 * `channels8` / `channels4` channels. The refiner's last layer starts at zero, so the new heads
 * predict exactly what `heads` do until they are trained. `heads` stay untouched and owned by the caller.
 */
export function withRefiner(heads: DeepMaskHeads, hidden: number, channels8: number, channels4: number, seed = 1): DeepMaskHeads {
  if (heads.config.refineHidden > 0) throw new Error('these heads already have a refiner');
  const config = resolveHeadsConfig({ ...heads.config, refineHidden: hidden, refineChannels8: channels8, refineChannels4: channels4 });
  const shapes = parameterShapes(config);
  const values = new Map<string, tf.Tensor>();
  const own = [...heads.sharedVariables, ...heads.maskVariables, ...heads.scoreVariables];
  HEAD_PARAMETER_NAMES.forEach((name, index) => values.set(name, tf.clone(own[index])));
  let nextSeed = seed;
  for (const name of REFINER_PARAMETER_NAMES) values.set(name, initialRefinerValue(name, shapes[name], nextSeed++));
  return buildHeads(config, values, { ...heads.meta });
}

/** Reads heads saved by save(); throws a descriptive error for missing, truncated or mismatched files. */
export async function loadHeads(dir: string): Promise<DeepMaskHeads> {
  const { config, tensors, manifest } = await loadHeadsFiles(dir, (raw) => resolveHeadsConfig(raw), parameterShapes, headParameterNames);
  return buildHeads(config, tensors, manifest.meta ?? {});
}

/** He-normal for kernels feeding a ReLU, Glorot-normal for the linear ones, zero biases. */
function initialValue(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.startsWith('refine/')) return initialRefinerValue(name, shape, seed);
  if (name.endsWith('/bias')) return tf.zeros(shape);
  const [fanIn, fanOut] = shape;
  const linear = name === 'mask/fc1/kernel' || name === 'mask/fc2/kernel' || name === 'score/fc3/kernel';
  const std = linear ? Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
  return tf.truncatedNormal(shape, 0, std, 'float32', seed);
}

/** Takes ownership of the tensors in `values` (turned into variables, then disposed). */
function buildHeads(config: DeepMaskHeadsConfig, values: Map<string, tf.Tensor>, meta: Record<string, unknown>): DeepMaskHeads {
  const prefix = `deepmask-heads-${++instanceCounter}`;
  const variables = new Map<string, tf.Variable>();
  for (const name of headParameterNames(config)) {
    const value = values.get(name);
    if (!value) throw new Error(`heads parameter ${name} missing`);
    variables.set(name, tf.variable(value, true, `${prefix}/${name}`));
    value.dispose();
  }
  const v = (name: string): tf.Variable => variables.get(name) as tf.Variable;
  const cells = config.windowCells;
  const pooled = cells / 2;
  let disposed = false;

  const checkWindows = (windows: tf.Tensor4D): void => {
    if (disposed) throw new Error('heads are disposed');
    const [, height, width, channels] = windows.shape;
    if (windows.rank !== 4 || height !== cells || width !== cells || channels !== config.channels) {
      throw new Error(`windows must be [B,${cells},${cells},${config.channels}], got [${windows.shape.join(',')}]`);
    }
  };
  /** [N, in] -> [N, out] dense layer, optionally ReLU. */
  const dense = (input: tf.Tensor2D, layer: string, relu: boolean): tf.Tensor2D => {
    const output = tf.add(tf.matMul(input, v(`${layer}/kernel`)), v(`${layer}/bias`)) as tf.Tensor2D;
    return relu ? tf.relu(output) : output;
  };
  /** Shared 1x1 conv then a branch's 1x1 reduce conv, on flattened cells: [B*cells*cells, reduce]. */
  const reduced = (windows: tf.Tensor4D, branch: 'mask' | 'score'): tf.Tensor2D => {
    const flat = tf.reshape(windows, [-1, config.channels]) as tf.Tensor2D;
    return dense(dense(flat, 'shared', true), `${branch}/reduce`, true);
  };

  /** The mask FC layers on flattened per-window cells: [B, cells*cells*reduce] -> [B, maskSize, maskSize]. */
  const maskFromCells = (perWindow: tf.Tensor2D): tf.Tensor3D => {
    const logits = dense(dense(perWindow, 'mask/fc1', false), 'mask/fc2', false);
    return tf.reshape(logits, [perWindow.shape[0], config.maskSize, config.maskSize]) as tf.Tensor3D;
  };

  return {
    config,
    meta,
    sharedVariables: SHARED.map(v),
    maskVariables: MASK.map(v),
    scoreVariables: SCORE.map(v),
    refineVariables: config.refineHidden > 0 ? REFINER_PARAMETER_NAMES.map(v) : [],

    refineMask(coarse, fine8, fine4) {
      if (disposed) throw new Error('heads are disposed');
      if (config.refineHidden === 0) throw new Error('these heads have no refiner');
      return applyRefiner(v, config.refineHidden, coarse, fine8, fine4);
    },

    maskLogits(windows) {
      checkWindows(windows);
      return tf.tidy(() => maskFromCells(tf.reshape(reduced(windows, 'mask'), [windows.shape[0], cells * cells * config.maskReduceChannels]) as tf.Tensor2D));
    },

    maskCellMap(features) {
      if (disposed) throw new Error('heads are disposed');
      const [height, width, channels] = features.shape;
      if (features.rank !== 3 || channels !== config.channels) throw new Error(`features must be [H,W,${config.channels}], got [${features.shape.join(',')}]`);
      return tf.tidy(() => {
        const flat = tf.reshape(features, [-1, config.channels]) as tf.Tensor2D;
        return tf.reshape(dense(dense(flat, 'shared', true), 'mask/reduce', true), [height, width, config.maskReduceChannels]) as tf.Tensor3D;
      });
    },

    maskLogitsFromCells(cellWindows) {
      if (disposed) throw new Error('heads are disposed');
      const [batch, height, width, channels] = cellWindows.shape;
      if (cellWindows.rank !== 4 || height !== cells || width !== cells || channels !== config.maskReduceChannels) {
        throw new Error(`mask cell windows must be [B,${cells},${cells},${config.maskReduceChannels}], got [${cellWindows.shape.join(',')}]`);
      }
      return tf.tidy(() => maskFromCells(tf.reshape(cellWindows, [batch, cells * cells * channels]) as tf.Tensor2D));
    },

    scoreLogits(windows) {
      checkWindows(windows);
      return tf.tidy(() => {
        const batch = windows.shape[0];
        const cellsMap = tf.reshape(reduced(windows, 'score'), [batch, cells, cells, config.scoreReduceChannels]) as tf.Tensor4D;
        const pooledMap = tf.maxPool(cellsMap, 2, 2, 'valid');
        const perWindow = tf.reshape(pooledMap, [batch, pooled * pooled * config.scoreReduceChannels]) as tf.Tensor2D;
        const hidden = dense(dense(perWindow, 'score/fc1', true), 'score/fc2', true);
        return tf.reshape(dense(hidden, 'score/fc3', false), [batch]) as tf.Tensor1D;
      });
    },

    scoreMap(features) {
      if (disposed) throw new Error('heads are disposed');
      const [height, width, channels] = features.shape;
      if (features.rank !== 3 || channels !== config.channels) {
        throw new Error(`features must be [H,W,${config.channels}], got [${features.shape.join(',')}]`);
      }
      if (height < cells || width < cells) return tf.zeros([Math.max(0, height - cells + 1), Math.max(0, width - cells + 1)]) as tf.Tensor2D;
      return tf.tidy(() => {
        const pointwise = (input: tf.Tensor4D, layer: string, relu: boolean): tf.Tensor4D => {
          const [fanIn, fanOut] = v(`${layer}/kernel`).shape as [number, number];
          const kernel4d = tf.reshape(v(`${layer}/kernel`), [1, 1, fanIn, fanOut]) as tf.Tensor4D;
          const output = tf.add(tf.conv2d(input, kernel4d, 1, 'valid'), v(`${layer}/bias`)) as tf.Tensor4D;
          return relu ? tf.relu(output) : output;
        };
        const map = tf.expandDims(features, 0) as tf.Tensor4D;
        const reducedMap = pointwise(pointwise(map, 'shared', true), 'score/reduce', true);
        // Stride-1 pooling keeps every window's own 2x2 pooling grid; the dilated conv then reads the
        // 7x7 pooled cells of the window starting at each position.
        const pooledAll = tf.maxPool(reducedMap, 2, 1, 'valid');
        const fc1 = v('score/fc1/kernel');
        const fc1Kernel = tf.reshape(fc1, [pooled, pooled, config.scoreReduceChannels, config.scoreHidden]) as tf.Tensor4D;
        const hidden1 = tf.relu(tf.add(tf.conv2d(pooledAll, fc1Kernel, 1, 'valid', 'NHWC', 2), v('score/fc1/bias'))) as tf.Tensor4D;
        const logits = pointwise(pointwise(hidden1, 'score/fc2', true), 'score/fc3', false);
        return tf.reshape(logits, [height - cells + 1, width - cells + 1]) as tf.Tensor2D;
      });
    },

    async save(dir, meta) {
      if (disposed) throw new Error('heads are disposed');
      await saveHeadsFiles(dir, config, meta, headParameterNames(config).map((name) => ({ name, tensor: v(name) })));
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      for (const variable of variables.values()) variable.dispose();
    },
  };
}
