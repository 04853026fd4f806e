// Class-agnostic segment proposals, COCO IoU .5:.95 (shared/coco's cocoeval-equivalent evaluator), on
// held-out data only (electron/model/training/dataset-split.ts):
//   cocotrain-val  the validation split of cocotrain (86 COCO train2017 images none of our models trained on;
//                  the guided model's score calibration, 8 weights, was fitted on half of them)
//   cocotrain-val-calibration  that half (43 images): where the calibration and the settings were chosen
//   cocotrain-val-untouched  the other half (43 images), used by nothing
//   pennfudan      all 170 (people; never trained on)
//   coco128        all 128, TRAINING images of every bundled model: reported as such, only when asked
// for these methods (--methods, comma-separated):
//   guided          the detector-guided prompt-mask model (bundled resources/models/guided, or --guided-dir)
//   deepmask        DeepMask with its refiner, as shipped before (resources/models/deepmask)
//   detector-boxes  baseline: the trunk detector's boxes, class-agnostic, filled as masks
//   sliding-boxes   baseline: sliding-window boxes filled as masks (no learning)
// Per row: AR@10/100/1000, AR small/medium/large at 100, seconds per image, and how many distinct
// objects (ground truth matched at IoU >= .5) the first ten proposals hold, in score order and in
// the app's diverse order (shared/proposals/diverse-order.ts).
// Prints a table and writes bench/results/proposals-ar.json (or --out). The two sets can run as two
// processes and be combined with --merge a.json,b.json. Run niced:
//   nice -n 10 npx tsx bench/proposals-ar.ts [--datasets cocotrain-val,pennfudan] [--methods guided,deepmask,detector-boxes] [--limit N]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Instance } from '../shared/api/types';
import { evaluateProposals, COCO_AR_PARAMS, type EvaluationImage } from '../shared/coco/evaluate';
import type { CocoDataset } from '../shared/coco/schema';
import { segmentationToRle } from '../shared/coco/segmentation';
import { fromCocoRle, rleIou, type Rle } from '../shared/geometry';
import { diverseOrder } from '../shared/proposals/diverse-order';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask } from '../electron/model/deepmask/model';
import { createDetectorBoxBaseline } from '../electron/model/detector-baseline';
import { createGuidedModel, defaultGuidedModelDir, type GuidedSettings } from '../electron/model/guided/model';
import { readCocoFile } from '../electron/model/training/dataset';
import { imagesInSplit, validationHalf } from '../electron/model/training/dataset-split';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';
import { slidingBoxProposals } from './sliding-box-baseline';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    datasets: { type: 'string', default: 'cocotrain-val,pennfudan' },
    methods: { type: 'string', default: 'guided,deepmask,detector-boxes,sliding-boxes' },
    'guided-dir': { type: 'string' },
    // JSON of GuidedSettings to override, e.g. '{"boxMasks":40,"windows":100}' (a settings sweep).
    'guided-settings': { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/proposals-ar.json') },
    merge: { type: 'string' },
  },
});

export interface ProposalArRow {
  dataset: string;
  /** 'held out' or 'training images'. */
  split: string;
  method: string;
  modelVersion: string;
  images: number;
  objects: number;
  'AR@10': number;
  'AR@100': number;
  'AR@1000': number;
  'AR_S@100': number;
  'AR_M@100': number;
  'AR_L@100': number;
  secondsPerImage: number;
  /** Mean over images of the distinct objects (IoU >= .5) among the first ten proposals. */
  distinctInTop10: number;
  distinctInDiverseTop10: number;
}

interface Results {
  measuredAt: string;
  load: number[];
  rows: ProposalArRow[];
  notes: string[];
}

const f = (value: number, digits = 3): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const table = (rows: ProposalArRow[]): string =>
  [
    '| dataset | method | images | AR@10 | AR@100 | AR@1000 | AR_S@100 | AR_M@100 | AR_L@100 | s/image | distinct in top 10 (score / diverse) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.dataset} (${row.split}) | ${row.method} | ${row.images} | ${f(row['AR@10'])} | ${f(row['AR@100'])} | ${f(row['AR@1000'])} | ${f(row['AR_S@100'])} | ${f(row['AR_M@100'])} | ${f(row['AR_L@100'])} | ${f(row.secondsPerImage, 2)} | ${f(row.distinctInTop10, 1)} / ${f(row.distinctInDiverseTop10, 1)} |`,
    ),
  ].join('\n');

