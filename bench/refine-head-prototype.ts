// Experiment: does a refinement module on the trunk's stride-8 and stride-4 features (SharpMask's idea,
// built from matMuls, pads and slices so wasm can train it) lift window-level mask IoU on pennfudan,
// where the stride-16 mask branch saturates below the learning-loop annotator's .85 bar?
// Trains on pennfudan images [0, --train), tests on [--train, --train + --test): per variant the mean
// window IoU of positive test windows and the share at >= .85. Variants: the base heads as they are;
// shared + mask branch fine-tuned (the learner today); the same plus the refinement module. Each is
// also scored on 256 windows of its training images (seen), which tells capacity from data.
// Run: nice -n 10 npx tsx bench/refine-head-prototype.ts [--train 100] [--test 30] [--steps 400]
//   [--hidden 16] [--lr 1e-3] [--variants base,mask,mask+refine,reduce,reduce+refine,refine-only]
import * as tf from '@tensorflow/tfjs-core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { CENTERNET_INPUT_NODE, loadCenternetGraph } from '../electron/model/centernet-graph';
import { defaultModelDir } from '../electron/model/deepmask';
import { registerGradients } from '../electron/model/gradients';
import { loadHeads, type DeepMaskHeads } from '../electron/model/heads';
import type { ImageView } from '../electron/model/sampler/geometry';
import { maskTarget } from '../electron/model/sampler/mask-target';
import { WindowSampler, type WindowSample } from '../electron/model/sampler/sampler';
import { Adam } from '../electron/model/training/adam';
import { readCocoFile, trainingDatasetFromCoco, type TrainingDataset } from '../electron/model/training/dataset';
import { cutWindows, type FeatureMap } from '../electron/model/training/features';
import { maskLoss } from '../electron/model/training/loss';
import { registerFastMatMulGradient } from '../electron/model/training/matmul-gradient';
import { namedVariables } from '../electron/model/training/trainer';
import { viewPixels } from '../electron/model/training/view-pixels';
import { TRUNK_FEATURE_NODE } from '../electron/model/trunk';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '100' },
    test: { type: 'string', default: '30' },
    steps: { type: 'string', default: '400' },
    batch: { type: 'string', default: '32' },
    hidden: { type: 'string', default: '16' },
    lr: { type: 'string', default: '1e-3' },
    variants: { type: 'string', default: 'base,mask,mask+refine' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/refine-head-prototype.json') },
  },
});
const NODES = { s16: TRUNK_FEATURE_NODE, s8: 'tower_0/MobilenetV3/expanded_conv_5/add', s4: 'tower_0/MobilenetV3/expanded_conv_2/add' } as const;
type Level = keyof typeof NODES;

await selectBackend();
await registerGradients();
registerFastMatMulGradient();
const graph = await loadCenternetGraph({ dynamicInput: true });
const dir = join(datasetsDir, 'pennfudan');
const coco = await readCocoFile(join(dir, 'annotations.json'));
const sorted = [...coco.images].sort((a, b) => a.id - b.id);
const subset = (from: number, count: number): TrainingDataset => {
  const images = sorted.slice(from, from + count);
  const ids = new Set(images.map((image) => image.id));
  return trainingDatasetFromCoco({ ...coco, images, annotations: coco.annotations.filter((a) => ids.has(a.image_id)) }, join(dir, 'images'));
};
const trainSet = subset(0, Number(values.train));
const testSet = subset(Number(values.train), Number(values.test));

type Maps = Record<Level, FeatureMap>;
const cache = new Map<string, Maps>();
async function features(set: TrainingDataset, name: string, imageIndex: number, view: ImageView): Promise<Maps> {
  const key = `${name}/${imageIndex}@${view.width}x${view.height}${view.flipped ? 'f' : ''}`;
  const held = cache.get(key);
  if (held) return held;
  const pixels = await viewPixels(set.files[imageIndex], view);
  const outputs = tf.tidy(() => graph.execute({ [CENTERNET_INPUT_NODE]: tf.expandDims(tf.cast(tf.tensor3d(pixels, [view.height, view.width, 3], 'int32'), 'float32'), 0) }, Object.values(NODES)) as tf.Tensor4D[]);
  const maps = {} as Maps;
  const levels = Object.keys(NODES) as Level[];
  for (let k = 0; k < levels.length; k++) {
    const [, height, width, channels] = outputs[k].shape;
    maps[levels[k]] = { width, height, channels, data: (await outputs[k].data()) as Float32Array };
    outputs[k].dispose();
  }
  cache.set(key, maps);
  return maps;
}

