// AR@10/100/1000 of DeepMask proposals under several postprocess settings from ONE pass of the
// network per image (trunk, scores and mask logits are shared; only pasting/refinement differs), so
// a postprocess change is compared with the current one on identical candidates. Same protocol as
// bench/proposals-ar.ts (300 candidates, up to 1000 proposals, shared/coco's evaluator).
// Run: nice -n 10 npx tsx bench/postprocess-ar.ts --dataset pennfudan [--limit N] [--weights 0,1] [--stability 0,1,2] [--out file.json]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Proposal } from '../shared/coco/results';
import { evaluateCocoProposals } from '../shared/coco/evaluate-coco';
import { fromCocoRle } from '../shared/geometry';
import { selectBackend } from '../electron/model/backend';
import { createDeepMask, defaultModelDir, maskLogitsFor } from '../electron/model/deepmask/model';
import { decodeImage } from '../electron/model/decode';
import { computeFeaturePyramid } from '../electron/model/feature-pyramid';
import { loadHeads } from '../electron/model/heads';
import { selectProposals, type PostprocessSettings } from '../electron/model/proposal-instances';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { scoreAllWindows, topWindows } from '../electron/model/window-candidates';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'pennfudan' },
    limit: { type: 'string' },
    weights: { type: 'string', default: '0,2' },
    // Exponents g of the stability rescoring: score' = sigmoid(score) * stability^g (0 = off).
    stability: { type: 'string', default: '0' },
    out: { type: 'string' },
  },
});
const name = values.dataset as string;
const out = values.out ?? join(repoRoot, `bench/results/postprocess-ar-${name}.json`);
await selectBackend();
const trunk = await loadTrunk();
const model = createDeepMask({ trunk });
await model.load();
const heads = await loadHeads(defaultModelDir());
const settings = model.settings;
const variants: Array<{ label: string; post: PostprocessSettings; stability: number }> = (values.weights as string).split(',').flatMap((w) =>
  (values.stability as string).split(',').map((g) => ({
    label: `colourWeight ${w}${Number(g) > 0 ? `, stability^${g}` : ''}`,
    post: { maskThreshold: settings.maskThreshold, nmsIou: settings.nmsIou, colourWeight: Number(w) },
    stability: Number(g),
  })),
);
/** Share of the mask that survives moving the threshold: IoU of the masks at logit t+d and t-d (SAM's stability score). */
const stabilityOf = (values: Float32Array, threshold: number, delta: number): number => {
  let high = 0;
  let low = 0;
  for (const value of values) {
    if (value > threshold + delta) high++;
    if (value > threshold - delta) low++;
  }
  return low === 0 ? 0 : high / low;
};
const rescored = (scoreLogit: number, stability: number, exponent: number): number => {
  const p = (1 / (1 + Math.exp(-scoreLogit))) * stability ** exponent;
  const clamped = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(clamped / (1 - clamped));
};
const dir = join(datasetsDir, name);
const truth = await readCocoFile(join(dir, 'annotations.json'));
const images = [...truth.images].sort((a, b) => a.id - b.id).slice(0, values.limit ? Number(values.limit) : undefined);
const subset = { ...truth, images, annotations: truth.annotations.filter((a) => images.some((image) => image.id === a.image_id)) };
const proposals = variants.map(() => [] as Proposal[]);
const postSeconds = variants.map(() => 0);
for (const [index, image] of images.entries()) {
  const decoded = await decodeImage(join(dir, 'images', image.file_name), { maxSide: settings.maxDecodeSide });
  const pyramid = await computeFeaturePyramid(trunk, decoded, settings);
  const candidates = topWindows(scoreAllWindows(heads, pyramid), settings.maxCandidates);
  const logits = maskLogitsFor(heads, pyramid, candidates, settings.maskBatch);
  const threshold = Math.log(settings.maskThreshold / (1 - settings.maskThreshold));
  const stabilities = logits.map((values) => stabilityOf(values, threshold, 1));
  variants.forEach((variant, v) => {
    const started = performance.now();
    const ranked = variant.stability > 0 ? candidates.map((c, k) => ({ ...c, scoreLogit: rescored(c.scoreLogit, stabilities[k], variant.stability) })) : candidates;
    const instances = selectProposals(decoded, pyramid, ranked, logits, heads.config.maskSize, variant.post, 1000, 'bench', false);
    postSeconds[v] += (performance.now() - started) / 1000;
    for (const instance of instances) proposals[v].push({ imageId: image.id, rle: fromCocoRle(instance.rle), score: instance.score ?? 0 });
  });
  pyramid.dispose();
  if ((index + 1) % 20 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length}\n`);
}
const rows = variants.map((variant, v) => {
  const report = evaluateCocoProposals(subset, proposals[v]);
  return { dataset: name, images: images.length, variant: variant.label, 'AR@10': report['AR@10'], 'AR@100': report['AR@100'], 'AR@1000': report['AR@1000'], postprocessSecondsPerImage: postSeconds[v] / images.length };
});
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), settings, rows }, null, 2)}\n`);
for (const row of rows) process.stdout.write(`${row.dataset} ${row.variant}: AR@10 ${row['AR@10'].toFixed(3)} AR@100 ${row['AR@100'].toFixed(3)} AR@1000 ${row['AR@1000'].toFixed(3)} (postprocess ${row.postprocessSecondsPerImage.toFixed(2)} s/image)\n`);
model.dispose();
heads.dispose();
trunk.dispose();
