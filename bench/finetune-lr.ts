// Picks the fine-tuning learning rate by measurement: DeepMask (bundled, trained on coco128) is
// fine-tuned on the simulated corrections of the first --train pennfudan images (every person
// accepted, images complete, base proposals on empty ground rejected) at several Adam step sizes with
// the default step count, and each result's AR@10/AR@100 is measured (finetune/evaluate.ts, the
// app's inference settings) on --test held-out pennfudan images, next to the base weights.
// Prints a table and writes bench/results/finetune-lr.json. Run niced:
//   nice -n 10 npx tsx bench/finetune-lr.ts [--train 30] [--test 30] [--rates 1e-4,3e-4,1e-3]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir } from '../electron/model/deepmask/model';
import { addRejectedProposals, learningImagesFromCoco } from '../electron/model/finetune/coco-learning-images';
import { evaluateModelDir } from '../electron/model/finetune/evaluate';
import { fineTuneDeepMask } from '../electron/model/finetune/finetune';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '30' },
    test: { type: 'string', default: '30' },
    rates: { type: 'string', default: '1e-4,3e-4,1e-3' },
    'no-flip': { type: 'boolean', default: false },
    steps: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/finetune-lr.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`finetune-lr: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const loadAtStart = loadavg();
const backend = await selectBackend();
const trunk = await loadTrunk();
const dir = join(datasetsDir, 'pennfudan');
const all = learningImagesFromCoco(await readCocoFile(join(dir, 'annotations.json')), join(dir, 'images'));
const train = all.slice(0, Number(values.train));
// Held out: from the far end of the set, never trained on.
const test = all.slice(all.length - Number(values.test));
const base = createDeepMask({ trunk });
await base.load();
const rejected = await addRejectedProposals(train, base);
base.dispose();
const work = await mkdtemp(join(tmpdir(), 'finetune-lr-'));
const cacheDir = join(work, 'cache');
const signal = new AbortController().signal;

const rows: Array<{ learningRate: number | null; steps: number; fineTuneSeconds: number; finalLoss: unknown; ar10: number; ar100: number }> = [];
const baseline = await evaluateModelDir(defaultModelDir(), test, { trunk, signal });
rows.push({ learningRate: null, steps: 0, fineTuneSeconds: 0, finalLoss: null, ar10: baseline.ar10, ar100: baseline.ar100 });
process.stderr.write(`base: AR@10 ${baseline.ar10.toFixed(3)} AR@100 ${baseline.ar100.toFixed(3)} on ${baseline.images} images / ${baseline.instances} persons\n`);
for (const rate of values.rates.split(',').map(Number)) {
  const outputDir = join(work, `lr-${rate}`);
  const report = await fineTuneDeepMask(
    { baseModelDir: defaultModelDir(), outputDir, modelVersion: `pennfudan-lr-${rate}`, images: train, cacheDir, steps: values.steps ? Number(values.steps) : undefined },
    { trunk, learningRate: rate, flip: !values['no-flip'] },
  );
  const evaluation = await evaluateModelDir(outputDir, test, { trunk, signal });
  rows.push({ learningRate: rate, steps: report.steps, fineTuneSeconds: report.seconds, finalLoss: report.loss.at(-1), ar10: evaluation.ar10, ar100: evaluation.ar100 });
  process.stderr.write(`lr ${rate}: ${report.steps} steps in ${report.seconds.toFixed(1)} s; AR@10 ${evaluation.ar10.toFixed(3)} AR@100 ${evaluation.ar100.toFixed(3)}\n`);
}

const results = {
  measuredAt: new Date().toISOString(),
  backend: backend.backend,
  loadAverage: { start: loadAtStart.map((value) => Number(value.toFixed(2))), end: loadavg().map((value) => Number(value.toFixed(2))) },
  train: { dataset: 'pennfudan', images: train.length, accepted: train.reduce((sum, image) => sum + image.annotations.instances.filter((i) => i.status === 'accepted').length, 0), rejected },
  test: { dataset: 'pennfudan (held out, last images)', images: baseline.images, instances: baseline.instances },
  flip: !values['no-flip'],
  rows,
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  ['| learning rate | steps | fine-tune s | AR@10 | AR@100 |', '|---|---|---|---|---|', ...rows.map((row) => `| ${row.learningRate ?? 'base'} | ${row.steps} | ${row.fineTuneSeconds.toFixed(1)} | ${row.ar10.toFixed(3)} | ${row.ar100.toFixed(3)} |`)].join('\n') + '\n',
);
trunk.dispose();
await rm(work, { recursive: true, force: true });
