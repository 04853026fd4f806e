// The seed's Table 2 on our data: DeepMask vs InstanceFCN with the same trunk and the same coco128
// training data, AR@10/100/1000 (class-agnostic, COCO IoU .5:.95, shared/coco's evaluator) on
// pennfudan and coco128, plus seconds per image. The two models propose on each image in turn, so
// machine load hits both alike. Prints the table, writes bench/results/seed-table2.json, the table in
// resources/models/instancefcn/MODEL_CARD.md and docs/seed-table2.md.
//
// Run niced: nice -n 10 npx tsx bench/seed-table2.ts [--limit N] [--max-candidates N] [--datasets a,b]
// [--note TEXT ...] (extra notes, e.g. with --merge) [--instancefcn-dir DIR] (weights other than the bundled ones) [--methods DeepMask,InstanceFCN] (one only:
// re-measure one network and --merge its rows with the other's from an earlier run)
// Slow machines: measure datasets in separate processes with --out, then combine them with
//   npx tsx bench/seed-table2.ts --merge a.json,b.json
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Proposal } from '../shared/coco/results';
import type { CocoDataset } from '../shared/coco/schema';
import { evaluateCocoProposals } from '../shared/coco/evaluate-coco';
import { fromCocoRle } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir } from '../electron/model/deepmask/model';
import type { ProposalModel } from '../electron/model/proposal-model';
import { createInstanceFcn, defaultInstanceFcnModelDir } from '../electron/model/instancefcn/model';
import { mergeRows, seedTableMarkdown, seedTableSnippet, verdict, writeInstanceFcnModelCard, type SeedTableResults, type SeedTableRow } from '../electron/model/instancefcn/model-card';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    offset: { type: 'string', default: '0' },
    'max-candidates': { type: 'string', default: '1000' },
    datasets: { type: 'string', default: 'pennfudan,coco128' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/seed-table2.json') },
    merge: { type: 'string' },
    'instancefcn-dir': { type: 'string' },
    methods: { type: 'string', default: 'DeepMask,InstanceFCN' },
    note: { type: 'string', multiple: true, default: [] },
  },
});
const finalOut = join(repoRoot, 'bench/results/seed-table2.json');