if (values.merge) {
  const parts = await Promise.all(values.merge.split(',').map(async (path) => JSON.parse(await readFile(path, 'utf8')) as Results));
  const merged: Results = { measuredAt: parts.map((part) => part.measuredAt).sort().at(-1) as string, load: parts.flatMap((part) => part.load), rows: parts.flatMap((part) => part.rows), notes: [...new Set(parts.flatMap((part) => part.notes))] };
  await writeFile(values.out, `${JSON.stringify(merged, null, 2)}\n`);
  process.stdout.write(`${table(merged.rows)}\n`);
  process.exit(0);
}
if (!datasetsAvailable) {
  process.stderr.write(`proposals-ar: ${datasetsSkipReason}\n`);
  process.exit(0);
}

/** A proposer as this bench sees it. */
interface Method {
  name: string;
  modelVersion: string;
  propose(image: { path: string; width: number; height: number }): Promise<Array<{ rle: Rle; score: number }>>;
  dispose(): void;
}

const maxProposals = 1000;
const limit = values.limit ? Number(values.limit) : Infinity;
const backend = await selectBackend();
const fromInstances = (instances: Instance[]) => instances.map((instance) => ({ rle: fromCocoRle(instance.rle), score: instance.score ?? 0 }));

async function createMethod(name: string): Promise<Method> {
  switch (name) {
    case 'guided': {
      const overrides = values['guided-settings'] ? (JSON.parse(values['guided-settings']) as Partial<GuidedSettings>) : {};
      const model = createGuidedModel({ modelDir: values['guided-dir'] ?? defaultGuidedModelDir(), ...overrides });
      await model.load();
      return { name: `detector-guided prompt masks + DeepMask windows${values['guided-settings'] ? ` ${values['guided-settings']}` : ''}`, modelVersion: model.modelVersion ?? 'untrained', propose: async (image) => fromInstances(await model.propose(image, { maxProposals, withPolygons: false })), dispose: () => model.dispose() };
    }
    case 'deepmask': {
      const model = createDeepMask();
      await model.load();
      return { name: 'DeepMask with refiner (shipped until now)', modelVersion: model.modelVersion ?? 'untrained', propose: async (image) => fromInstances(await model.propose(image, { maxProposals, withPolygons: false })), dispose: () => model.dispose() };
    }
    case 'detector-boxes': {
      const baseline = createDetectorBoxBaseline();
      await baseline.load();
      return { name: 'baseline: trunk detector boxes filled as masks', modelVersion: 'centernet-boxes', propose: async (image) => fromInstances(await baseline.propose(image, { maxProposals })), dispose: () => baseline.dispose() };
    }
    case 'sliding-boxes':
      return { name: 'baseline: sliding-window boxes filled as masks', modelVersion: 'sliding-boxes', propose: async (image) => slidingBoxProposals(image.width, image.height, maxProposals), dispose: () => undefined };
    default:
      throw new Error(`--methods: unknown method ${name} (guided, deepmask, detector-boxes, sliding-boxes)`);
  }
}

/** The images of a dataset name, and whether they are held out. */
async function datasetImages(name: string): Promise<{ dataset: CocoDataset; dir: string; split: string; images: CocoDataset['images'] }> {
  if (!['cocotrain-val', 'cocotrain-val-untouched', 'cocotrain-val-calibration', 'coco128', 'pennfudan'].includes(name)) throw new Error(`--datasets: unknown dataset ${name} (cocotrain-val, cocotrain-val-untouched, cocotrain-val-calibration, pennfudan, coco128)`);
  const set = name.startsWith('cocotrain-val') ? 'cocotrain' : name;
  const dir = join(datasetsDir, set);
  const dataset = await readCocoFile(join(dir, 'annotations.json'));
  const ids = dataset.images.map((image) => image.id);
  const chosen =
    name === 'cocotrain-val'
      ? imagesInSplit(set, ids, 'validation')
      : name === 'cocotrain-val-untouched'
        ? validationHalf(set, ids, 'untouched')
        : name === 'cocotrain-val-calibration'
          ? validationHalf(set, ids, 'calibration')
          : new Set(ids);
  const split =
    name === 'coco128' ? 'training images' : name === 'cocotrain-val' ? 'held out (score calibration fitted on half of it)' : name === 'cocotrain-val-calibration' ? 'held out from training; calibration and settings chosen on it' : 'held out';
  const images = [...dataset.images].filter((image) => chosen.has(image.id)).sort((a, b) => a.id - b.id).slice(0, limit);
  return { dataset, dir, split, images };
}

