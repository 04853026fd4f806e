// Experiment: does a refinement module on the trunk's stride-8 and stride-4 features (SharpMask's idea,
// in a form wasm can train) lift window-level mask IoU on pennfudan,
// where the stride-16 mask branch saturates below the learning-loop annotator's .85 bar?
// Trains on pennfudan images [0, --train), tests on [--train, --train + --test): per variant the mean
// window IoU of positive test windows and the share at >= .85. Variants: the base heads as they are;
// shared + mask branch fine-tuned (the learner today); the same plus the refinement module. Each is
// also scored on 256 windows of its training images (seen), which tells capacity from data.
// The refiner is the product's (electron/model/mask-refiner.ts via withRefiner); heads that already
// have one (--model DIR) keep theirs, and then every variant runs it ('base' and 'mask' included, and
// '+refine' variants train that refiner further instead of a fresh one). Results recorded before 2026-11-26 came from this bench's own
// copy of the same module (other initial values), so they are not reproduced bit for bit.
// Run: nice -n 10 npx tsx bench/refine-head-prototype.ts [--train 100] [--test 30] [--steps 400]
//   [--hidden 16] [--lr 1e-3] [--model DIR] [--variants base,mask,mask+refine,reduce,reduce+refine,refine-only]
import * as tf from '@tensorflow/tfjs-core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { defaultModelDir } from '../electron/model/deepmask/model';
import { registerGradients } from '../electron/model/gradients';
import { loadHeads, withRefiner, type DeepMaskHeads } from '../electron/model/heads';
import { maskTarget } from '../electron/model/sampler/mask-target';
import { WindowSampler, type WindowSample } from '../electron/model/sampler/sampler';
import { Adam } from '../electron/model/training/adam';
import { readCocoFile, trainingDatasetFromCoco, type TrainingDataset } from '../electron/model/training/dataset';
import { FeatureCache } from '../electron/model/training/features';
import { cutWindows, type FeatureMap, type PlainFeatureMap } from '../electron/model/window-cut';
import { maskLoss } from '../electron/model/training/loss';
import { registerFastMatMulGradient } from '../electron/model/training/matmul-gradient';
import { namedVariables } from '../electron/model/training/trainer';
import { trunkFeatureComputer } from '../electron/model/training/view-pixels';
import { loadTrunk } from '../electron/model/trunk';
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
    model: { type: 'string' },
  },
});
await selectBackend();
await registerGradients();
registerFastMatMulGradient();
const trunk = await loadTrunk();
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

// The product's feature computer (one trunk pass gives the stride-16, -8 and -4 maps), held in memory.
const featureCaches = new Map<TrainingDataset, FeatureCache>();
function featuresOf(set: TrainingDataset): FeatureCache {
  let cache = featureCaches.get(set);
  if (!cache) featureCaches.set(set, (cache = new FeatureCache(trunkFeatureComputer(trunk, set.files, { fine: true }), { maxBytes: 8e9, fine: true })));
  return cache;
}

interface Batch { s16: tf.Tensor4D; s8: tf.Tensor4D; s4: tf.Tensor4D; targets: tf.Tensor3D; labels: tf.Tensor1D }
async function makeBatch(set: TrainingDataset, samples: WindowSample[]): Promise<Batch> {
  const maps = await Promise.all(samples.map((s) => featuresOf(set).get(s.imageIndex, s.view)));
  const cut = (level: (map: FeatureMap) => PlainFeatureMap, factor: number) => {
    const parts = maps.map(level);
    const data = cutWindows(parts, samples.map((s) => s.position), 14, factor);
    return tf.tensor4d(data, [samples.length, 14 * factor, 14 * factor, parts[0].channels]);
  };
  const fine = (map: FeatureMap) => map.fine as NonNullable<FeatureMap['fine']>;
  const targets = new Float32Array(samples.length * 56 * 56);
  samples.forEach((s, k) => targets.set(maskTarget(set.mask(s.imageIndex, s.objectIndex), s.view, s.position), k * 3136));
  return {
    s16: cut((map) => map, 1),
    s8: cut((map) => fine(map).stride8, 2),
    s4: cut((map) => fine(map).stride4, 4),
    targets: tf.tensor3d(targets, [samples.length, 56, 56]),
    labels: tf.ones([samples.length]) as tf.Tensor1D,
  };
}
const disposeBatch = (b: Batch) => Object.values(b).forEach((t) => t.dispose());

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
for (let k = 0; k < testSamples.length; k += 32) testBatches.push(await makeBatch(testSet, testSamples.slice(k, k + 32)));
// Seen windows (training images, unmirrored, another seed): can the variant fit what it trained on?
const seenSamples = new WindowSampler(trainSet.samplerImages, { maxViewSide: 1024, flip: false, seed: 98 }).maskBatch(256);
const seenBatches: Batch[] = [];
for (let k = 0; k < seenSamples.length; k += 32) seenBatches.push(await makeBatch(trainSet, seenSamples.slice(k, k + 32)));

