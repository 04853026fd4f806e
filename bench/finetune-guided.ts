// The guided model's fine-tune and the clicks after it (issue #19's targets: a fine-tune of 500
// examples, the click model included, under 60 s; the first click after a fine-tune <= 150 ms).
// The bundled guided model is fine-tuned on the ground truth of --images pennfudan images (held out
// from its training) as if an annotator had accepted every person, for --steps steps of 32 examples
// (16 = 512), its DeepMask windows included, the detector views computed in the run (an empty
// cache, as for newly corrected images). Then the fine-tuned version is loaded, as the app loads an
// adopted version, and a first click (an image not proposed yet) and a later click are timed on
// --clicks other pennfudan images, beside the bundled model in the same process.
// Prints a summary and writes bench/results/finetune-guided.json. Run niced:
//   nice -n 10 npx tsx bench/finetune-guided.ts [--images 20] [--steps 16] [--clicks 8]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toCocoRle } from '../shared/geometry';
import { segmentationToRle } from '../shared/coco/segmentation';
import { selectBackend } from '../electron/model/backend';
import { fineTuneGuided } from '../electron/model/guided/finetune';
import { createGuidedModel, defaultGuidedModelDir } from '../electron/model/guided/model';
import { readCocoFile } from '../electron/model/training/dataset';
import type { LearningImage } from '../electron/services/learner';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '20' },
    steps: { type: 'string', default: '16' },
    clicks: { type: 'string', default: '8' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/finetune-guided.json') },
  },
});
if (!datasetsAvailable) {
  process.stderr.write(`finetune-guided: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const imageCount = Number(values.images);
const steps = Number(values.steps);
const clickImages = Number(values.clicks);
const loadAtStart = loadavg();
const backend = await selectBackend();
const data = await readCocoFile(join(datasetsDir, 'pennfudan/annotations.json'));
const sorted = [...data.images].sort((a, b) => a.id - b.id);
const corrected = sorted.slice(0, imageCount);
const clicked = sorted.slice(imageCount, imageCount + clickImages);
const images: LearningImage[] = corrected.map((image) => ({
  path: join(datasetsDir, 'pennfudan/images', image.file_name),
  width: image.width,
  height: image.height,
  complete: true,
  annotations: {
    imageId: image.file_name,
    width: image.width,
    height: image.height,
    status: 'done',
    revision: 1,
    instances: data.annotations
      .filter((annotation) => annotation.image_id === image.id && !annotation.iscrowd)
      .map((annotation, k) => ({ id: `gt${k}`, polygons: [], rle: toCocoRle(segmentationToRle(annotation.segmentation, image.height, image.width)), score: null, status: 'accepted' as const, source: 'manual' as const, categoryId: 1, modelVersion: null })),
  },
}));
const objects = images.reduce((sum, image) => sum + image.annotations.instances.length, 0);

const work = await mkdtemp(join(tmpdir(), 'maskpilot-finetune-guided-'));
const phases: Record<string, number> = {};
let phase = '';
let phaseStart = performance.now();
const started = performance.now();
const report = await fineTuneGuided(
  { baseModelDir: defaultGuidedModelDir(), outputDir: join(work, 'ft-1'), modelVersion: 'ft-1', images, steps, cacheDir: join(work, 'cache') },
  {
    onProgress: (progress) => {
      if (progress.phase === phase) return;
      if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
      phase = progress.phase;
      phaseStart = performance.now();
    },
  },
);
const wallSeconds = (performance.now() - started) / 1000;
if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
process.stderr.write(`fine-tune: ${report.steps} steps, ${report.triplets} examples, ${wallSeconds.toFixed(1)} s wall (${JSON.stringify(phases)})\n`);

const median = (list: readonly number[]): number => [...list].sort((a, b) => a - b)[list.length >> 1] ?? NaN;
async function clickTimes(modelDir: string): Promise<{ version: string | null; firstMs: number[]; laterMs: number[] }> {
  const model = createGuidedModel({ modelDir });
  await model.load();
  const firstMs: number[] = [];
  const laterMs: number[] = [];
  for (const image of clicked) {
    const file = { path: join(datasetsDir, 'pennfudan/images', image.file_name), width: image.width, height: image.height };
    const person = data.annotations.find((annotation) => annotation.image_id === image.id)!;
    const [x, y, w, h] = person.bbox;
    let at = performance.now();
    await model.segmentAt(file, { clicks: [{ x: x + w / 2, y: y + h / 2, positive: true }] });
    firstMs.push(performance.now() - at);
    at = performance.now();
    await model.segmentAt(file, { clicks: [{ x: x + w / 2, y: y + h / 3, positive: true }] });
    laterMs.push(performance.now() - at);
  }
  const version = model.modelVersion;
  model.dispose();
  return { version, firstMs, laterMs };
}
const bundled = await clickTimes(defaultGuidedModelDir());
const tuned = await clickTimes(join(work, 'ft-1'));
await rm(work, { recursive: true, force: true });

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const result = {
  measuredAt: new Date().toISOString(),
  backend: backend.backend,
  loadAverageAtStart: loadAtStart.map((value) => round(value, 2)),
  loadAverageAtEnd: loadavg().map((value) => round(value, 2)),
  fineTune: {
    images: imageCount,
    objects,
    steps: report.steps,
    examples: report.triplets,
    wallSeconds: round(wallSeconds),
    secondsByPhase: Object.fromEntries(Object.entries(phases).map(([key, value]) => [key, round(value)])),
    secondsPer500Examples: round((wallSeconds * 500) / report.triplets),
    target: '< 60 s for 500 examples, the click model included',
  },
  clicks: {
    images: clicked.length,
    bundled: { version: bundled.version, firstClickMsMedian: round(median(bundled.firstMs)), laterClickMsMedian: round(median(bundled.laterMs)) },
    fineTuned: { version: tuned.version, firstClickMsMedian: round(median(tuned.firstMs)), laterClickMsMedian: round(median(tuned.laterMs)) },
    target: 'first click after a fine-tune <= 150 ms',
  },
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `fine-tune of ${result.fineTune.examples} examples (${objects} people on ${imageCount} images, detector views and DeepMask windows included): ${result.fineTune.wallSeconds} s (${result.fineTune.secondsPer500Examples} s per 500)\n` +
    `clicks (median of ${clicked.length} images): bundled first ${result.clicks.bundled.firstClickMsMedian} ms, later ${result.clicks.bundled.laterClickMsMedian} ms; fine-tuned first ${result.clicks.fineTuned.firstClickMsMedian} ms, later ${result.clicks.fineTuned.laterClickMsMedian} ms\n` +
    `written to ${values.out}\n`,
);
