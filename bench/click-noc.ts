// Interactive segmentation, the field's standard protocol (Xu et al. 2016; RITM's NoC): per object,
// the first click at its interior-most point, each next click at the interior-most point of the larger
// error (positive for missed object, negative for extra background), every click sent with all the
// earlier ones and the previous mask, at most 20 clicks. Reports NoC@85 and NoC@90 (clicks to reach
// that IoU, 20 when never), mIoU after 1, 3 and 5 clicks, and the latency of the first click on a new
// image and of later clicks. Held-out objects only (electron/model/training/dataset-split.ts):
//   cocotrain-val  objects of at least 32 x 32 px of the validation split (COCO train2017 images no model of ours trained on)
//   pennfudan      people (never trained on)
// Prints a table beside published GrabCut figures and writes bench/results/click-noc.json. Run niced:
//   nice -n 10 npx tsx bench/click-noc.ts [--objects 120] [--methods guided,deepmask] [--after-propose] [--out file]
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Instance, SegmentClick } from '../shared/api/types';
import { segmentationToRle } from '../shared/coco/segmentation';
import { decodeRle, fromCocoRle, type BinaryMask } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask } from '../electron/model/deepmask/model';
import { createGuidedModel, defaultGuidedModelDir } from '../electron/model/guided/model';
import type { ProposalModel } from '../electron/model/proposal-model';
import { interiorMostPoint, nextClick } from '../electron/model/promptmask/click-simulation';
import { readCocoFile } from '../electron/model/training/dataset';
import { imagesInSplit } from '../electron/model/training/dataset-split';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '120' },
    datasets: { type: 'string', default: 'cocotrain-val,pennfudan' },
    methods: { type: 'string', default: 'guided,deepmask' },
    'guided-dir': { type: 'string' },
    // Settings of the guided model as JSON, e.g. '{"clickBoxes":3}' (its defaults otherwise).
    'guided-settings': { type: 'string' },
    // Propose on each image before its first click (untimed), as the app does on opening an image:
    // the guided model's first click then also tries the detector's boxes around it.
    'after-propose': { type: 'boolean', default: false },
    'max-clicks': { type: 'string', default: '20' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/click-noc.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`click-noc: ${datasetsSkipReason}\n`);
  process.exit(0);
}

const PUBLISHED = [
  { method: 'RITM HRNet-18 (GrabCut)', 'NoC@90': 1.54 },
  { method: 'SAM ViT-H (GrabCut)', 'NoC@90': 1.88 },
  { method: "ClickSEG's MobileNetV2 baseline (GrabCut)", 'NoC@90': 2.02 },
  { method: 'classic graph cut (GrabCut)', 'NoC@90': 11 },
];
const maxClicks = Number(values['max-clicks']);
const objectsPerSet = Number(values.objects);
const backend = await selectBackend();

interface ObjectCase {
  dataset: string;
  path: string;
  width: number;
  height: number;
  mask: BinaryMask;
}

/** Held-out objects: every image's objects in id order, at least 32 x 32 px of area, evenly thinned to `count`. */
async function heldOutObjects(name: string, count: number): Promise<ObjectCase[]> {
  const set = name === 'cocotrain-val' ? 'cocotrain' : name;
  if (name !== 'cocotrain-val' && name !== 'pennfudan') throw new Error(`--datasets: unknown dataset ${name}`);
  const dataset = await readCocoFile(join(datasetsDir, set, 'annotations.json'));
  const chosen = name === 'cocotrain-val' ? imagesInSplit(set, dataset.images.map((image) => image.id), 'validation') : new Set(dataset.images.map((image) => image.id));
  const images = new Map(dataset.images.filter((image) => chosen.has(image.id)).map((image) => [image.id, image]));
  const annotations = dataset.annotations.filter((annotation) => images.has(annotation.image_id) && annotation.iscrowd !== 1 && annotation.area >= 32 * 32).sort((a, b) => a.image_id - b.image_id || a.id - b.id);
  const step = Math.max(1, annotations.length / count);
  const picked = Array.from({ length: Math.min(count, annotations.length) }, (_, k) => annotations[Math.floor(k * step)]);
  return picked.map((annotation) => {
    const image = images.get(annotation.image_id)!;
    return { dataset: name, path: join(datasetsDir, set, 'images', image.file_name), width: image.width, height: image.height, mask: decodeRle(segmentationToRle(annotation.segmentation, image.height, image.width)) };
  });
}

function iouOf(instance: Instance | null, truth: BinaryMask): number {
  if (!instance) return 0;
  const predicted = decodeRle(fromCocoRle(instance.rle));
  let overlap = 0;
  let union = 0;
  for (let i = 0; i < truth.data.length; i++) {
    const p = predicted.data[i];
    const t = truth.data[i];
    if (p && t) overlap++;
    if (p || t) union++;
  }
  return union ? overlap / union : 0;
}

interface Trace {
  ious: number[];
  /** The first click's latency; null when the image was the previous object's (its view cached). */
  firstMs: number | null;
  laterMs: number[];
}

