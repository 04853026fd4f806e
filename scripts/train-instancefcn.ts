// Trains the bundled InstanceFCN heads on ../shared/datasets/coco128 with the same data, sampler,
// feature cache, batch size and time budget as the DeepMask default (scripts/train-default.ts: all
// 128 images, batch 32, Adam 1e-3, views up to 1024 px, at most 4000 steps or 32 minutes), and writes
// resources/models/instancefcn/ (heads.bin + heads.json + training.json). Run niced, e.g.
//   nohup nice -n 10 npx tsx scripts/train-instancefcn.ts --max-minutes 32 > /tmp/train-ifcn.log 2>&1 &
// Options: --steps N, --max-minutes M, --batch B, --lr X, --objectness-weight W, --heads JSON (config
// overrides), --snapshot-every N (weights so far into <out>/snapshots/step-N), --seed S, --first-images N, --version NAME,
// --out DIR, --work-dir DIR (trunk feature cache; the default is train-default's, so features computed
// for DeepMask are reused).
import { stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { createInstanceFcnHeads } from '../electron/model/instancefcn/heads';
import { OBJECTNESS_LOSS_WEIGHT } from '../electron/model/instancefcn/loss';
import { INSTANCEFCN_LEARNING_RATE, trainInstanceFcn } from '../electron/model/instancefcn/trainer';
import { WindowSampler } from '../electron/model/sampler/sampler';
import { splitDatasetOf } from '../electron/model/training/dataset';
import { SPLIT_RULE } from '../electron/model/training/dataset-split';
import { openTrainingSession } from '../electron/model/training/session';
import { TRUNK_FEATURE_NODE, loadTrunk } from '../electron/model/trunk';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '4000' },
    'max-minutes': { type: 'string', default: '32' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: String(INSTANCEFCN_LEARNING_RATE) },
    'objectness-weight': { type: 'string', default: String(OBJECTNESS_LOSS_WEIGHT) },
    heads: { type: 'string', default: '{}' },
    'snapshot-every': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    'max-view-side': { type: 'string', default: '1024' },
    'first-images': { type: 'string' },
    version: { type: 'string', default: 'instancefcn-coco128-v2' },
    out: { type: 'string', default: join(repoRoot, 'resources/models/instancefcn') },
    'work-dir': { type: 'string', default: join(tmpdir(), 'maskpilot-train-default') },
    // The training split of these sets (dataset-split.ts), the data the guided model trains on; default coco128 alone.
    sets: { type: 'string' },
  },
});
const steps = Number(values.steps);
const batchSize = Number(values.batch);
const learningRate = Number(values.lr);
const objectnessWeight = Number(values['objectness-weight']);
const seed = Number(values.seed);
const maxViewSide = Number(values['max-view-side']);
const maxMinutes = Number(values['max-minutes']);
if (!(Number.isFinite(objectnessWeight) && objectnessWeight >= 0)) throw new Error(`--objectness-weight must be a non-negative number, got ${values["objectness-weight"]}`);
for (const [name, value] of Object.entries({ steps, batchSize, learningRate, seed, maxViewSide, maxMinutes })) {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`--${name} must be a positive number, got ${String(value)}`);
}
const outDir = resolve(values.out);
const log = (line: string): void => void process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const selection = await selectBackend();
log(`backend ${selection.backend}`);
const trunk = await loadTrunk();
const datasetDir = join(datasetsDir, 'coco128');
const sets = values.sets ? values.sets.split(',') : null;
const datasetName = sets ? `the training split of ${sets.join(' + ')} (${SPLIT_RULE})` : 'coco128';
const session = await openTrainingSession({
  cocoPath: sets ? await splitDatasetOf(datasetsDir, sets, 'train') : join(datasetDir, 'annotations.json'),
  imagesDir: sets ? datasetsDir : join(datasetDir, 'images'),
  trunk,
  maxViewSide,
  seed,
  cacheDir: resolve(values['work-dir']),
});
let { sampler } = session.source;
if (values['first-images']) sampler = new WindowSampler(session.dataset.samplerImages.slice(0, Number(values['first-images'])), sampler.options);
const imageCount = sampler.images.length;
const objects = sampler.images.reduce((sum, image) => sum + image.objects.filter((object) => !object.iscrowd).length, 0);
log(`${datasetName}: ${imageCount} images, ${objects} objects, ${sampler.positiveObjectCount} usable as positives`);

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
setTimeout(() => controller.abort(), maxMinutes * 60_000).unref();

const heads = createInstanceFcnHeads({ ...(JSON.parse(values.heads) as Record<string, number>), channels: trunk.channels }, seed);
const started = performance.now();
const result = await trainInstanceFcn(
  heads,
  { ...session.source, sampler },
  {
    steps,
    batchSize,
    learningRate,
    objectnessWeight,
    signal: controller.signal,
    snapshotEvery: Number(values['snapshot-every']),
    // The weights so far, so a run cut short still leaves a usable (and honestly labelled) model.
    onSnapshot: async (step) => {
      await heads.save(join(outDir, 'snapshots', `step-${step}`), { modelVersion: `${values.version}-step${step}`, steps: step, trunkNode: TRUNK_FEATURE_NODE, createdAt: new Date().toISOString() });
      log(`snapshot at step ${step}`);
    },
    onProgress: (event) =>
      log(`step ${event.step}/${event.totalSteps}  objectness ${event.objectnessLoss.toFixed(4)}  mask ${event.maskLoss.toFixed(4)}  ${event.samplesPerSecond.toFixed(0)} samples/s`),
  },
);
const wallSeconds = (performance.now() - started) / 1000;
if (result.steps === 0) {
  log('no training steps done; weights left unchanged');
  process.exit(0);
}
log(`${result.cancelled ? 'stopped at the time limit' : 'finished'} at step ${result.steps} (${(wallSeconds / 60).toFixed(1)} min wall)`);
const tail = result.losses.slice(-100);
await heads.save(outDir, {
  modelVersion: values.version,
  trainedOn: `${datasetName}, ${imageCount} images`,
  steps: result.steps,
  trunkNode: TRUNK_FEATURE_NODE,
  createdAt: new Date().toISOString(),
});
const facts = {
  version: values.version,
  architecture: 'instancefcn',
  dataset: { name: sets ? `${sets.join('+')} (training split)` : 'coco128', images: imageCount, objects, positiveObjects: sampler.positiveObjectCount },
  trunk: { source: '@vladmandic/human models/centernet (MB3-CenterNet, COCO)', node: TRUNK_FEATURE_NODE, channels: trunk.channels },
  heads: { ...heads.config },
  hyperParameters: { batchSize, learningRate, objectnessWeight, optimizer: 'Adam(0.9, 0.999, 1e-8)', maxViewSide, flip: true, seed, budget: `${steps} steps or ${maxMinutes} min` },
  steps: result.steps,
  stoppedByTimeLimit: result.cancelled,
  trainingSeconds: result.trainingSeconds,
  wallSeconds,
  backend: selection.backend,
  firstLoss: result.losses.slice(0, 25).reduce((sum, value) => sum + value, 0) / Math.min(25, result.losses.length),
  finalLoss: tail.reduce((sum, value) => sum + value, 0) / tail.length,
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}`,
  finishedAt: new Date().toISOString(),
  weightsBytes: (await stat(join(outDir, 'heads.bin'))).size,
};
await writeFile(join(outDir, 'training.json'), `${JSON.stringify(facts, null, 2)}\n`);
log(`saved ${values.version} to ${outDir}`);
heads.dispose();
trunk.dispose();
