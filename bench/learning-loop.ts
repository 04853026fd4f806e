// The simulated-annotator benchmark of the learning loop (issue #7), run through the API contract on
// a real project: a temp copy of pennfudan images opened with openProject, the real model provider
// (DeepMask in its worker) and the real learner. A simulated annotator walks the first --images
// images in the project's order: per image it proposes (top --shown), accepts proposals at IoU >= .85
// with a still-unmatched ground-truth person, rejects the others, draws the missed people (their
// simplified polygon, vertices counted as clicks), and saves the image as done. After every --block
// images it calls fineTune and waits for onDidFineTune to finish (the service evaluates on held-out
// images and adopts the new version or not). The AR@10/AR@100 of the active version is measured on
// the last --eval-images images, which are never walked (block 0: before any fine-tune).
// Prints a table per block and writes bench/results/learning-loop.json. Run niced:
//   nice -n 10 npx tsx bench/learning-loop.ts [--images 100] [--eval-images 45] [--block 10]
//     [--shown 10] [--steps 0] [--no-fine-tune] [--learner worker|in-process] [--out file]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openProject } from '../electron/services/project';
import { bundledModels } from '../electron/cli/bundled-models';
import { createInProcessLearner, createWorkerLearner } from '../electron/model/learner';
import { createModelProvider } from '../electron/model/provider';
import type { Learner } from '../electron/services/learner';
import { readCocoFile } from '../electron/services/coco-file';
import { imagesInSplit } from '../electron/model/training/dataset-split';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';
import { DEFAULT_ANNOTATOR } from './lib/annotator';
import { addDecisions, clicksPerInstance, correctedInstances, emptyTally, formatTable, type BlockRow, type BlockTally, type FineTuneOutcome } from './lib/block-report';
import { fineTuneAndWait, proposeRemaining, walkImage, type LoopApi, type WalkOptions } from './lib/loop-driver';
import { copyImagesToTempProject } from './lib/project-copy';
import { truthByFileName } from './lib/pennfudan-truth';
import { arOnRemaining, type RemainingAr } from './lib/remaining-ar';
import { summarize } from './lib/loop-summary';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100' },
    'eval-images': { type: 'string', default: '45' },
    block: { type: 'string', default: '10' },
    shown: { type: 'string', default: '10' },
    // 0 = the learner's own step count, what the app does (2 steps per usable example, 40..400; about
    // 30 min for the default 100 images); a fixed count (e.g. 64) gives shorter runs that learn less.
    steps: { type: 'string', default: '0' },
    iou: { type: 'string', default: String(DEFAULT_ANNOTATOR.iouThreshold) },
    'reject-clicks': { type: 'string', default: String(DEFAULT_ANNOTATOR.rejectClicks) },
    // Clicks the annotator spends on an object no proposal fits before drawing it (0: draws at once, issue #7's walk).
    clicks: { type: 'string', default: '10' },
    // Assign every saved object its dataset category (one key unless the app suggested it).
    categories: { type: 'boolean', default: true },
    'no-fine-tune': { type: 'boolean', default: false },
    learner: { type: 'string', default: 'worker' },
    'fine-tune-timeout': { type: 'string', default: '900' },
    dataset: { type: 'string', default: 'pennfudan' },
    // Weight of the optional colour refinement of proposal masks (0 = off, the app's default).
    'colour-refine': { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: join(repoRoot, 'bench/results/learning-loop.json') },
    // A finished run's JSON (--no-fine-tune over the same images): compared with, and kept in, the results.
    baseline: { type: 'string' },
    // Recompute the summary of a finished run's JSON (with --baseline) into --out, without running anything.
    resummarize: { type: 'string' },
  },
});
const baselineRun = values.baseline ? (JSON.parse(await readFile(values.baseline, 'utf8')) as { rows: BlockRow[]; settings: unknown; measuredAt: string }) : null;
if (values.resummarize) {
  const run = JSON.parse(await readFile(values.resummarize, 'utf8')) as { rows: BlockRow[]; [key: string]: unknown };
  const updated = {
    ...run,
    summary: summarize(run.rows, baselineRun?.rows),
    ...(baselineRun ? { baseline: { measuredAt: baselineRun.measuredAt, settings: baselineRun.settings, table: formatTable(baselineRun.rows), rows: baselineRun.rows } } : {}),
  };
  await writeFile(values.out, `${JSON.stringify(updated, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(updated.summary, null, 2)}\n`);
  process.exit(0);
}
if (!datasetsAvailable) {
  process.stderr.write(`learning-loop: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number >= 0, got ${text}`);
  return value;
};
const walkCount = positive('images', values.images);
const evalCount = positive('eval-images', values['eval-images']);
const blockSize = Math.max(1, positive('block', values.block));
const stepsFlag = positive('steps', values.steps);
const steps = stepsFlag === 0 ? undefined : stepsFlag;
const fraction = (name: string, text: string): number => {
  const value = Number(text);
  if (!(value > 0 && value <= 1)) throw new Error(`--${name} must be a number in (0, 1], got ${text}`);
  return value;
};
const walkOptions: WalkOptions = { shown: Math.max(1, positive('shown', values.shown)), iouThreshold: fraction('iou', values.iou), rejectClicks: positive('reject-clicks', values['reject-clicks']), maxClicks: positive('clicks', values.clicks) };
const fineTuning = !values['no-fine-tune'];
const log = (line: string) => process.stderr.write(`${line}\n`);

