// AR@10/100/1000 of class-agnostic segment proposals (COCO IoU .5:.95, shared/coco's cocoeval-
// equivalent evaluator) on pennfudan (all 170 images) and coco128, for
//   (a) DeepMask with the bundled heads (electron/model/deepmask.ts), and
//   (b) a baseline measured the same way: sliding-window boxes filled as masks (no learning), so the
//       table shows what the learned heads add.
// Prints a table, writes bench/results/proposals-ar.json and regenerates the model card.
//       When electron/model/detector-baseline.ts is present, a second baseline row: the boxes of the
//       trunk's own COCO detector (MB3-CenterNet), class-agnostic, filled as masks.
// Run niced: nice -n 10 npx tsx bench/proposals-ar.ts [--limit N] [--max-candidates N] [--datasets a,b]
// The two sets can run as two processes (--datasets pennfudan --out a.json, ...) and be combined with
// --merge a.json,b.json, which writes bench/results/proposals-ar.json and the model card.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Instance } from '../shared/api/types';
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
    merge: { type: 'string' },
  },
});

/** The runtime's detector-box baseline, if that module exists (loaded by path so the bench runs without it). */
interface BoxBaseline {
  load(): Promise<void>;
  propose(image: { path: string; width: number; height: number }, options: { maxProposals: number }): Promise<Instance[]>;
  dispose(): void;
}
async function loadDetectorBaseline(): Promise<BoxBaseline | null> {
  const modulePath = '../electron/model/detector-baseline';
  try {
    const module = (await import(modulePath)) as { createDetectorBoxBaseline?: () => BoxBaseline };
    if (!module.createDetectorBoxBaseline) return null;
    const baseline = module.createDetectorBoxBaseline();
    await baseline.load();
    return baseline;
  } catch (error) {
    process.stderr.write(`detector baseline unavailable: ${(error as Error).message.split('\n')[0]}\n`);
    return null;
  }
}

const table = (rows: ArRow[]): string =>
  [
    '| dataset | method | images | AR@10 | AR@100 | AR@1000 | s/image |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.dataset} | ${row.method} | ${row.images} | ${row['AR@10'].toFixed(3)} | ${row['AR@100'].toFixed(3)} | ${row['AR@1000'].toFixed(3)} | ${row.secondsPerImage.toFixed(2)} |`),
  ].join('\n');

async function updateModelCard(results: ArResults): Promise<void> {
  const facts = await readTrainingFacts(defaultModelDir());
  if (facts && facts.version === results.modelVersion && !results.notes?.some((note) => note.includes('--limit'))) {
    await writeModelCard(defaultModelDir(), facts, results);
    process.stderr.write('model card updated\n');
  }
}

if (values.merge) {
  const parts = await Promise.all(values.merge.split(',').map(async (path) => JSON.parse(await readFile(path, 'utf8')) as ArResults));
  if (new Set(parts.map((part) => part.modelVersion)).size !== 1) throw new Error('--merge: the parts were measured with different model versions');
  const merged: ArResults = {
    modelVersion: parts[0].modelVersion,
    measuredAt: parts.map((part) => part.measuredAt).sort().at(-1) as string,
    rows: parts.flatMap((part) => part.rows),
    notes: [...new Set(parts.flatMap((part) => part.notes ?? []))],
  };
  await writeFile(values.out, `${JSON.stringify(merged, null, 2)}\n`);
  process.stdout.write(`${table(merged.rows)}\n`);
  await updateModelCard(merged);
  process.exit(0);
}
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
const detector = await loadDetectorBaseline();

const rows: ArRow[] = [];
for (const name of values.datasets.split(',')) {
  const dir = join(datasetsDir, name);
  const groundTruth: CocoDataset = await readCocoFile(join(dir, 'annotations.json'));
  const images = [...groundTruth.images].sort((a, b) => a.id - b.id).slice(0, limit);
  const subset: CocoDataset = { ...groundTruth, images, annotations: groundTruth.annotations.filter((a) => images.some((image) => image.id === a.image_id)) };

  const learned: Proposal[] = [];
  const baseline: Proposal[] = [];
  const detected: Proposal[] = [];
  let learnedSeconds = 0;
  let baselineSeconds = 0;
  let detectorSeconds = 0;
  for (const [index, image] of images.entries()) {
    const path = join(dir, 'images', image.file_name);
    let started = performance.now();
    const instances = await model.propose({ path, width: image.width, height: image.height }, { maxProposals });
    learnedSeconds += (performance.now() - started) / 1000;
    for (const instance of instances) learned.push({ imageId: image.id, rle: fromCocoRle(instance.rle), score: instance.score ?? 0 });
    started = performance.now();
    for (const box of slidingBoxProposals(image.width, image.height, maxProposals)) baseline.push({ imageId: image.id, ...box });
    baselineSeconds += (performance.now() - started) / 1000;
    if (detector) {
      started = performance.now();
      const boxes = await detector.propose({ path, width: image.width, height: image.height }, { maxProposals });
      detectorSeconds += (performance.now() - started) / 1000;
      for (const box of boxes) detected.push({ imageId: image.id, rle: fromCocoRle(box.rle), score: box.score ?? 0 });
    }
    if ((index + 1) % 20 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} images (${(learnedSeconds / (index + 1)).toFixed(2)} s/image)\n`);
  }
  for (const [method, proposals, seconds] of [
    [`DeepMask (${modelVersion})`, learned, learnedSeconds],
    ['baseline: sliding-window boxes', baseline, baselineSeconds],
    ...(detector ? [['baseline: trunk detector boxes (CenterNet)', detected, detectorSeconds] as const] : []),
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
    `backend ${backend.backend}; inference settings ${JSON.stringify(model.settings)}; up to ${maxProposals} proposals per image (DeepMask returns at most maxCandidates before NMS, so AR@1000 is bounded by that).`,
    'Baseline: boxes of 6 sizes x 3 aspect ratios on a half-box-stride grid, filled as masks, larger and more central first.',
    'Seconds per image include decoding, the pyramid trunk passes, heads, mask pasting and NMS, on a shared 2-core CPU.',
    ...(Number.isFinite(limit) ? [`Only the first ${limit} images of each set (--limit).`] : []),
  ],
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);

process.stdout.write(`${table(rows)}\n`);
if (values.out === join(repoRoot, 'bench/results/proposals-ar.json')) await updateModelCard(results);
model.dispose();
detector?.dispose();
trunk.dispose();
