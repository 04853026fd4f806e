// Fits the detector-guided model's one calibrated score (electron/model/guided/score-calibration.ts)
// on the validation split (cocotrain-val: images none of our models trained on), as issue #16 asks,
// on its calibration half (43 images; the other half stays untouched for AR, bench/proposals-ar.ts):
// every candidate before NMS (detector-box masks and DeepMask windows) is labelled with the share of
// COCO's IoU thresholds .50:.95 its mask meets with its best annotated object (matchShare), and a
// logistic model per source is fitted on its features. Writes the weights into the model's heads.json (meta.calibration), a reliability diagram
// (resources/models/guided/reliability.png: predicted probability vs the observed share, 10 bins,
// per source, on the untouched half, which the fit never saw) and bench/results/calibration.json. Run niced:
//   nice -n 10 npx tsx bench/calibrate-scores.ts [--guided-dir dir] [--limit N] [--dry-run]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { segmentationToRle } from '../shared/coco/segmentation';
import { rleIou } from '../shared/geometry';
import { createGuidedModel, defaultGuidedModelDir } from '../electron/model/guided/model';
import { calibratedScore, fitLogistic, matchShare, type CandidateSource, type ScoreCalibration } from '../electron/model/guided/score-calibration';
import { readCocoFile } from '../electron/model/training/dataset';
import { validationHalf } from '../electron/model/training/dataset-split';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { 'guided-dir': { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
if (!datasetsAvailable) {
  process.stderr.write(`calibrate-scores: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const modelDir = values['guided-dir'] ?? defaultGuidedModelDir();
const model = createGuidedModel({ modelDir });
await model.load();
const dataset = await readCocoFile(join(datasetsDir, 'cocotrain/annotations.json'));
type Samples = Record<CandidateSource, { features: number[][]; labels: number[] }>;
const imagesOfHalf = (half: 'calibration' | 'untouched') => {
  const ids = validationHalf('cocotrain', dataset.images.map((image) => image.id), half);
  return dataset.images.filter((image) => ids.has(image.id)).sort((a, b) => a.id - b.id).slice(0, values.limit ? Number(values.limit) : undefined);
};

/** Every candidate of the images, labelled with matchShare (score-calibration.ts) of its best IoU with an annotated object. */
async function collectSamples(images: typeof dataset.images, name: string): Promise<Samples> {
  const samples: Samples = { box: { features: [], labels: [] }, window: { features: [], labels: [] } };
  for (const [index, image] of images.entries()) {
    const { decoded, candidates } = await model.scoredCandidates({ path: join(datasetsDir, 'cocotrain/images', image.file_name), width: image.width, height: image.height });
    if (decoded.width !== image.width || decoded.height !== image.height) throw new Error(`${image.file_name} was decoded at ${decoded.width}x${decoded.height}; calibration needs masks at the annotated size`);
    const objects = dataset.annotations.filter((annotation) => annotation.image_id === image.id && annotation.iscrowd !== 1).map((annotation) => segmentationToRle(annotation.segmentation, image.height, image.width));
    const ious = objects.length && candidates.length ? rleIou(candidates.map((candidate) => candidate.rle), objects, objects.map(() => false)) : candidates.map(() => [] as number[]);
    // A window is scored on the objects no detector-box mask matches at IoU >= .5: windows are there
    // for what the detector misses, and a window on an object a box already gives adds nothing.
    const missedByBoxes = objects.map((_, o) => !candidates.some((candidate, k) => candidate.source === 'box' && ious[k][o] >= 0.5));
    candidates.forEach((candidate, k) => {
      const best = Math.max(0, ...ious[k].filter((_, o) => candidate.source === 'box' || missedByBoxes[o]));
      samples[candidate.source].features.push(candidate.features);
      samples[candidate.source].labels.push(matchShare(best));
    });
    if ((index + 1) % 10 === 0) process.stderr.write(`${name}: ${index + 1}/${images.length} images\n`);
  }
  return samples;
}

// Fitted on the calibration half; the diagram is drawn on the untouched half, which the fit never saw.
const images = imagesOfHalf('calibration');
const heldOutImages = imagesOfHalf('untouched');
const samples = await collectSamples(images, 'calibration half');
const heldOut = await collectSamples(heldOutImages, 'untouched half');

const calibration: ScoreCalibration = { box: fitLogistic(samples.box.features, samples.box.labels), window: fitLogistic(samples.window.features, samples.window.labels) };

/** 10 equal-width bins of predicted probability: mean prediction, observed share, count. */
function reliability(samples: Samples, source: CandidateSource, weights: ScoreCalibration): Array<{ predicted: number; observed: number; count: number }> {
  const bins = Array.from({ length: 10 }, () => ({ predicted: 0, observed: 0, count: 0 }));
  samples[source].features.forEach((features, k) => {
    const p = calibratedScore(weights, source, features);
    const bin = bins[Math.min(9, Math.floor(p * 10))];
    bin.predicted += p;
    bin.observed += samples[source].labels[k];
    bin.count++;
  });
  return bins.map((bin) => (bin.count ? { predicted: bin.predicted / bin.count, observed: bin.observed / bin.count, count: bin.count } : bin));
}
const diagram = { box: reliability(heldOut, 'box', calibration), window: reliability(heldOut, 'window', calibration) };
const inSample = { box: reliability(samples, 'box', calibration), window: reliability(samples, 'window', calibration) };
const expectedCalibrationError = (bins: Array<{ predicted: number; observed: number; count: number }>): number => {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  return bins.reduce((sum, bin) => sum + (bin.count / total) * Math.abs(bin.predicted - bin.observed), 0);
};

// The diagram as SVG, rendered to PNG by sharp (libvips' SVG loader).
const size = 420;
const margin = 50;
const plot = size - 2 * margin;
const x = (p: number): number => margin + p * plot;
const y = (p: number): number => size - margin - p * plot;
const colours: Record<CandidateSource, string> = { box: '#d6336c', window: '#1c7ed6' };
const series = (['box', 'window'] as const)
  .map((source) => {
    const points = diagram[source].filter((bin) => bin.count > 0);
    const line = points.map((bin) => `${x(bin.predicted).toFixed(1)},${y(bin.observed).toFixed(1)}`).join(' ');
    const dots = points.map((bin) => `<circle cx="${x(bin.predicted).toFixed(1)}" cy="${y(bin.observed).toFixed(1)}" r="${Math.min(9, 2 + Math.sqrt(bin.count) / 4).toFixed(1)}" fill="${colours[source]}" fill-opacity="0.6"/>`).join('');
    return `<polyline points="${line}" fill="none" stroke="${colours[source]}" stroke-width="2"/>${dots}`;
  })
  .join('');
const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
  .map((t) => `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(0) + 5}" stroke="#333"/><text x="${x(t)}" y="${y(0) + 18}" font-size="11" text-anchor="middle">${t}</text><line x1="${x(0) - 5}" y1="${y(t)}" x2="${x(0)}" y2="${y(t)}" stroke="#333"/><text x="${x(0) - 8}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`)
  .join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#aaa" stroke-dasharray="4 4"/>
<rect x="${x(0)}" y="${y(1)}" width="${plot}" height="${plot}" fill="none" stroke="#333"/>
${ticks}${series}
<text x="${size / 2}" y="${size - 12}" font-size="12" text-anchor="middle">calibrated score (bin mean)</text>
<text x="14" y="${size / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${size / 2})">observed share of IoU thresholds met</text>
<text x="${size / 2}" y="22" font-size="13" text-anchor="middle">Reliability on ${heldOutImages.length} cocotrain-val images the fit never saw</text>
<text x="${x(0) + 10}" y="${y(1) + 18}" font-size="11" fill="${colours.box}">detector-box masks (ECE ${expectedCalibrationError(diagram.box).toFixed(3)})</text>
<text x="${x(0) + 10}" y="${y(1) + 34}" font-size="11" fill="${colours.window}">DeepMask windows (ECE ${expectedCalibrationError(diagram.window).toFixed(3)})</text>
</svg>`;

const report = {
  measuredAt: new Date().toISOString(),
  images: images.length,
  candidates: { box: samples.box.labels.length, window: samples.window.labels.length },
  positives: { box: samples.box.labels.reduce((a, b) => a + b, 0), window: samples.window.labels.reduce((a, b) => a + b, 0) },
  calibration,
  // The diagram's images: the untouched half of the validation split, which the fit never saw.
  heldOut: {
    images: heldOutImages.length,
    candidates: { box: heldOut.box.labels.length, window: heldOut.window.labels.length },
    reliability: diagram,
    expectedCalibrationError: { box: expectedCalibrationError(diagram.box), window: expectedCalibrationError(diagram.window) },
  },
  inSample: { reliability: inSample, expectedCalibrationError: { box: expectedCalibrationError(inSample.box), window: expectedCalibrationError(inSample.window) } },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (!values['dry-run']) {
  await sharp(Buffer.from(svg)).png().toFile(join(modelDir, 'reliability.png'));
  const manifestPath = join(modelDir, 'heads.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { meta: Record<string, unknown> };
  manifest.meta.calibration = { ...calibration, fittedOn: `cocotrain validation split, calibration half, ${images.length} images`, measuredAt: report.measuredAt };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(repoRoot, 'bench/results/calibration.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`calibration written to ${manifestPath}; diagram ${join(modelDir, 'reliability.png')}\n`);
}
model.dispose();
