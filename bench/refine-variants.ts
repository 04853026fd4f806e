// Mask refinements compared on identical proposals: the product's top --shown proposals (NMS on the
// unrefined masks) of pennfudan images [--start, --start + --limit), each refined by every variant,
// scored per person as the best IoU among them (median, share at IoU >= .85, the learning-loop
// annotator's bar) and timed per proposal.
// Run: nice -n 10 npx tsx bench/refine-variants.ts [--start 100] [--limit 30] [--model-dir dir]
//   [--only part,part] (variants whose name contains any part)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { segmentationToRle } from '../shared/coco/segmentation';
import { decodeRle } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { defaultModelDir, DEFAULT_SETTINGS, maskLogitsFor } from '../electron/model/deepmask/model';
import { decodeImage } from '../electron/model/decode';
import { computeFeaturePyramid } from '../electron/model/feature-pyramid';
import { loadHeads } from '../electron/model/heads';
import { maskNms } from '../electron/model/nms';
import { logit, pasteMask, pasteMaskCoarse, rectMaskToRle } from '../electron/model/postprocess';
import { windowRect } from '../electron/model/pyramid';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { scoreAllWindows, topWindows } from '../electron/model/window-candidates';
import { datasetsDir, repoRoot } from '../test/support/shared-data';
import { colourRefine, crfRefine, mapIou, pasteLogits, type LogitMap } from './lib/mask-refine-experiments';

const { values } = parseArgs({
  options: {
    start: { type: 'string', default: '100' },
    limit: { type: 'string', default: '30' },
    shown: { type: 'string', default: '10' },
    'model-dir': { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/refine-variants.json') },
  },
});
const settings = DEFAULT_SETTINGS;
const threshold = logit(settings.maskThreshold);
const offset = (map: LogitMap): LogitMap => ({ ...map, data: Float32Array.from(map.data, (v) => v - threshold) });

type Variant = (map: LogitMap, rgb: Uint8Array, width: number) => LogitMap;
const VARIANTS: Record<string, { run: Variant; threshold: number }> = {
  none: { run: (m) => m, threshold },
  'colour 1 (product)': { run: (m, rgb, w) => colourRefine(m, rgb, w, 1), threshold },
  'colour 2 bins 16': { run: (m, rgb, w) => colourRefine(m, rgb, w, 2, 16), threshold },
};
for (const pairwise of [0.5, 1, 2]) {
  for (const colour of [0, 1]) {
    VARIANTS[`crf p=${pairwise} c=${colour}`] = { run: (m, rgb, w) => crfRefine(offset(m), rgb, w, { pairwise, iterations: 5, colour, bins: 8, rounds: 1 }), threshold: 0 };
  }
  VARIANTS[`crf p=${pairwise} c=1 rounds=3`] = { run: (m, rgb, w) => crfRefine(offset(m), rgb, w, { pairwise, iterations: 5, colour: 1, bins: 8, rounds: 3 }), threshold: 0 };
  VARIANTS[`crf p=${pairwise} c=2 b16 rounds=3`] = { run: (m, rgb, w) => crfRefine(offset(m), rgb, w, { pairwise, iterations: 5, colour: 2, bins: 16, rounds: 3 }), threshold: 0 };
}
const wanted = values.only?.split(',') ?? [];
const names = Object.keys(VARIANTS).filter((name) => wanted.length === 0 || wanted.some((part) => name.includes(part)));

await selectBackend();
const trunk = await loadTrunk();
const heads = await loadHeads(values['model-dir'] ?? defaultModelDir());
// This bench compares refinements of the mask branch's own logits; a version's mask refiner is left out.
if (heads.config.refineHidden > 0) process.stderr.write('note: these heads have a mask refiner; this bench measures the masks before it\n');
const dir = join(datasetsDir, 'pennfudan');
const dataset = await readCocoFile(join(dir, 'annotations.json'));
const start = Number(values.start);
const images = [...dataset.images].sort((a, b) => a.id - b.id).slice(start, start + Number(values.limit));
const best: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
const ms: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
const shown = Number(values.shown);

for (const image of images) {
  const decoded = await decodeImage(join(dir, 'images', image.file_name), { maxSide: settings.maxDecodeSide });
  const pyramid = await computeFeaturePyramid(trunk, decoded, settings);
  const candidates = topWindows(scoreAllWindows(heads, pyramid), settings.maxCandidates);
  const logits = maskLogitsFor(heads, pyramid, candidates, settings.maskBatch);
  const rects = candidates.map((c) => windowRect(pyramid.levels[c.levelIndex].level, c.cellX, c.cellY));
  const factor = Math.max(1, Math.max(decoded.width, decoded.height) / 200);
  const kept = maskNms(
    candidates.map((c, k) => ({ rle: rectMaskToRle(pasteMaskCoarse(logits[k], 56, rects[k], decoded.width, decoded.height, threshold, factor)), score: c.scoreLogit })),
    settings.nmsIou,
    candidates.length,
  ).filter((k) => pasteMask(logits[k], 56, rects[k], decoded.width, decoded.height, threshold).data.includes(1)).slice(0, shown);
  const maps = kept.map((k) => pasteLogits(logits[k], 56, rects[k], decoded.width, decoded.height));
  const truths = dataset.annotations.filter((a) => a.image_id === image.id && a.iscrowd !== 1).map((a) => {
    const mask = decodeRle(segmentationToRle(a.segmentation, image.height, image.width));
    let area = 0;
    for (const v of mask.data) area += v;
    return { mask, area };
  });
  for (const name of names) {
    const variant = VARIANTS[name];
    const started = performance.now();
    const refined = maps.map((map) => variant.run(map, decoded.rgb, decoded.width));
    ms[name].push((performance.now() - started) / Math.max(1, maps.length));
    for (const truth of truths) best[name].push(Math.max(0, ...refined.map((map) => mapIou(map, variant.threshold, truth.mask, truth.area))));
  }
  pyramid.dispose();
  process.stderr.write('.');
}
process.stderr.write('\n');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = names.map((name) => ({
  variant: name,
  medianBestIou: +median(best[name]).toFixed(3),
  atLeast85: +(best[name].filter((v) => v >= 0.85).length / best[name].length).toFixed(3),
  atLeast80: +(best[name].filter((v) => v >= 0.8).length / best[name].length).toFixed(3),
  msPerProposal: +median(ms[name]).toFixed(1),
}));
console.table(rows);
await writeFile(values.out, `${JSON.stringify({ measuredAt: new Date().toISOString(), images: images.length, persons: best.none?.length, start, shown, modelDir: values['model-dir'] ?? 'bundled', rows }, null, 2)}\n`);
