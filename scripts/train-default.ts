// Trains the bundled default DeepMask heads on ../shared/datasets/coco128 and writes them to
// resources/models/deepmask/ (heads.bin + heads.json with the version in its meta, training.json,
// MODEL_CARD.md). Run niced, in the background, e.g.
//   nohup nice -n 10 npx tsx scripts/train-default.ts --steps 3000 --max-minutes 30 > /tmp/train.log 2>&1 &
// Options: --steps N (default 3000), --max-minutes M (stop early, keeping what was learnt), --resume,
// --version NAME (default deepmask-coco128-v1), --out DIR, --seed S, --batch B, --lr X,
// --max-view-side PX, --first-images N (train on the first N images only), --features-only (fill the
// on-disk feature cache and exit; lets a second process cache features while another trains).
// Trunk features are cached on disk in --work-dir, so reruns skip the trunk.
// The mask refiner is a second stage on trained heads: --from DIR (start from the heads saved in DIR)
// --refine-hidden N (add a refiner N wide if they have none) --refiner-only (train the refiner alone:
// scores and coarse masks stay bit for bit those of DIR), e.g.
//   nice -n 10 npx tsx scripts/train-default.ts --from /tmp/v1-copy --refine-hidden 32 --refiner-only
//     --steps 3000 --version deepmask-coco128-v2 --out /tmp/v2   (then copy /tmp/v2 into resources)
// --from must not be --out: an interrupted run saves what it has learnt there.
import { stat, writeFile, readFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { createHeads, loadHeads, withRefiner } from '../electron/model/heads';
import { WindowSampler } from '../electron/model/sampler/sampler';
import { TRUNK_FEATURE_NODE, loadTrunk } from '../electron/model/trunk';
import { readTrainingFacts, writeModelCard, type ArResults, type TrainingFacts } from '../electron/model/training/model-card';
import { openTrainingSession } from '../electron/model/training/session';
import { trainHeads } from '../electron/model/training/trainer';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    'max-minutes': { type: 'string' },
    resume: { type: 'boolean', default: false },
    version: { type: 'string', default: 'deepmask-coco128-v1' },
    out: { type: 'string', default: join(repoRoot, 'resources/models/deepmask') },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.001' },
    'max-view-side': { type: 'string', default: '1024' },
    'first-images': { type: 'string' },
    'features-only': { type: 'boolean', default: false },
    'work-dir': { type: 'string', default: join(tmpdir(), 'maskpilot-train-default') },
    from: { type: 'string' },
    'refine-hidden': { type: 'string', default: '0' },
    'refiner-only': { type: 'boolean', default: false },
  },
});

const steps = Number(values.steps);
const batchSize = Number(values.batch);
const learningRate = Number(values.lr);
const seed = Number(values.seed);
const maxViewSide = Number(values['max-view-side']);
const outDir = resolve(values.out);
const workDir = resolve(values['work-dir']);
const log = (line: string): void => void process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const refineHidden = Number(values['refine-hidden']);
const fromDir = values.from ? resolve(values.from) : null;
if (!Number.isInteger(refineHidden) || refineHidden < 0) throw new Error(`--refine-hidden must be a non-negative integer, got ${values['refine-hidden']}`);
if (values['refiner-only'] && !fromDir) throw new Error('--refiner-only trains a refiner on trained heads: give them with --from DIR');
// The facts of the run that trained the heads we start from (kept in the new card; this run adds a stage).
const baseFacts = fromDir ? await readTrainingFacts(fromDir) : null;
if (fromDir && !baseFacts) throw new Error(`--from ${fromDir}: no training.json there (the facts of the run that trained those heads)`);
if (fromDir && fromDir === outDir) throw new Error('--from and --out are the same folder: an interrupted run would overwrite its own starting point; write to another --out');
if (baseFacts && baseFacts.version === values.version) throw new Error(`--version ${values.version} is the version of the --from heads; name the new one`);
if (values['refiner-only'] && baseFacts?.refinerStage) throw new Error(`--from ${fromDir} already has a trained refiner (${baseFacts.version}); start from the heads it was trained on`);
if (values['refiner-only'] && baseFacts && Number(baseFacts.hyperParameters.maxViewSide) !== maxViewSide) {
  throw new Error(`--max-view-side ${maxViewSide} differs from the base run's ${String(baseFacts.hyperParameters.maxViewSide)}: the refiner stage must see the positives the heads were trained on`);
}