async function publish(results: SeedTableResults, out: string): Promise<void> {
  await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${seedTableMarkdown(results)}\n\nVerdict: ${verdict(results)}.\n`);
  if (out !== finalOut) return;
  await mkdir(join(repoRoot, 'docs'), { recursive: true });
  await writeFile(join(repoRoot, 'docs/seed-table2.md'), seedTableSnippet(results));
  await writeInstanceFcnModelCard(defaultInstanceFcnModelDir(), results);
  process.stderr.write('wrote docs/seed-table2.md and the InstanceFCN model card\n');
}

/** How far each model got in the shared training budget (from the training.json next to each's weights). */
async function budgetNote(): Promise<string> {
  const read = async (dir: string): Promise<{ version?: string; steps?: number; trainingSeconds?: number } | null> =>
    JSON.parse(await readFile(join(dir, 'training.json'), 'utf8').catch(() => 'null')) as { version?: string; steps?: number; trainingSeconds?: number } | null;
  const [deepMask, instanceFcn] = await Promise.all([read(defaultModelDir()), read(defaultInstanceFcnModelDir())]);
  const describe = (facts: { version?: string; steps?: number; trainingSeconds?: number } | null, name: string): string =>
    facts ? `${name} ${facts.version}: ${facts.steps} steps in ${((facts.trainingSeconds ?? 0) / 60).toFixed(1)} min of training` : `${name}: no training.json`;
  return `Same data (all 128 coco128 images, the same sampler and trunk features), batch 32, niced on the shared CPU: ${describe(deepMask, 'DeepMask')} (alternating mask/score steps: 16 positives per step on average for the masks); ${describe(instanceFcn, 'InstanceFCN')} (joint steps of 16 positives + 16 negatives).`;
}

if (values.merge) {
  const parts = await Promise.all(values.merge.split(',').map(async (path) => JSON.parse(await readFile(path, 'utf8')) as SeedTableResults));
  const merged: SeedTableResults = {
    measuredAt: parts.map((part) => part.measuredAt).sort().at(-1) ?? new Date().toISOString(),
    rows: mergeRows(parts.flatMap((part) => part.rows)),
    notes: [...new Set([...parts.flatMap((part) => part.notes).filter((note) => !note.startsWith('Images ')), await budgetNote(), ...(values.note ?? [])])],
  };
  for (const row of merged.rows) {
    if (row.totalImages !== undefined && row.images < row.totalImages) merged.notes.push(`${row.dataset}: ${row.images} of its ${row.totalImages} images measured.`);
  }
  merged.notes = [...new Set(merged.notes)];
  await publish(merged, values.out);
  process.exit(0);
}
if (!datasetsAvailable) {
  process.stderr.write(`seed-table2: ${datasetsSkipReason}\n`);
  process.exit(0);
}

const limit = values.limit ? Number(values.limit) : Infinity;
const offset = Number(values.offset);
const maxCandidates = Number(values['max-candidates']);
const maxProposals = 1000;
const backend = await selectBackend();
const trunk = await loadTrunk();
const methods = values.methods.split(',');
for (const method of methods) if (method !== 'DeepMask' && method !== 'InstanceFCN') throw new Error(`--methods takes DeepMask and/or InstanceFCN, got ${method}`);
const models: Array<{ method: SeedTableRow['method']; model: ProposalModel }> = [
  // refineTop 0: DeepMask as the paper has it. The bundled v2 is v1's heads plus a refiner trained
  // alone on them, so without refining it proposes exactly what deepmask-coco128-v1 did.
  ...(methods.includes('DeepMask') ? [{ method: 'DeepMask' as const, model: createDeepMask({ trunk, maxCandidates, refineTop: 0 }) }] : []),
  ...(methods.includes('InstanceFCN') ? [{ method: 'InstanceFCN' as const, model: createInstanceFcn({ trunk, maxCandidates, modelDir: values['instancefcn-dir'] }) }] : []),
];
for (const { model } of models) await model.load();
process.stderr.write(`backend ${backend.backend}; ${models.map(({ method, model }) => `${method} ${model.modelVersion} ${JSON.stringify(model.settings)}`).join('; ')}\n`);

const rows: SeedTableRow[] = [];
for (const name of values.datasets.split(',')) {
  const dir = join(datasetsDir, name);
  const groundTruth: CocoDataset = await readCocoFile(join(dir, 'annotations.json'));
  const images = [...groundTruth.images].sort((a, b) => a.id - b.id).slice(offset, offset + limit);
  const ids = new Set(images.map((image) => image.id));
  const subset: CocoDataset = { ...groundTruth, images, annotations: groundTruth.annotations.filter((annotation) => ids.has(annotation.image_id)) };
  const proposals = models.map(() => [] as Proposal[]);
  const seconds = models.map(() => 0);
  for (const [index, image] of images.entries()) {
    const file = { path: join(dir, 'images', image.file_name), width: image.width, height: image.height };
    for (const [modelIndex, { model }] of models.entries()) {
      const started = performance.now();
      const instances = await model.propose(file, { maxProposals, withPolygons: false });
      seconds[modelIndex] += (performance.now() - started) / 1000;
      for (const instance of instances) proposals[modelIndex].push({ imageId: image.id, rle: fromCocoRle(instance.rle), score: instance.score ?? 0 });
    }
    if ((index + 1) % 10 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} (${seconds.map((total, i) => `${models[i].method} ${(total / (index + 1)).toFixed(2)} s`).join(', ')})\n`);
  }
  for (const [modelIndex, { method, model }] of models.entries()) {
    const report = evaluateCocoProposals(subset, proposals[modelIndex]);
    rows.push({
      dataset: name,
      method,
      modelVersion: model.modelVersion ?? 'unknown',
      images: images.length,
      totalImages: groundTruth.images.length,
      countedGroundTruth: report.counts.gt - report.counts.crowd,
      'AR@10': report['AR@10'],
      'AR@100': report['AR@100'],
      'AR@1000': report['AR@1000'],
      secondsPerImage: seconds[modelIndex] / images.length,
    });
  }
}

await publish(
  {
    measuredAt: new Date().toISOString(),
    rows,
    notes: [
      `tfjs ${backend.backend}; up to ${maxProposals} proposals per image from the best ${maxCandidates} windows; NMS on mask IoU at ${models.map(({ method, model }) => `${model.settings.nmsIou} (${method})`).join(' and ')}.`,
      models.length > 1
        ? 'Seconds per image: decode, pyramid trunk passes, heads, mask pasting, NMS (no polygons), on a shared 2-core CPU under heavy load from other jobs; the two models alternate per image so both see the same load.'
        : `Seconds per image: decode, pyramid trunk passes, heads, mask pasting, NMS (no polygons), on a shared 2-core CPU under heavy load from other jobs; only ${models[0].method} was run (${new Date().toISOString().slice(0, 16)}Z), so its seconds are not comparable with rows measured in another run.`,
      'coco128 is the training set of both models (and the trunk saw COCO): its AR is a training-set figure; pennfudan is held out.',
      ...(Number.isFinite(limit) || offset > 0 ? [`Images ${offset + 1} to ${Number.isFinite(limit) ? offset + limit : 'the last'} of each dataset (by id).`] : []),
    ],
  },
  values.out,
);
for (const { model } of models) model.dispose();
trunk.dispose();