interface Batch { s16: tf.Tensor4D; s8: tf.Tensor4D; s4: tf.Tensor4D; targets: tf.Tensor3D; labels: tf.Tensor1D }
async function makeBatch(set: TrainingDataset, name: string, samples: WindowSample[]): Promise<Batch> {
  const maps = await Promise.all(samples.map((s) => features(set, name, s.imageIndex, s.view)));
  const cut = (level: Level, factor: number) => {
    const channels = maps[0][level].channels;
    const data = cutWindows(maps.map((m) => m[level]), samples.map((s) => ({ cellX: s.position.cellX * factor, cellY: s.position.cellY * factor })), 14 * factor);
    return tf.tensor4d(data, [samples.length, 14 * factor, 14 * factor, channels]);
  };
  const targets = new Float32Array(samples.length * 56 * 56);
  samples.forEach((s, k) => targets.set(maskTarget(set.mask(s.imageIndex, s.objectIndex), s.view, s.position), k * 3136));
  return { s16: cut('s16', 1), s8: cut('s8', 2), s4: cut('s4', 4), targets: tf.tensor3d(targets, [samples.length, 56, 56]), labels: tf.ones([samples.length]) as tf.Tensor1D };
}
const disposeBatch = (b: Batch) => Object.values(b).forEach((t) => t.dispose());

// The refinement module: per s4 cell, h = relu(W4 s4 + up2(W8 s8) + wc * coarse + b); then a 3x3 conv
// hidden -> hidden (relu) and a 3x3 conv hidden -> 1, both depthwise-separable, whose output is added to the coarse logit.
// A 3x3 convolution as a depthwise 3x3 (nine shifted slices, each scaled per channel) and a pointwise
// matMul: every op has a wasm gradient (Conv2DBackpropFilter and its depthwise twin do not).
function separable3x3(x: tf.Tensor4D, depthwise: tf.Tensor2D, pointwise: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  let sum: tf.Tensor | null = null;
  for (let tap = 0; tap < 9; tap++) {
    const shifted = tf.mul(tf.slice(padded, [0, Math.floor(tap / 3), tap % 3, 0], [b, h, w, c]), tf.reshape(tf.slice(depthwise, [tap, 0], [1, c]), [c]));
    sum = sum ? tf.add(sum, shifted) : shifted;
  }
  return tf.reshape(tf.add(tf.matMul(tf.reshape(sum as tf.Tensor, [b * h * w, c]), pointwise), bias), [b, h, w, pointwise.shape[1]]) as tf.Tensor4D;
}
function makeRefine(hidden: number, c8: number, c4: number) {
  const init = (shape: number[], fanIn: number) => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), Math.sqrt(2 / fanIn)));
  const vars = {
    w8: init([c8, hidden], c8),
    w4: init([c4, hidden], c4),
    wc: init([1, hidden], 1),
    b1: tf.variable(tf.zeros([hidden])),
    d2: init([9, hidden], 9),
    p2: init([hidden, hidden], hidden),
    b2: tf.variable(tf.zeros([hidden])),
    d3: init([9, hidden], 9),
    p3: tf.variable(tf.zeros([hidden, 1])),
    b3: tf.variable(tf.zeros([1])),
  };
  const apply = (coarse: tf.Tensor3D, s8: tf.Tensor4D, s4: tf.Tensor4D): tf.Tensor3D => {
    const [b] = coarse.shape;
    const a8 = tf.reshape(tf.matMul(tf.reshape(s8, [b * 28 * 28, c8]), vars.w8), [b, 28, 28, hidden]) as tf.Tensor4D;
    const up8 = tf.image.resizeBilinear(a8, [56, 56], false, true);
    const a4 = tf.reshape(tf.matMul(tf.reshape(s4, [b * 3136, c4]), vars.w4), [b, 56, 56, hidden]);
    const c = tf.reshape(tf.matMul(tf.reshape(coarse, [b * 3136, 1]), vars.wc), [b, 56, 56, hidden]);
    const h1 = tf.relu(tf.add(tf.add(tf.add(a4, up8), c), vars.b1)) as tf.Tensor4D;
    const h2 = tf.relu(separable3x3(h1, vars.d2 as tf.Tensor2D, vars.p2 as tf.Tensor2D, vars.b2 as tf.Tensor1D)) as tf.Tensor4D;
    const delta = separable3x3(h2, vars.d3 as tf.Tensor2D, vars.p3 as tf.Tensor2D, vars.b3 as tf.Tensor1D);
    return tf.add(coarse, tf.reshape(delta, [b, 56, 56])) as tf.Tensor3D;
  };
  return { vars, apply };
}

function iouStats(logits: Float32Array, targets: Float32Array, count: number): number[] {
  const ious: number[] = [];
  for (let k = 0; k < count; k++) {
    let inter = 0, union = 0;
    for (let i = k * 3136; i < (k + 1) * 3136; i++) {
      const p = logits[i] > 0, t = targets[i] > 0;
      if (p && t) inter++;
      if (p || t) union++;
    }
    ious.push(union === 0 ? 1 : inter / union);
  }
  return ious;
}