// cocotrain-val: the validation split of cocotrain (no model of ours trained on it); others: the whole set.
const datasetName = values.dataset === 'cocotrain-val' ? 'cocotrain' : values.dataset;
const datasetDir = join(datasetsDir, datasetName);
const cocoDataset = await readCocoFile(join(datasetDir, 'annotations.json'));
const truth = truthByFileName(cocoDataset);
const chosenIds = values.dataset === 'cocotrain-val' ? imagesInSplit('cocotrain', cocoDataset.images.map((image) => image.id), 'validation') : null;
const names = [...truth.keys()].filter((name) => !chosenIds || chosenIds.has(cocoDataset.images.find((image) => image.file_name === name)?.id ?? -1)).sort();
if (walkCount + evalCount > names.length) throw new Error(`--images ${walkCount} + --eval-images ${evalCount} exceed the ${names.length} images of ${values.dataset}`);
const walkNames = names.slice(0, walkCount);
const evalNames = names.slice(names.length - evalCount);
const { folder, cleanup } = await copyImagesToTempProject(join(datasetDir, 'images'), [...walkNames, ...evalNames], 'maskpilot-learning-loop-');
log(`project copy: ${folder} (${walkNames.length} to walk, ${evalNames.length} held for AR)`);

const loadAtStart = loadavg();
const notes: string[] = [];
const colourWeight = Number(values['colour-refine']);
if (!(Number.isFinite(colourWeight) && colourWeight >= 0)) throw new Error(`--colour-refine must be a non-negative number, got '${values['colour-refine']}'`);
const model = await createModelProvider(colourWeight > 0 ? { settings: { colourWeight } } : {});
const learner: Learner | null = fineTuning ? (values.learner === 'in-process' ? createInProcessLearner() : await createWorkerLearner()) : null;
// As the host opens a project: the bundled models are the project's first versions, the default active.
const bundled = await bundledModels();
const project = await openProject(folder, {
  model,
  ...(learner ? { learner } : {}),
  bundledModels: bundled,
  defaultModelId: bundled[0]?.id,
});
const api: LoopApi = project;
const listed = (await api.listImages({ offset: 0, limit: 1000 })).images.map((image) => image.id);
const walkIds = listed.slice(0, walkCount);
const evalIds = listed.slice(listed.length - evalCount);
if (walkIds.join() !== walkNames.join() || evalIds.join() !== evalNames.join()) {
  await project.close();
  await Promise.all([learner?.dispose(), model.dispose(), cleanup()]);
  throw new Error('the project lists the images in another order than the bench chose them');
}

// The dataset's categories of the walked images become the project's (the annotator names them up front).
if (values.categories) {
  const used = new Set(walkNames.flatMap((name) => truth.get(name)!.objects.flatMap((object) => (object.categoryId === undefined ? [] : [object.categoryId]))));
  const projectCategory = new Map<number, number>();
  for (const category of cocoDataset.categories.filter((entry) => used.has(entry.id))) projectCategory.set(category.id, (await project.saveCategory({ name: category.name })).id);
  walkOptions.categoryOf = (datasetCategoryId) => projectCategory.get(datasetCategoryId) as number;
}

// Fine-tunes happen only where the bench asks for them (end of each block), never automatically.
try {
  const settings = await api.saveLearningSettings({ autoFineTune: false });
  log(`learning settings: ${JSON.stringify(settings)}`);
} catch (error) {
  const message = `saveLearningSettings refused: ${(error as Error).message.split('\n')[0]}`;
  log(message);
  notes.push(message);
}

const activeVersion = async (): Promise<string | null> => (await api.getModelStatus({})).modelVersion;
let lastMeasured: { version: string | null; ar: RemainingAr; seconds: number } | null = null;
/** AR on the held images of the version proposing now; measured again only when the version changed. */
async function measureRemaining(): Promise<RemainingAr> {
  const version = await activeVersion();
  if (lastMeasured && lastMeasured.version === version) return lastMeasured.ar;
  const started = performance.now();
  const proposals = await proposeRemaining(api, evalIds, 100);
  const ar = arOnRemaining(proposals.map(({ imageId, proposals: found }) => ({ truth: truth.get(imageId)!, proposals: found })));
  lastMeasured = { version, ar, seconds: (performance.now() - started) / 1000 };
  log(`AR on ${ar.images} remaining images (${ar.instances} people), version ${version}: AR@10 ${ar.ar10.toFixed(3)}, AR@100 ${ar.ar100.toFixed(3)} (${lastMeasured.seconds.toFixed(0)} s)`);
  return ar;
}

