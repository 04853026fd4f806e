// Mask quality of the two networks on the same training-distribution windows, without proposals,
// ranking or NMS in the way: the DeepMask sampler draws positive windows (an object centred within
// +-16 px at the canonical scale) and negatives from coco128 with a fixed seed; each network's
// 56 x 56 mask logits (InstanceFCN: the assembled 3 x 3 parts) are compared with the window's target.
// Prints and writes bench/results/seed-table2-windows.json: mean mask IoU over positives, pixel error
// per 3 x 3 part (is one part systematically wrong: a part/target misalignment would show here), and
// the objectness AUC (positives vs negatives) with median logits (saturation).
//
//   nice -n 10 npx tsx bench/seed-table2-windows.ts [--windows 256] [--seed 777]
//     [--instancefcn-dirs dirA,dirB] (several InstanceFCN weights on the same windows; default: bundled)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../electron/model/backend';
import { defaultModelDir } from '../electron/model/deepmask/model';
import { loadHeads } from '../electron/model/heads';
import { loadInstanceFcnHeads, paddedWindowCells } from '../electron/model/instancefcn/heads';
import { defaultInstanceFcnModelDir } from '../electron/model/instancefcn/model';
import { maskTarget } from '../electron/model/sampler/mask-target';
import { WindowSampler } from '../electron/model/sampler/sampler';
import { cutWindows } from '../electron/model/window-cut';
import { openTrainingSession } from '../electron/model/training/session';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    windows: { type: 'string', default: '256' },
    seed: { type: 'string', default: '777' },
    'instancefcn-dirs': { type: 'string', default: defaultInstanceFcnModelDir() },
    'work-dir': { type: 'string', default: '/tmp/maskpilot-train-default' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/seed-table2-windows.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`seed-table2-windows: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const count = Number(values.windows);
if (!(Number.isInteger(count) && count >= 2 && count % 2 === 0)) throw new Error(`--windows must be an even integer >= 2, got ${values.windows}`);
const K = 3;
const SIZE = 56;
const PIXELS = SIZE * SIZE;

interface WindowQuality {
  model: string;
  modelVersion: string;
  meanMaskIou: number;
  /** Pixel error rate of each of the 3 x 3 parts, row-major. */
  partPixelError: number[];
  objectnessAuc: number;
  medianPositiveLogit: number;
  medianNegativeLogit: number;
}

await selectBackend();
const trunk = await loadTrunk();
const dataset = join(datasetsDir, 'coco128');
const session = await openTrainingSession({ cocoPath: join(dataset, 'annotations.json'), imagesDir: join(dataset, 'images'), trunk, maxViewSide: 1024, seed: 1, cacheDir: values['work-dir'] });
const sampler = new WindowSampler(session.dataset.samplerImages, { ...session.source.sampler.options, seed: Number(values.seed) });
const batch = sampler.scoreBatch(count);
const maps = await Promise.all(batch.map((sample) => session.source.features.get(sample.imageIndex, sample.view)));
const channels = maps[0].channels;
const targets = batch.map((sample) => (sample.label === 1 ? maskTarget(session.source.mask(sample.imageIndex, sample.objectIndex), sample.view, sample.position) : null));

function quality(model: string, modelVersion: string, masks: Float32Array, scores: Float32Array): WindowQuality {
  let iouSum = 0;
  let positives = 0;
  const errors = new Array<number>(K * K).fill(0);
  const partPixels = new Array<number>(K * K).fill(0);
  batch.forEach((sample, index) => {
    const target = targets[index];
    if (!target) return;
    positives++;
    let intersection = 0;
    let union = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const predicted = masks[index * PIXELS + y * SIZE + x] > 0;
        const truth = target[y * SIZE + x] > 0;
        if (predicted && truth) intersection++;
        if (predicted || truth) union++;
        const part = Math.floor((y * K) / SIZE) * K + Math.floor((x * K) / SIZE);
        partPixels[part]++;
        if (predicted !== truth) errors[part]++;
      }
    }
    iouSum += union === 0 ? 1 : intersection / union;
  });
  const positive = batch.flatMap((sample, index) => (sample.label === 1 ? [scores[index]] : [])).sort((a, b) => a - b);
  const negative = batch.flatMap((sample, index) => (sample.label === -1 ? [scores[index]] : [])).sort((a, b) => a - b);
  let ordered = 0;
  for (const p of positive) for (const n of negative) ordered += p > n ? 1 : p === n ? 0.5 : 0;
  return {
    model,
    modelVersion,
    meanMaskIou: iouSum / positives,
    partPixelError: errors.map((error, part) => error / partPixels[part]),
    objectnessAuc: ordered / (positive.length * negative.length),
    medianPositiveLogit: positive[positive.length >> 1],
    medianNegativeLogit: negative[negative.length >> 1],
  };
}

const results: WindowQuality[] = [];
const deepMask = await loadHeads(defaultModelDir());
{
  const cells = deepMask.config.windowCells;
  const windows = tf.tensor4d(cutWindows(maps, batch.map((sample) => sample.position), cells), [count, cells, cells, channels]);
  const masks = tf.tidy(() => deepMask.maskLogits(windows));
  const scores = tf.tidy(() => deepMask.scoreLogits(windows));
  results.push(quality('DeepMask', String(deepMask.meta.modelVersion ?? 'unknown'), (await masks.data()) as Float32Array, (await scores.data()) as Float32Array));
  tf.dispose([windows, masks, scores]);
  deepMask.dispose();
}
for (const dir of values['instancefcn-dirs'].split(',')) {
  const heads = await loadInstanceFcnHeads(dir);
  const margin = heads.config.contextDilation;
  const cells = paddedWindowCells(heads.config);
  const windows = tf.tensor4d(cutWindows(maps, batch.map(({ position }) => ({ cellX: position.cellX - margin, cellY: position.cellY - margin })), cells), [count, cells, cells, channels]);
  const { maskLogits, objectness } = heads.windowPredictions(windows);
  results.push(quality('InstanceFCN', String(heads.meta.modelVersion ?? 'unknown'), (await maskLogits.data()) as Float32Array, (await objectness.data()) as Float32Array));
  tf.dispose([windows, maskLogits, objectness]);
  heads.dispose();
}
trunk.dispose();

const positives = batch.filter((sample) => sample.label === 1).length;
process.stdout.write(`${count} coco128 windows (${positives} positives), sampler seed ${values.seed}\n`);
for (const row of results) {
  process.stdout.write(
    `${row.model} ${row.modelVersion}: mean mask IoU ${row.meanMaskIou.toFixed(3)}; part pixel error ${row.partPixelError.map((value) => value.toFixed(3)).join(' ')}; objectness AUC ${row.objectnessAuc.toFixed(3)}, median logit +${row.medianPositiveLogit.toFixed(2)} / ${row.medianNegativeLogit.toFixed(2)}\n`,
  );
}
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ measuredAt: new Date().toISOString(), windows: count, positives, samplerSeed: Number(values.seed), results }, null, 2)}\n`);