const datasetDir = join(datasetsDir, 'coco128');
const selection = await selectBackend();
log(`backend ${selection.backend}${selection.notes.length ? ` (${selection.notes.length} faster backends unavailable)` : ''}`);
const trunk = await loadTrunk();
let heads = fromDir ? await loadHeads(fromDir) : createHeads({ channels: trunk.channels, ...(refineHidden > 0 ? { refineHidden, refineChannels8: trunk.fineChannels.stride8, refineChannels4: trunk.fineChannels.stride4 } : {}) }, seed);
if (fromDir && refineHidden > 0 && heads.config.refineHidden > 0 && heads.config.refineHidden !== refineHidden) {
  throw new Error(`--refine-hidden ${refineHidden}: the --from heads already have a refiner ${heads.config.refineHidden} wide`);
}
if (fromDir && refineHidden > 0 && heads.config.refineHidden === 0) {
  const plain = heads;
  heads = withRefiner(plain, refineHidden, trunk.fineChannels.stride8, trunk.fineChannels.stride4, seed);
  plain.dispose();
}
const fine = heads.config.refineHidden > 0;
const session = await openTrainingSession({
  cocoPath: join(datasetDir, 'annotations.json'),
  imagesDir: join(datasetDir, 'images'),
  trunk,
  maxViewSide,
  seed,
  cacheDir: workDir,
  fine,
});
const { dataset } = session;
let { sampler } = session.source;
if (values['first-images']) {
  const count = Number(values['first-images']);
  sampler = new WindowSampler(dataset.samplerImages.slice(0, count), sampler.options);
}
const imageCount = sampler.images.length;
if (values['refiner-only'] && baseFacts && baseFacts.dataset.images !== imageCount) {
  throw new Error(`the base heads were trained on ${baseFacts.dataset.images} images, this run has ${imageCount} (--first-images): the refiner stage must see the same positives`);
}
const objects = sampler.images.reduce((sum, image) => sum + image.objects.filter((object) => !object.iscrowd).length, 0);
const views = sampler.images.reduce((sum, _, index) => sum + sampler.views(index).length, 0);
log(`coco128: ${imageCount} images, ${objects} objects, ${sampler.positiveObjectCount} usable as positives, ${views} views`);

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
if (values['max-minutes']) setTimeout(() => controller.abort(), Number(values['max-minutes']) * 60_000).unref();
const featureStarted = performance.now();
let featureSeconds = 0;

const result = await trainHeads(
  heads,
  { ...session.source, sampler },
  {
    steps: values['features-only'] ? 0 : steps,
    batchSize,
    learningRate,
    // The base's version is part of the folder name, so --resume never mixes two starting points.
    checkpointDir: values['features-only'] ? undefined : join(workDir, `checkpoints-${values.version}${baseFacts ? `-from-${baseFacts.version}` : ''}`),
    checkpointEvery: 250,
    resume: values.resume,
    signal: controller.signal,
    ...(values['refiner-only'] ? { trainOnly: 'refiner' as const } : {}),
    progressEvery: 25,
    onProgress: (event) => {
      if (event.phase === 'features') {
        featureSeconds = (performance.now() - featureStarted) / 1000;
        if (event.done % 100 === 0 || event.done === event.total) log(`features ${event.done}/${event.total} (${featureSeconds.toFixed(0)} s)`);
      } else if (event.phase === 'training') {
        log(
          `step ${event.step}/${event.totalSteps}  mask ${event.maskLoss.toFixed(4)}  score ${event.scoreLoss.toFixed(4)}  ${event.samplesPerSecond.toFixed(0)} samples/s  ETA ${(event.etaSeconds / 60).toFixed(1)} min`,
        );
      } else log(`checkpoint at step ${event.step}`);
    },
  },
);
if (values['features-only'] || result.steps === 0) {
  log(`no training steps done (${values['features-only'] ? 'features only' : 'stopped before the first step'}); weights left unchanged`);
  process.exit(0);
}
log(`${result.cancelled ? 'stopped early' : 'finished'} at step ${result.steps} (${(result.trainingSeconds / 60).toFixed(1)} min of training)`);

const tail = (branch: 'mask' | 'score'): number => {
  const losses = result.history.filter((record) => record.branch === branch).slice(-50).map((record) => record.loss);
  return losses.reduce((sum, value) => sum + value, 0) / Math.max(1, losses.length);
};
await heads.save(outDir, {
  modelVersion: values.version,
  trainedOn: `coco128 (../shared/datasets/coco128, first ${imageCount} images)`,
  steps: result.steps,
  trunkNode: TRUNK_FEATURE_NODE,
  createdAt: new Date().toISOString(),
  ...(baseFacts ? { parentVersion: baseFacts.version } : {}),
});
const runFacts: TrainingFacts = {
  version: values.version,
  dataset: { name: imageCount === dataset.files.length ? 'coco128' : `coco128 (first ${imageCount} images)`, images: imageCount, objects, positiveObjects: sampler.positiveObjectCount, views },
  trunk: { source: '@vladmandic/human models/centernet (MB3-CenterNet, COCO)', node: TRUNK_FEATURE_NODE, channels: trunk.channels },
  heads: { ...heads.config },
  hyperParameters: { batchSize, learningRate, optimizer: 'Adam(0.9, 0.999, 1e-8)', maxViewSide, flip: true, seed, lambda: '1/32' },
  steps: result.steps,
  trainingSeconds: result.trainingSeconds,
  featureSeconds,
  backend: selection.backend,
  finalLosses: { mask: tail('mask'), score: tail('score') },
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}`,
  finishedAt: new Date().toISOString(),
  weightsBytes: (await stat(join(outDir, 'heads.bin'))).size,
};
// A refiner-only run is a stage on top of the heads' own training: the card keeps that run's facts.
const facts: TrainingFacts = values['refiner-only'] && baseFacts
  ? {
      ...baseFacts,
      version: values.version,
      heads: { ...heads.config },
      weightsBytes: runFacts.weightsBytes,
      refinerStage: {
        from: baseFacts.version,
        steps: result.steps,
        batchSize,
        learningRate,
        trainingSeconds: result.trainingSeconds,
        featureSeconds,
        finalMaskLoss: tail('mask'),
        finishedAt: runFacts.finishedAt,
      },
    }
  : runFacts;
await writeFile(join(outDir, 'training.json'), `${JSON.stringify(facts, null, 2)}\n`);
let ar: ArResults | null = null;
try {
  ar = JSON.parse(await readFile(join(repoRoot, 'bench/results/deepmask-ar.json'), 'utf8')) as ArResults;
} catch {
  ar = null;
}
await writeModelCard(outDir, facts, ar);
log(`saved ${values.version} to ${outDir}`);
heads.dispose();
trunk.dispose();
