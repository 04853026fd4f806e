// Category suggestions learned from the user's own labels (issue #19): a simulated annotator labels the
// objects of a mixed COCO set one after another (image order); before each label the suggester
// (shared/categories/suggester.ts) proposes a category, then learns the label. Reports top-1
// accuracy of the suggestions made after 0-19, 20-49, 50-99 and 100+ labels, for
//   coco names   the project's categories carry COCO's names (the detector's classes seed them)
//   other names  the same categories renamed "category N" (only the labels teach it)
//   appearance   other names and no detector evidence: the trunk features alone
// on held-out images (cocotrain's validation split; objects of at least 16 x 16 px). Prints a table
// and writes bench/results/category-suggestions.json. Run niced:
//   nice -n 10 npx tsx bench/category-suggestions.ts [--guided-dir dir]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { segmentationToRle } from '../shared/coco/segmentation';
import { decodeRle } from '../shared/geometry';
import { CategorySuggester, DEFAULT_SUGGESTER_WEIGHTS, type InstanceDescription, type SuggesterWeights } from '../shared/categories/suggester';
import { COCO_CLASSES } from '../shared/categories/coco-classes';
import { createGuidedModel, defaultGuidedModelDir } from '../electron/model/guided/model';
import { readCocoFile } from '../electron/model/training/dataset';
import { imagesInSplit } from '../electron/model/training/dataset-split';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { 'guided-dir': { type: 'string' }, set: { type: 'string', default: 'cocotrain' }, weights: { type: 'string' }, sweep: { type: 'boolean', default: false } } });
const weights: SuggesterWeights = values.weights ? (JSON.parse(values.weights) as SuggesterWeights) : DEFAULT_SUGGESTER_WEIGHTS;
if (!datasetsAvailable) {
  process.stderr.write(`category-suggestions: ${datasetsSkipReason}\n`);
  process.exit(0);
}
const model = createGuidedModel({ modelDir: values['guided-dir'] ?? defaultGuidedModelDir(), windows: 0 });
await model.load();
const dataset = await readCocoFile(join(datasetsDir, values.set, 'annotations.json'));
const validation = imagesInSplit(values.set, dataset.images.map((image) => image.id), values.set === 'cocotrain' ? 'validation' : 'train');
const images = dataset.images.filter((image) => validation.has(image.id)).sort((a, b) => a.id - b.id);
const categories = dataset.categories.map((category) => ({ id: category.id, name: category.name }));

const stream: Array<{ categoryId: number; description: InstanceDescription }> = [];
for (const image of images) {
  const annotations = dataset.annotations.filter((annotation) => annotation.image_id === image.id && annotation.iscrowd !== 1 && annotation.area >= 16 * 16);
  if (annotations.length === 0) continue;
  const masks = annotations.map((annotation) => decodeRle(segmentationToRle(annotation.segmentation, image.height, image.width)));
  const descriptions = await model.describe({ path: join(datasetsDir, values.set, 'images', image.file_name), width: image.width, height: image.height }, masks);
  annotations.forEach((annotation, index) => stream.push({ categoryId: annotation.category_id, description: descriptions[index] }));
}
model.dispose();

const WINDOWS = [
  { label: 'after 0-19 labels', from: 0, to: 20 },
  { label: 'after 20-49 labels', from: 20, to: 50 },
  { label: 'after 50-99 labels', from: 50, to: 100 },
  { label: 'after 100+ labels', from: 100, to: Infinity },
];
const SETTINGS = [
  { name: 'coco names', rename: false, evidence: true },
  { name: 'other names', rename: true, evidence: true },
  { name: 'appearance only', rename: true, evidence: false },
];
function evaluate(setting: (typeof SETTINGS)[number], weights: SuggesterWeights) {
  const suggester = new CategorySuggester(categories.map((category) => ({ id: category.id, name: setting.rename ? `category ${category.id}` : category.name })), weights);
  const hits = WINDOWS.map(() => ({ correct: 0, total: 0 }));
  stream.forEach(({ categoryId, description }, index) => {
    const used = setting.evidence ? description : { ...description, classEvidence: new Float32Array(COCO_CLASSES.length) };
    const [best] = suggester.suggest(used);
    const window = WINDOWS.findIndex((entry) => index >= entry.from && index < entry.to);
    hits[window].total++;
    if (best?.categoryId === categoryId) hits[window].correct++;
    suggester.add(categoryId, used);
  });
  return { setting: setting.name, accuracy: Object.fromEntries(WINDOWS.map((window, k) => [window.label, hits[k].total ? hits[k].correct / hits[k].total : NaN])), counts: Object.fromEntries(WINDOWS.map((window, k) => [window.label, hits[k].total])) };
}
if (values.sweep) {
  // Choosing the weights: accuracy once 50 labels are in, coco names and other names, on this set.
  for (const evidenceWeight of [0.5, 1, 2]) {
    for (const appearanceWeight of [0, 2, 4, 8, 16]) {
      for (const countWeight of [0, 0.3, 1]) {
        const candidate = { evidenceWeight, appearanceWeight, countWeight };
        const [coco, other] = [evaluate(SETTINGS[0], candidate), evaluate(SETTINGS[1], candidate)];
        process.stdout.write(`${JSON.stringify(candidate)} coco ${(100 * coco.accuracy['after 100+ labels']).toFixed(1)} / ${(100 * coco.accuracy['after 50-99 labels']).toFixed(1)}  other ${(100 * other.accuracy['after 100+ labels']).toFixed(1)} / ${(100 * other.accuracy['after 50-99 labels']).toFixed(1)}\n`);
      }
    }
  }
  process.exit(0);
}
const rows = SETTINGS.map((setting) => evaluate(setting, weights));

const objectCategories = new Set(stream.map((entry) => entry.categoryId));
process.stdout.write(`${stream.length} objects of ${objectCategories.size} categories in ${images.length} ${values.set === 'cocotrain' ? 'held-out cocotrain' : values.set} images; weights ${JSON.stringify(weights)}\n`);
process.stdout.write(['| setting | ' + WINDOWS.map((window) => window.label).join(' | ') + ' |', `|---|${WINDOWS.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.setting} | ${WINDOWS.map((window) => `${(100 * row.accuracy[window.label]).toFixed(1)}% (${row.counts[window.label]})`).join(' | ')} |`)].join('\n') + '\n');
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
if (values.set === 'cocotrain' && !values.weights) await writeFile(join(repoRoot, 'bench/results/category-suggestions.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), set: `${values.set} (held out)`, objects: stream.length, categories: objectCategories.size, weights, rows }, null, 2)}\n`);