interface Scores { meanIou: number; atLeast85: number; atLeast80: number; msPerWindow: number }
async function evaluate(heads: DeepMaskHeads): Promise<{ unseen: Scores; seen: Scores }> {
  return { unseen: await scoreWindows(heads, testBatches), seen: await scoreWindows(heads, seenBatches) };
}

/** The mask logits the product computes: the coarse ones, refined when the heads have a refiner. */
function maskLogits(heads: DeepMaskHeads, batch: Batch): tf.Tensor3D {
  const coarse = heads.maskLogits(batch.s16);
  return heads.config.refineHidden > 0 ? heads.refineMask(coarse, batch.s8, batch.s4) : coarse;
}

async function scoreWindows(heads: DeepMaskHeads, batches: Batch[]): Promise<Scores> {
  const ious: number[] = [];
  let ms = 0;
  for (const batch of batches) {
    const started = performance.now();
    const out = tf.tidy(() => maskLogits(heads, batch));
    const data = (await out.data()) as Float32Array;
    ms += performance.now() - started;
    out.dispose();
    ious.push(...iouStats(data, (await batch.targets.data()) as Float32Array, batch.targets.shape[0]));
  }
  const share = (bar: number) => ious.filter((v) => v >= bar).length / ious.length;
  return { meanIou: ious.reduce((a, b) => a + b, 0) / ious.length, atLeast85: share(0.85), atLeast80: share(0.8), msPerWindow: ms / ious.length };
}

async function train(heads: DeepMaskHeads, steps: number, parameters: RegExp): Promise<number> {
  const trained = Object.fromEntries(Object.entries(namedVariables(heads)).filter(([name]) => parameters.test(name)));
  const adam = new Adam({ learningRate: Number(values.lr) });
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const batch = await makeBatch(trainSet, trainSampler.maskBatch(Number(values.batch)));
    const { value, grads } = tf.tidy(() =>
      tf.variableGrads(() => tf.div(maskLoss(maskLogits(heads, batch), batch.targets, batch.labels), batch.labels.shape[0]) as tf.Scalar, Object.values(trained)),
    );
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
// name -> [parameters trained (product names), with a refiner (the product's, --hidden wide)]
const VARIANTS: Record<string, [RegExp | null, boolean]> = {
  base: [null, false],
  mask: [/^(shared|mask)\//, false],
  'mask+refine': [/^(shared|mask|refine)\//, true],
  reduce: [/^(shared|mask\/reduce)\//, false],
  'reduce+refine': [/^(shared|mask\/reduce|refine)\//, true],
  'refine-only': [/^refine\//, true],
};
const results: Record<string, unknown> = {};
for (const name of values.variants.split(',')) {
  if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const [parameters, withRefine] = VARIANTS[name];
  const loaded = await loadHeads(values.model ?? defaultModelDir());
  const heads = withRefine && loaded.config.refineHidden === 0 ? withRefiner(loaded, Number(values.hidden), trunk.fineChannels.stride8, trunk.fineChannels.stride4, 7) : loaded;
  if (heads !== loaded) loaded.dispose();
  const trainSeconds = parameters ? await train(heads, steps, parameters) : 0;
  results[name] = { ...(await evaluate(heads)), trainSeconds };
  console.log(name, JSON.stringify(results[name]));
  heads.dispose();
}
await writeFile(values.out, JSON.stringify({ train: Number(values.train), test: Number(values.test), testWindows: testSamples.length, steps, batch: Number(values.batch), hidden: Number(values.hidden), learningRate: Number(values.lr), results }, null, 2) + '\n');
