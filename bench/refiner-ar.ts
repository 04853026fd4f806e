// What a mask refiner adds to whole-image proposals: AR@10/100/1000 (class-agnostic, COCO IoU .5:.95,
// shared/coco's evaluator) of DeepMask with the shipped inference settings, for each --model DIR and
// each --refine-top K (how many of the best proposals after NMS the refiner reworks; heads without a
// refiner are measured once). The configurations propose on each image in turn, so machine load hits
// them alike. Prints a table and writes bench/results/refiner-ar.json.
//
// Run niced: nice -n 10 npx tsx bench/refiner-ar.ts --model resources/models/deepmask --model /tmp/v2
//   [--refine-top 20,100] [--datasets pennfudan,coco128] [--limit N] [--out file]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Proposal } from '../shared/coco/results';
import type { CocoDataset } from '../shared/coco/schema';
import { evaluateCocoProposals } from '../shared/coco/evaluate-coco';
import { fromCocoRle } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir, type DeepMask } from '../electron/model/deepmask/model';
import { readHeadsManifest } from '../electron/model/heads-io';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    'refine-top': { type: 'string', default: '20' },
    datasets: { type: 'string', default: 'pennfudan,coco128' },
    limit: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/refiner-ar.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`refiner-ar: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const modelDirs = (values.model?.length ? values.model : [defaultModelDir()]).map((dir) => resolve(dir));
const refineTops = values['refine-top'].split(',').map(Number);
if (refineTops.some((k) => !Number.isInteger(k) || k < 0)) throw new Error(`--refine-top: non-negative integers, got ${values['refine-top']}`);
const limit = values.limit ? Number(values.limit) : Infinity;
if (!(limit >= 1)) throw new Error(`--limit: a positive number of images, got ${values.limit}`);
const maxProposals = 1000;

const backend = await selectBackend();
const trunk = await loadTrunk();
interface Configuration {
  label: string;
  version: string;
  refineTop: number | null;
  model: DeepMask;
}
const configurations: Configuration[] = [];
for (const dir of modelDirs) {
  const manifest = await readHeadsManifest(dir);
  const version = String(manifest.meta.modelVersion ?? manifest.meta.version ?? dir);
  const refines = Number((manifest.config as { refineHidden?: number }).refineHidden ?? 0) > 0;
  for (const refineTop of refines ? refineTops : [null]) {
    const model = createDeepMask({ trunk, modelDir: dir, ...(refineTop === null ? {} : { refineTop }) });
    await model.load();
    configurations.push({ label: refineTop === null ? version : `${version}, refineTop ${refineTop}`, version, refineTop, model });
  }
}
process.stderr.write(`backend ${backend.backend}; ${configurations.map((c) => c.label).join(' | ')}\n`);

interface Row {
  dataset: string;
  configuration: string;
  version: string;
  refineTop: number | null;
  images: number;
  'AR@10': number;
  'AR@100': number;
  'AR@1000': number;
  secondsPerImage: number;
}
const rows: Row[] = [];
for (const name of values.datasets.split(',')) {
  const dir = join(datasetsDir, name);
  const groundTruth: CocoDataset = await readCocoFile(join(dir, 'annotations.json'));
  const images = [...groundTruth.images].sort((a, b) => a.id - b.id).slice(0, limit);
  const ids = new Set(images.map((image) => image.id));
  const subset: CocoDataset = { ...groundTruth, images, annotations: groundTruth.annotations.filter((a) => ids.has(a.image_id)) };
  const proposals = configurations.map(() => [] as Proposal[]);
  const seconds = configurations.map(() => 0);
  for (const [index, image] of images.entries()) {
    const path = join(dir, 'images', image.file_name);
    for (const [c, configuration] of configurations.entries()) {
      const started = performance.now();
      const instances = await configuration.model.propose({ path, width: image.width, height: image.height }, { maxProposals });
      seconds[c] += (performance.now() - started) / 1000;
      for (const instance of instances) proposals[c].push({ imageId: image.id, rle: fromCocoRle(instance.rle), score: instance.score ?? 0 });
    }
    if ((index + 1) % 20 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} images\n`);
  }
  for (const [c, configuration] of configurations.entries()) {
    const report = evaluateCocoProposals(subset, proposals[c]);
    rows.push({
      dataset: name,
      configuration: configuration.label,
      version: configuration.version,
      refineTop: configuration.refineTop,
      images: images.length,
      'AR@10': report['AR@10'],
      'AR@100': report['AR@100'],
      'AR@1000': report['AR@1000'],
      secondsPerImage: seconds[c] / images.length,
    });
  }
}

const table = [
  '| dataset | model | images | AR@10 | AR@100 | AR@1000 | s/image |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((row) => `| ${row.dataset} | ${row.configuration} | ${row.images} | ${row['AR@10'].toFixed(3)} | ${row['AR@100'].toFixed(3)} | ${row['AR@1000'].toFixed(3)} | ${row.secondsPerImage.toFixed(2)} |`),
].join('\n');
process.stdout.write(`${table}\n`);
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(
  values.out,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      backend: backend.backend,
      settings: Object.fromEntries(configurations.map((configuration) => [configuration.label, configuration.model.settings])),
      rows,
      notes: [
        'Shipped inference settings except refineTop; seconds per image on a shared 2-core CPU (upper bounds).',
        ...(Number.isFinite(limit) ? [`Only the first ${limit} images of each set (--limit).`] : []),
      ],
    },
    null,
    2,
  )}\n`,
);
for (const configuration of configurations) configuration.model.dispose();
trunk.dispose();