const started = performance.now();
const rows: BlockRow[] = [];
const proposeMs: number[] = [];
let fineTuneBlocked: string | null = null;
try {
  await waitForModel();
  rows.push({ block: 0, imagesWalked: 0, correctedSoFar: 0, walk: null, clicksPerInstance: null, fineTune: null, activeVersion: await activeVersion(), remaining: await measureRemaining() });
  log(formatTable(rows));
  let corrected = 0;
  for (let block = 1; (block - 1) * blockSize < walkIds.length; block++) {
    let tally: BlockTally = emptyTally();
    for (const imageId of walkIds.slice((block - 1) * blockSize, block * blockSize)) {
      const decisions = await walkImage(api, imageId, truth.get(imageId)!, walkOptions);
      proposeMs.push(decisions.proposeMs);
      tally = addDecisions(tally, decisions);
    }
    corrected += correctedInstances(tally);
    let fineTune: FineTuneOutcome | null = null;
    if (fineTuning && !fineTuneBlocked) {
      try {
        fineTune = await fineTuneAndWait(api, steps === undefined ? {} : { steps }, Number(values['fine-tune-timeout']) * 1000);
        log(`block ${block}: fine-tune ${fineTune.versionId ?? '(none)'}: ${fineTune.decision}`);
      } catch (error) {
        fineTuneBlocked = (error as Error).message.split('\n')[0];
        log(`block ${block}: fine-tune refused: ${fineTuneBlocked}`);
        notes.push(`fineTune refused at block ${block} (no further attempts): ${fineTuneBlocked}`);
      }
    }
    rows.push({
      block,
      imagesWalked: Math.min(block * blockSize, walkIds.length),
      correctedSoFar: corrected,
      walk: tally,
      clicksPerInstance: clicksPerInstance(tally),
      fineTune,
      activeVersion: await activeVersion(),
      remaining: await measureRemaining(),
    });
    log(formatTable(rows));
    await writeFile(values.out, `${JSON.stringify(resultsOf(false), null, 2)}\n`);
  }
  const results = resultsOf(true);
  await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${results.table}\n${JSON.stringify(results.summary, null, 2)}\n`);
} finally {
  await project.close();
  await learner?.dispose();
  await model.dispose();
  if (values.keep) log(`kept ${folder}`);
  else await cleanup();
}

/** Everything measured so far; written after every block (partial) and at the end. */
function resultsOf(complete: boolean) {
  const table = formatTable(rows);
  return {
    measuredAt: new Date().toISOString(),
    complete,
    dataset: values.dataset,
    settings: {
      walkedImages: walkIds.length,
      firstWalked: walkIds[0] ?? null,
      lastWalked: walkIds.at(-1) ?? null,
      remainingImages: evalIds.length,
      firstRemaining: evalIds[0] ?? null,
      blockSize,
      colourWeight,
      ...walkOptions,
      fineTune: fineTuning && !fineTuneBlocked ? { steps: steps ?? 'learner default', learner: values.learner === 'in-process' ? 'createInProcessLearner' : 'createWorkerLearner' } : null,
    },
    machine: { loadAtStart, loadAtEnd: loadavg(), totalSeconds: (performance.now() - started) / 1000, medianProposeMsWalk: median(proposeMs) },
    summary: summarize(rows, baselineRun?.rows),
    ...(baselineRun ? { baseline: { measuredAt: baselineRun.measuredAt, settings: baselineRun.settings, table: formatTable(baselineRun.rows), rows: baselineRun.rows } } : {}),
    rows,
    table,
    notes: [
      ...notes,
      'Cost: an accepted proposal 1, a rejected proposal --reject-clicks (1); an object no proposal fits is segmented with up to --clicks clicks (the standard protocol through segmentAt, accepted at the same IoU bar), and drawn by hand when that fails (the vertex count of its outline simplified as the editor does, plus the clicks spent); one category key per saved object unless the app suggested its category.',
      `AR on the ${evalIds.length} last images (never walked); re-measured only when the active version changed.`,
      'Corrected instances = accepted proposals + drawn objects (rejections are counted in the block columns).',
    ],
  };
}

async function waitForModel(): Promise<void> {
  for (let waited = 0; waited < 300; waited++) {
    const status = await api.getModelStatus({});
    if (status.ready) {
      log(`model ${status.modelVersion} on ${status.backend}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('the model did not become ready within 300 s');
}

function median(numbers: number[]): number | null {
  if (numbers.length === 0) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