const trainSampler = new WindowSampler(trainSet.samplerImages, { maxViewSide: 1024, flip: true, seed: 1 });
const testSampler = new WindowSampler(testSet.samplerImages, { maxViewSide: 1024, flip: false, seed: 99 });
const testSamples = testSampler.maskBatch(256);
const testBatches: Batch[] = [];
for (let k = 0; k < testSamples.length; k += 32) testBatches.push(await makeBatch(testSet, 'test', testSamples.slice(k, k + 32)));
// Seen windows (training images, unmirrored, another seed): can the variant fit what it trained on?
const seenSamples = new WindowSampler(trainSet.samplerImages, { maxViewSide: 1024, flip: false, seed: 98 }).maskBatch(256);
const seenBatches: Batch[] = [];
for (let k = 0; k < seenSamples.length; k += 32) seenBatches.push(await makeBatch(trainSet, 'train', seenSamples.slice(k, k + 32)));

interface Scores { meanIou: number; atLeast85: number; atLeast80: number; msPerWindow: number }
async function evaluate(heads: DeepMaskHeads, refine: ReturnType<typeof makeRefine> | null): Promise<{ unseen: Scores; seen: Scores }> {
  return { unseen: await scoreWindows(heads, refine, testBatches), seen: await scoreWindows(heads, refine, seenBatches) };
}

async function scoreWindows(heads: DeepMaskHeads, refine: ReturnType<typeof makeRefine> | null, batches: Batch[]): Promise<Scores> {
  const ious: number[] = [];
  let ms = 0;
  for (const batch of batches) {
    const started = performance.now();
    const out = tf.tidy(() => {
      const coarse = heads.maskLogits(batch.s16);
      return refine ? refine.apply(coarse, batch.s8, batch.s4) : coarse;
    });
    const data = (await out.data()) as Float32Array;
    ms += performance.now() - started;
    out.dispose();
    ious.push(...iouStats(data, (await batch.targets.data()) as Float32Array, batch.targets.shape[0]));
  }
  const share = (bar: number) => ious.filter((v) => v >= bar).length / ious.length;
  return { meanIou: ious.reduce((a, b) => a + b, 0) / ious.length, atLeast85: share(0.85), atLeast80: share(0.8), msPerWindow: ms / ious.length };
}

async function train(heads: DeepMaskHeads, refine: ReturnType<typeof makeRefine> | null, steps: number, headParameters: RegExp): Promise<number> {
  const named = namedVariables(heads);
  const trained: Record<string, tf.Variable> = Object.fromEntries(Object.entries(named).filter(([n]) => headParameters.test(n)));
  if (refine) for (const [n, v] of Object.entries(refine.vars)) trained[`refine/${n}`] = v;
  const adam = new Adam({ learningRate: Number(values.lr) });
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const batch = await makeBatch(trainSet, 'train', trainSampler.maskBatch(Number(values.batch)));
    const { value, grads } = tf.tidy(() => tf.variableGrads(() => {
      const coarse = heads.maskLogits(batch.s16);
      const logits = refine ? refine.apply(coarse, batch.s8, batch.s4) : coarse;
      return tf.div(maskLoss(logits, batch.targets, batch.labels), batch.labels.shape[0]) as tf.Scalar;
    }, Object.values(trained)));
    const byName: Record<string, tf.Tensor> = {};
    for (const [n, v] of Object.entries(trained)) byName[n] = grads[v.name];
    adam.apply(trained, byName);
    if (step % 50 === 0) process.stderr.write(`step ${step} loss ${(await value.data())[0].toFixed(4)}\n`);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    disposeBatch(batch);
  }
  adam.dispose();
  return (performance.now() - started) / 1000;
}

const steps = Number(values.steps);
// name -> [head parameters trained, with the refinement module]
const VARIANTS: Record<string, [RegExp | null, boolean]> = {
  base: [null, false],
  mask: [/^(shared|mask)\//, false],
  'mask+refine': [/^(shared|mask)\//, true],
  reduce: [/^(shared|mask\/reduce)\//, false],
  'reduce+refine': [/^(shared|mask\/reduce)\//, true],
  'refine-only': [/^$/, true],
};
const results: Record<string, unknown> = {};
for (const name of values.variants.split(',')) {
  if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const [parameters, withRefine] = VARIANTS[name];
  const heads = await loadHeads(defaultModelDir());
  const refine = withRefine ? makeRefine(Number(values.hidden), 32, 24) : null;
  const trainSeconds = parameters ? await train(heads, refine, steps, parameters) : 0;
  results[name] = { ...(await evaluate(heads, refine)), trainSeconds };
  console.log(name, JSON.stringify(results[name]));
  heads.dispose();
  if (refine) Object.values(refine.vars).forEach((variable) => variable.dispose());
}
await writeFile(values.out, JSON.stringify({ train: Number(values.train), test: Number(values.test), testWindows: testSamples.length, steps, batch: Number(values.batch), hidden: Number(values.hidden), learningRate: Number(values.lr), results }, null, 2) + '\n');
