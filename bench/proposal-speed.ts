// Speed of a proposal model (default: the default bundled one, the detector-guided model) on this machine, on real photos:
//   - trunk forward at 512 x 512 (ms, median of repeated runs after warm-up)
//   - whole-image proposals, top 100, images at 640 px on the long side: seconds per image (median
//     over >= 10 coco128 photos, each seen for the first time: decode + pyramid + heads + NMS + RLE +
//     polygons), with the median time per stage
//   - click-to-segment latency: first click on a new image (its feature pyramid is computed) and a
//     later click on the same image (pyramid cached; the app's usual case after proposals)
// Prints a summary and writes bench/results/proposal-speed.json. The machine is shared: the load
// average at start and end is recorded next to the numbers. Run niced:
//   nice -n 10 npx tsx bench/proposal-speed.ts [--images 12] [--model guided|deepmask|instancefcn|dir] [--out file]
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../electron/model/backend';
import type { StageTimings } from '../electron/model/deepmask/model';
import { resolveModelChoice } from '../electron/model/registry';
import { loadTrunk } from '../electron/model/trunk';
import { readCocoFile } from '../electron/services/coco-file';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { images: { type: 'string', default: '12' }, model: { type: 'string' }, out: { type: 'string', default: join(repoRoot, 'bench/results/proposal-speed.json') } } });
if (!datasetsAvailable) {
  process.stderr.write(`proposal-speed: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const imageCount = Math.max(10, Number(values.images));
const loadAtStart = loadavg();
const backend = await selectBackend();
process.stderr.write(`backend: ${backend.backend}\n`);

// 1. Trunk forward at 512 px.
const trunk = await loadTrunk();
const trunkMs: number[] = [];
{
  const image = tf.randomUniform([512, 512, 3], 0, 255) as tf.Tensor3D;
  for (let run = 0; run < 23; run++) {
    const started = performance.now();
    const features = trunk.features(image);
    await features.data();
    features.dispose();
    if (run >= 3) trunkMs.push(performance.now() - started);
  }
  image.dispose();
}
process.stderr.write(`trunk forward 512 px: ${median(trunkMs).toFixed(1)} ms\n`);

// 2 + 3. Proposals and clicks on real photos at 640 px long side.
const choice = await resolveModelChoice(values.model);
// Images decoded at 640 px on the long side (each model's maxDecodeSide).
const model = choice.model.create({ modelDir: choice.modelDir, trunk, settings: { maxDecodeSide: 640 } });
await model.load();
const dataset = await readCocoFile(join(datasetsDir, 'coco128/annotations.json'));
const images = [...dataset.images].sort((a, b) => a.id - b.id).slice(0, imageCount);
const proposeSeconds: number[] = [];
const stages: StageTimings[] = [];
const coldClickMs: number[] = [];
const warmClickMs: number[] = [];
for (const [index, image] of images.entries()) {
  const file = { path: join(datasetsDir, 'coco128/images', image.file_name), width: image.width, height: image.height };
  const objects = dataset.annotations.filter((annotation) => annotation.image_id === image.id && !annotation.iscrowd);
  const clickAt = (k: number): { x: number; y: number } => {
    const [x, y, w, h] = objects.length > 0 ? objects[k % objects.length].bbox : [0, 0, image.width, image.height];
    return { x: x + w / 2, y: y + h / 2 };
  };
  // Cold click first (new image), on an alternating half of the images so proposals also start cold.
  if (index % 2 === 1) {
    let started = performance.now();
    await model.segmentAt(file, { clicks: [{ ...clickAt(0), positive: true }] });
    coldClickMs.push(performance.now() - started);
    started = performance.now();
    await model.segmentAt(file, { clicks: [{ ...clickAt(1), positive: true }] });
    warmClickMs.push(performance.now() - started);
    continue;
  }
  const started = performance.now();
  const proposals = await model.propose(file, { maxProposals: 100 });
  proposeSeconds.push((performance.now() - started) / 1000);
  stages.push({ ...model.lastTimings });
  for (let k = 0; k < 3; k++) {
    const clickStarted = performance.now();
    await model.segmentAt(file, { clicks: [{ ...clickAt(k), positive: true }] });
    warmClickMs.push(performance.now() - clickStarted);
  }
  process.stderr.write(`${image.file_name}: ${proposals.length} proposals in ${proposeSeconds.at(-1)?.toFixed(2)} s\n`);
}
// More cold proposal samples: the odd images again are cached by now, so use further images.
for (const image of [...dataset.images].sort((a, b) => a.id - b.id).slice(imageCount, imageCount + Math.ceil(imageCount / 2))) {
  const file = { path: join(datasetsDir, 'coco128/images', image.file_name), width: image.width, height: image.height };
  const started = performance.now();
  await model.propose(file, { maxProposals: 100 });
  proposeSeconds.push((performance.now() - started) / 1000);
  stages.push({ ...model.lastTimings });
}
model.dispose();
trunk.dispose();

const stageMedians = Object.fromEntries((['decode', 'trunk', 'score', 'mask', 'postprocess', 'total'] as const).map((key) => [key, round(median(stages.map((stage) => stage[key])))]));
const result = {
  measuredAt: new Date().toISOString(),
  backend: backend.backend,
  backendNotes: backend.notes,
  modelVersion: model.modelVersion,
  settings: model.settings,
  loadAverageAtStart: loadAtStart.map(round),
  loadAverageAtEnd: loadavg().map(round),
  trunkForward512Ms: { median: round(median(trunkMs)), runs: trunkMs.length },
  proposals: {
    imageLongSide: 640,
    maxProposals: 100,
    images: proposeSeconds.length,
    secondsPerImageMedian: round(median(proposeSeconds), 3),
    secondsPerImage: proposeSeconds.map((value) => round(value, 3)),
    stageMedianMs: stageMedians,
    target: '<= 1 s per image',
  },
  click: {
    firstClickOnImageMsMedian: round(median(coldClickMs)),
    laterClickMsMedian: round(median(warmClickMs)),
    firstClicks: coldClickMs.length,
    laterClicks: warmClickMs.length,
    target: '<= 150 ms',
  },
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `backend ${result.backend}, model ${result.modelVersion}, load ${result.loadAverageAtStart.join('/')}\n` +
    `trunk forward 512 px: ${result.trunkForward512Ms.median} ms\n` +
    `proposals (640 px, top 100): ${result.proposals.secondsPerImageMedian} s/image median over ${result.proposals.images} images; stages ${JSON.stringify(stageMedians)}\n` +
    `click: ${result.click.laterClickMsMedian} ms (later click, median of ${warmClickMs.length}), ${result.click.firstClickOnImageMsMedian} ms (first click on an image)\n` +
    `written to ${values.out}\n`,
);

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
