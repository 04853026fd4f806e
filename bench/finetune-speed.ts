// Speed of fine-tuning DeepMask on an annotator's corrections (electron/model/finetune), on real
// pennfudan photos, on this machine's wasm backend:
//   - "500 triplets": a fine-tune drawing 512 (patch, mask, score) training windows (16 steps of 32)
//     from the corrections of N images, timed end to end as the learner runs it: reading the
//     corrections, the trunk's features of every view the sampler can draw (cold disk cache: the
//     images are new), training, writing the weights. The trunk itself is loaded once beforehand
//     (the training worker keeps it between fine-tunes). Median of --runs runs, each in a fresh
//     cache folder.
//   - the same with the project's feature cache warm (a second fine-tune of the same images).
//   - the default step count (2 per example) on the same data, warm cache.
//   - features/s (views of the trunk per second) and steps/s from the progress events.
// Corrections are simulated: every ground-truth person is accepted, images are marked complete,
// and base-model proposals overlapping no person (mask IoU < 0.3) are rejected (hard negatives).
// Prints a summary and writes bench/results/finetune-speed.json. Run niced:
//   nice -n 10 npx tsx bench/finetune-speed.ts [--images 20] [--runs 3]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir } from '../electron/model/deepmask/model';
import { addRejectedProposals, learningImagesFromCoco } from '../electron/model/finetune/coco-learning-images';
import { defaultFineTuneSteps, FINETUNE_LEARNING_RATE, fineTuneDeepMask } from '../electron/model/finetune/finetune';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import type { FineTuneReport, LearnerProgress, LearningImage } from '../electron/services/learner';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { images: { type: 'string', default: '20' }, runs: { type: 'string', default: '3' }, out: { type: 'string', default: join(repoRoot, 'bench/results/finetune-speed.json') } } });
if (!datasetsAvailable) {
  process.stderr.write(`finetune-speed: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const imageCount = Number(values.images);
const runs = Number(values.runs);
const loadAtStart = loadavg();
const backend = await selectBackend();
const trunk = await loadTrunk();
const dir = join(datasetsDir, 'pennfudan');
const work = await mkdtemp(join(tmpdir(), 'finetune-speed-'));

/** The first N images with every person accepted and base proposals on empty ground rejected. */
async function corrections(): Promise<LearningImage[]> {
  const images = learningImagesFromCoco(await readCocoFile(join(dir, 'annotations.json')), join(dir, 'images')).slice(0, imageCount);
  const base = createDeepMask({ trunk });
  await base.load();
  await addRejectedProposals(images, base);
  base.dispose();
  return images;
}

interface Run {
  seconds: number;
  featureSeconds: number;
  views: number;
  trainingSeconds: number;
  steps: number;
  report: FineTuneReport;
}

async function fineTune(images: LearningImage[], cacheDir: string, steps: number | undefined, name: string, flip?: boolean): Promise<Run> {
  const started = performance.now();
  let featuresDone = started;
  let views = 0;
  let lastStep = started;
  const report = await fineTuneDeepMask(
    { baseModelDir: defaultModelDir(), outputDir: join(work, name), modelVersion: name, images, steps, cacheDir },
    {
      trunk,
      flip,
      onProgress: (event: LearnerProgress) => {
        if (event.phase === 'features') {
          featuresDone = performance.now();
          views = event.total;
        } else lastStep = performance.now();
      },
    },
  );
  return { seconds: (performance.now() - started) / 1000, featureSeconds: (featuresDone - started) / 1000, views, trainingSeconds: (lastStep - featuresDone) / 1000, steps: report.steps, report };
}

const median = (numbers: number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const summary = (list: Run[]) => ({
  runs: list.length,
  medianSeconds: median(list.map((run) => run.seconds)),
  allSeconds: list.map((run) => Number(run.seconds.toFixed(2))),
  medianFeatureSeconds: median(list.map((run) => run.featureSeconds)),
  views: list[0].views,
  viewsPerSecond: median(list.map((run) => run.views / Math.max(run.featureSeconds, 1e-9))),
  steps: list[0].steps,
  triplets: list[0].report.triplets,
  stepsPerSecond: median(list.map((run) => run.steps / Math.max(run.trainingSeconds, 1e-9))),
  finalLoss: list[0].report.loss.at(-1),
});

const images = await corrections();
const positives = images.reduce((sum, image) => sum + image.annotations.instances.filter((instance) => instance.status === 'accepted').length, 0);
const rejected = images.reduce((sum, image) => sum + image.annotations.instances.filter((instance) => instance.status === 'rejected').length, 0);
process.stderr.write(`backend ${backend.backend}; ${images.length} images, ${positives} accepted, ${rejected} rejected\n`);

const cold: Run[] = [];
const warm: Run[] = [];
for (let run = 0; run < runs; run++) {
  const cacheDir = join(work, `cache-${run}`);
  cold.push(await fineTune(images, cacheDir, 16, `cold-${run}`));
  warm.push(await fineTune(images, cacheDir, 16, `warm-${run}`));
  process.stderr.write(`run ${run + 1}: cold ${cold[run].seconds.toFixed(1)} s (features ${cold[run].featureSeconds.toFixed(1)} s for ${cold[run].views} views), warm ${warm[run].seconds.toFixed(1)} s\n`);
}
const defaultRun = await fineTune(images, join(work, 'cache-0'), undefined, 'default-steps');
// Without mirror jitter: half the views (a trade-off measured for AR in bench/finetune-lr.ts).
const noFlip = await fineTune(images, join(work, 'cache-noflip'), 16, 'no-flip', false);

const results = {
  measuredAt: new Date().toISOString(),
  backend: backend.backend,
  loadAverage: { start: loadAtStart.map((value) => Number(value.toFixed(2))), end: loadavg().map((value) => Number(value.toFixed(2))) },
  data: { dataset: 'pennfudan', images: images.length, accepted: positives, rejected, usedPositives: cold[0].report.positives, usedHardNegatives: cold[0].report.negatives },
  learningRate: FINETUNE_LEARNING_RATE,
  triplets500ColdCache: summary(cold),
  triplets500WarmCache: summary(warm),
  defaultSteps: { rule: '2 steps per example (positive or hard negative), within [40, 400]', ruleSteps: defaultFineTuneSteps(cold[0].report.positives + cold[0].report.negatives), ...summary([defaultRun]) },
  triplets500ColdCacheWithoutMirror: summary([noFlip]),
  notes: [
    'A triplet is one (patch, mask, score) training window; 16 steps of batch 32 draw 512.',
    'Seconds are wall time of fineTuneDeepMask with the trunk already loaded (the training worker keeps it): corrections -> sampler, trunk features of every view (cold: computed; warm: read from the disk cache), training, atomic write of weights + model card.',
    'The machine is shared with other work; the load average is recorded.',
  ],
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `fine-tune, 512 triplets, ${images.length} images (${positives} objects, ${rejected} rejected): median ${results.triplets500ColdCache.medianSeconds.toFixed(1)} s cold cache ` +
    `(${results.triplets500ColdCache.views} views at ${results.triplets500ColdCache.viewsPerSecond.toFixed(1)} views/s), ${results.triplets500WarmCache.medianSeconds.toFixed(1)} s warm; ` +
    `${results.triplets500ColdCache.stepsPerSecond.toFixed(1)} steps/s; default ${results.defaultSteps.steps} steps: ${results.defaultSteps.medianSeconds.toFixed(1)} s\n`,
);
trunk.dispose();
await rm(work, { recursive: true, force: true });