/** One object's clicks, the standard protocol; every click fresh on this image for the first one. */
async function runObject(model: ProposalModel, object: ObjectCase, newImage: boolean): Promise<Trace> {
  const image = { path: object.path, width: object.width, height: object.height };
  const clicks: SegmentClick[] = [];
  const first = interiorMostPoint(object.mask);
  if (!first) return { ious: new Array(maxClicks).fill(0), firstMs: null, laterMs: [] };
  clicks.push({ x: first.x + 0.5, y: first.y + 0.5, positive: true });
  const ious: number[] = [];
  const laterMs: number[] = [];
  let firstMs: number | null = null;
  let current: Instance | null = null;
  for (let k = 0; k < maxClicks; k++) {
    const started = performance.now();
    current = await model.segmentAt(image, { clicks: [...clicks], ...(current ? { previousMask: current.rle } : {}) });
    const elapsed = performance.now() - started;
    if (k === 0) firstMs = newImage ? elapsed : null;
    else laterMs.push(elapsed);
    const iou = iouOf(current, object.mask);
    ious.push(iou);
    if (iou >= 0.9) break;
    const predicted = current ? decodeRle(fromCocoRle(current.rle)) : { width: object.width, height: object.height, data: new Uint8Array(object.width * object.height) };
    const click = nextClick(predicted, object.mask);
    if (!click) break;
    clicks.push({ x: click.x + 0.5, y: click.y + 0.5, positive: click.positive });
  }
  while (ious.length < maxClicks) ious.push(ious.at(-1) as number);
  return { ious, firstMs, laterMs };
}

const noc = (ious: readonly number[], threshold: number): number => {
  const index = ious.findIndex((iou) => iou >= threshold);
  return index < 0 ? maxClicks : index + 1;
};
const mean = (list: readonly number[]): number => list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);
const median = (list: readonly number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : NaN;
};

const rows: Array<Record<string, number | string>> = [];
for (const methodName of values.methods.split(',')) {
  let model: ProposalModel;
  if (methodName === 'guided') model = createGuidedModel({ ...(values['guided-settings'] ? (JSON.parse(values['guided-settings']) as object) : {}), modelDir: values['guided-dir'] ?? defaultGuidedModelDir() });
  else if (methodName === 'deepmask') model = createDeepMask();
  else throw new Error(`--methods: unknown method ${methodName} (guided, deepmask)`);
  await model.load();
  for (const datasetName of values.datasets.split(',')) {
    const objects = await heldOutObjects(datasetName, objectsPerSet);
    const traces: Trace[] = [];
    for (const [index, object] of objects.entries()) {
      const newImage = index === 0 || objects[index - 1].path !== object.path;
      if (newImage && values['after-propose']) await model.propose({ path: object.path, width: object.width, height: object.height }, { maxProposals: 100 });
      traces.push(await runObject(model, object, newImage));
      if ((index + 1) % 20 === 0) process.stderr.write(`${methodName} ${datasetName}: ${index + 1}/${objects.length} objects, NoC@90 so far ${mean(traces.map((trace) => noc(trace.ious, 0.9))).toFixed(2)}\n`);
    }
    rows.push({
      method: `${methodName} (${model.modelVersion})${values['after-propose'] ? ', after proposals' : ''}`,
      dataset: datasetName,
      objects: traces.length,
      'NoC@85': mean(traces.map((trace) => noc(trace.ious, 0.85))),
      'NoC@90': mean(traces.map((trace) => noc(trace.ious, 0.9))),
      'mIoU@1': mean(traces.map((trace) => trace.ious[0])),
      'mIoU@3': mean(traces.map((trace) => trace.ious[2])),
      'mIoU@5': mean(traces.map((trace) => trace.ious[4])),
      'first click ms (median)': median(traces.flatMap((trace) => (trace.firstMs === null ? [] : [trace.firstMs]))),
      'later click ms (median)': median(traces.flatMap((trace) => trace.laterMs)),
    });
  }
  model.dispose();
}

const header = ['method', 'dataset', 'objects', 'NoC@85', 'NoC@90', 'mIoU@1', 'mIoU@3', 'mIoU@5', 'first click ms (median)', 'later click ms (median)'];
const cell = (value: number | string | undefined): string => (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(value > 10 ? 1 : 3)) : (value ?? ''));
process.stdout.write(
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${header.map((key) => cell(row[key])).join(' | ')} |`),
    ...PUBLISHED.map((row) => `| ${row.method} | published | | | ${row['NoC@90']} | | | | | |`),
  ].join('\n') + '\n',
);
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ measuredAt: new Date().toISOString(), backend: backend.backend, load: loadavg(), maxClicks, rows, published: PUBLISHED, note: values['after-propose'] ? 'Proposals ran on each image before its first click (untimed), as the app does on opening it: the first click reuses that view. Held-out objects of at least 32 x 32 px.' : 'A first click is the first click on an image the model has not seen in this run (its view computed); later clicks reuse it. Held-out objects of at least 32 x 32 px.' }, null, 2)}\n`);
