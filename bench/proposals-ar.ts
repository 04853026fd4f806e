// AR@10/100/1000 of class-agnostic segment proposals (COCO IoU .5:.95, shared/coco's cocoeval-
// equivalent evaluator) on pennfudan (all 170 images) and coco128, for
//   (a) DeepMask with the bundled heads (electron/model/deepmask.ts), and
//   (b) a baseline measured the same way: sliding-window boxes filled as masks (no learning), so the
//       table shows what the learned heads add.
// Prints a table, writes bench/results/proposals-ar.json and regenerates the model card.
// Run niced: nice -n 10 npx tsx bench/proposals-ar.ts [--limit N] [--max-candidates N] [--datasets a,b]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Proposal } from '../shared/coco/results';
import type { CocoDataset } from '../shared/coco/schema';
import { evaluateCocoProposals } from '../shared/coco/evaluate-coco';
import { fromCocoRle } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir } from '../electron/model/deepmask';
import { readHeadsManifest } from '../electron/model/heads-io';
import { readCocoFile } from '../electron/model/training/dataset';
import { readTrainingFacts, writeModelCard, type ArResults, type ArRow } from '../electron/model/training/model-card';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';
import { slidingBoxProposals } from './sliding-box-baseline';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    'max-candidates': { type: 'string', default: '1000' },
    datasets: { type: 'string', default: 'pennfudan,coco128' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/proposals-ar.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`proposals-ar: ${datasetsSkipReason}\n`);
  process.exit(0);
}

const limit = values.limit ? Number(values.limit) : Infinity;
const maxProposals = 1000;
const backend = await selectBackend();
const trunk = await loadTrunk();
const model = createDeepMask({ trunk, maxCandidates: Number(values['max-candidates']) });
await model.load();
const manifest = await readHeadsManifest(defaultModelDir());
const modelVersion = String(manifest.meta.modelVersion ?? manifest.meta.version ?? 'unknown');
process.stderr.write(`backend ${backend.backend}; model ${modelVersion}; settings ${JSON.stringify(model.settings)}\n`);

const rows: ArRow[] = [];
for (const name of values.datasets.split(',')) {
  const dir = join(datasetsDir, name);
  const groundTruth: CocoDataset = await readCocoFile(join(dir, 'annotations.json'));
  const images = [...groundTruth.images].sort((a, b) => a.id - b.id).slice(0, limit);
  const subset: CocoDataset = { ...groundTruth, images, annotations: groundTruth.annotations.filter((a) => images.some((image) => image.id === a.image_id)) };

  const learned: Proposal[] = [];
  const baseline: Proposal[] = [];
  let learnedSeconds = 0;
  let baselineSeconds = 0;
  for (const [index, image] of images.entries()) {
    const path = join(dir, 'images', image.file_name);
    let started = performance.now();
    const instances = await model.propose({ path, width: image.width, height: image.height }, { maxProposals });
    learnedSeconds += (performance.now() - started) / 1000;
    for (const instance of instances) learned.push({ imageId: image.id, rle: fromCocoRle(instance.rle), score: instance.score ?? 0 });
    started = performance.now();
    for (const box of slidingBoxProposals(image.width, image.height, maxProposals)) baseline.push({ imageId: image.id, ...box });
    baselineSeconds += (performance.now() - started) / 1000;
    if ((index + 1) % 20 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} images (${(learnedSeconds / (index + 1)).toFixed(2)} s/image)\n`);
  }
  for (const [method, proposals, seconds] of [
    [`DeepMask (${modelVersion})`, learned, learnedSeconds],
    ['baseline: sliding-window boxes', baseline, baselineSeconds],
  ] as const) {
    const report = evaluateCocoProposals(subset, proposals);
    rows.push({
      dataset: name,
      method,
      images: images.length,
      'AR@10': report['AR@10'],
      'AR@100': report['AR@100'],
      'AR@1000': report['AR@1000'],
      secondsPerImage: seconds / images.length,
    });
  }
}

const results: ArResults = {
  modelVersion,
  measuredAt: new Date().toISOString(),
  rows,
  notes: [
    `backend ${backend.backend}; inference settings ${JSON.stringify(model.settings)}; up to ${maxProposals} proposals per image.`,
    'Baseline: boxes of 6 sizes x 3 aspect ratios on a half-box-stride grid, filled as masks, larger and more central first.',
    'Seconds per image include decoding, the pyramid trunk passes, heads, mask pasting and NMS, on a shared 2-core CPU.',
    ...(Number.isFinite(limit) ? [`Only the first ${limit} images of each set (--limit).`] : []),
  ],
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);

const table = ['| dataset | method | images | AR@10 | AR@100 | AR@1000 | s/image |', '|---|---|---|---|---|---|---|'];
for (const row of rows) {
  table.push(`| ${row.dataset} | ${row.method} | ${row.images} | ${row['AR@10'].toFixed(3)} | ${row['AR@100'].toFixed(3)} | ${row['AR@1000'].toFixed(3)} | ${row.secondsPerImage.toFixed(2)} |`);
}
process.stdout.write(`${table.join('\n')}\n`);

const facts = await readTrainingFacts(defaultModelDir());
if (facts && facts.version === modelVersion && !Number.isFinite(limit)) {
  await writeModelCard(defaultModelDir(), facts, results);
  process.stderr.write('model card updated\n');
}
model.dispose();
trunk.dispose();