/** Distinct ground-truth objects matched at IoU >= .5 by the proposals at `indices`. */
function distinctObjects(groundTruth: readonly Rle[], proposals: readonly Rle[]): number {
  if (groundTruth.length === 0 || proposals.length === 0) return 0;
  const ious = rleIou(proposals as Rle[], groundTruth as Rle[], groundTruth.map(() => false));
  const found = new Set<number>();
  for (const row of ious) row.forEach((iou, object) => iou >= 0.5 && found.add(object));
  return found.size;
}

const rows: ProposalArRow[] = [];
const methods: Method[] = [];
for (const name of values.methods.split(',')) methods.push(await createMethod(name));
const loadAtStart = loadavg();
for (const name of values.datasets.split(',')) {
  const { dataset, dir, split, images } = await datasetImages(name);
  const perMethod = methods.map(() => ({ images: [] as EvaluationImage[], seconds: 0, distinct: 0, distinctDiverse: 0 }));
  for (const [index, image] of images.entries()) {
    const annotations = dataset.annotations.filter((annotation) => annotation.image_id === image.id);
    const groundTruth = annotations.map((annotation) => ({ rle: segmentationToRle(annotation.segmentation, image.height, image.width), area: annotation.area, isCrowd: annotation.iscrowd === 1 }));
    const objects = groundTruth.filter((object) => !object.isCrowd).map((object) => object.rle);
    // The methods alternate per image, so they see the same load.
    for (const [m, method] of methods.entries()) {
      const started = performance.now();
      const proposals = await method.propose({ path: join(dir, 'images', image.file_name), width: image.width, height: image.height });
      perMethod[m].seconds += (performance.now() - started) / 1000;
      perMethod[m].images.push({ groundTruth, proposals });
      const byScore = proposals.map((_, k) => k).sort((a, b) => proposals[b].score - proposals[a].score || a - b);
      perMethod[m].distinct += distinctObjects(objects, byScore.slice(0, 10).map((k) => proposals[k].rle));
      perMethod[m].distinctDiverse += distinctObjects(objects, diverseOrder(proposals.slice(0, 200)).slice(0, 10).map((k) => proposals[k].rle));
    }
    if ((index + 1) % 10 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} images\n`);
  }
  methods.forEach((method, m) => {
    const report = evaluateProposals(perMethod[m].images);
    const at100 = evaluateProposals(perMethod[m].images, { ...COCO_AR_PARAMS, maxDets: [100] });
    rows.push({
      dataset: name,
      split,
      method: method.name,
      modelVersion: method.modelVersion,
      images: images.length,
      objects: report.counts.gt,
      'AR@10': report['AR@10'],
      'AR@100': report['AR@100'],
      'AR@1000': report['AR@1000'],
      'AR_S@100': at100['AR_small@100'],
      'AR_M@100': at100['AR_medium@100'],
      'AR_L@100': at100['AR_large@100'],
      secondsPerImage: perMethod[m].seconds / images.length,
      distinctInTop10: perMethod[m].distinct / images.length,
      distinctInDiverseTop10: perMethod[m].distinctDiverse / images.length,
    });
  });
}

const results: Results = {
  measuredAt: new Date().toISOString(),
  load: [...loadAtStart, ...loadavg()],
  rows,
  notes: [
    `backend ${backend.backend}; up to ${maxProposals} proposals per image; diverse order = greedy NMS at mask IoU 0.5 over the 200 best, then the rest.`,
    'cocotrain-val and pennfudan are held out from every model of ours; the trunk detector itself was trained on COCO train2017, which cocotrain comes from.',
    'Seconds per image include decoding; the methods alternate per image on a shared 2-core CPU (load averages recorded).',
    ...(Number.isFinite(limit) ? [`Only the first ${limit} images of each set (--limit).`] : []),
  ],
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${table(rows)}\n`);
for (const method of methods) method.dispose();
