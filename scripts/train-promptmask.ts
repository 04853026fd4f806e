// Trains the prompt-mask head (electron/model/promptmask/) on the training split of ../shared/datasets
// (coco128 + cocotrain's training images; electron/model/training/dataset-split.ts) and writes it to
// --out (default resources/models/guided/) as the detector-guided model's head (heads.json meta names
// the model, its label, its rank among the bundled models and the DeepMask heads it merges with). Resumable: a checkpoint (weights, Adam moments,
// step, random state) is written to --work-dir every --checkpoint-every steps; --resume continues
// from it. Run niced in the background, e.g.
//   nohup nice -n 10 npx tsx scripts/train-promptmask.ts --steps 20000 --resume > /tmp/promptmask.log 2>&1 &
// The detector views of every training image are computed once and cached in --work-dir/views.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../electron/model/backend';
import { loadCenternetGraph } from '../electron/model/centernet-graph';
import { registerGradients } from '../electron/model/gradients';
import { loadHeadsFiles, saveHeadsFiles } from '../electron/model/heads-io';
import { promptMaskParameterNames, promptMaskShapes, resolvePromptMaskConfig, type PromptMaskConfig } from '../electron/model/promptmask/network';
import { loadTrainingImages, loadViews } from '../electron/model/promptmask/training/training-data';
import { PromptMaskTrainer } from '../electron/model/promptmask/training/trainer';
import { validate, validationExamples, type ValidationReport } from '../electron/model/promptmask/training/validation';
import { SPLIT_RULE } from '../electron/model/training/dataset-split';
import type { AdamSlot } from '../electron/model/training/adam';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20000' },
    'max-minutes': { type: 'string' },
    resume: { type: 'boolean', default: false },
    version: { type: 'string', default: 'guided-coco-v1' },
    out: { type: 'string', default: join(repoRoot, 'resources/models/guided') },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    'views-per-batch': { type: 'string', default: '8' },
    lr: { type: 'string', default: '0.001' },
    'crop-views': { type: 'string', default: '2' },
    'checkpoint-every': { type: 'string', default: '250' },
    'validate-every': { type: 'string', default: '1000' },
    'work-dir': { type: 'string', default: join(homedir(), '.cache/maskpilot-train/promptmask') },
    sets: { type: 'string', default: 'coco128,cocotrain' },
  },
});

const totalSteps = Number(values.steps);
const workDir = resolve(values['work-dir']);
const checkpointDir = join(workDir, 'checkpoint');
const log = (line: string): void => void process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const config: PromptMaskConfig = resolvePromptMaskConfig();
const settings = { batch: Number(values.batch), viewsPerBatch: Number(values['views-per-batch']), lr: Number(values.lr), cropViews: Number(values['crop-views']), seed: Number(values.seed), sets: values.sets, steps: totalSteps };

interface TrainState {
  step: number;
  random: number;
  trainingSeconds: number;
  settings: typeof settings;
  history: Array<{ step: number; maskLoss: number; iouLoss: number; meanIou: number }>;
  validation: Array<{ step: number } & ValidationReport>;
}

/** Learning rate at a step: the base rate for 70% of the run, then 0.3x, then 0.1x for the last 10%. */
function learningRate(step: number): number {
  if (step < 0.7 * totalSteps) return settings.lr;
  if (step < 0.9 * totalSteps) return settings.lr * 0.3;
  return settings.lr * 0.1;
}

async function saveCheckpoint(trainer: PromptMaskTrainer, state: TrainState): Promise<void> {
  const temporary = `${checkpointDir}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await saveHeadsFiles(temporary, config, { checkpointStep: state.step }, trainer.allParameters());
  const optimizer = await trainer.optimizer.getState();
  const entries = Object.entries(optimizer);
  const buffers = entries.flatMap(([, slot]) => [Buffer.from(slot.firstMoment.buffer, slot.firstMoment.byteOffset, slot.firstMoment.byteLength), Buffer.from(slot.secondMoment.buffer, slot.secondMoment.byteOffset, slot.secondMoment.byteLength)]);
  await writeFile(join(temporary, 'optimizer.bin'), Buffer.concat(buffers));
  await writeFile(join(temporary, 'state.json'), JSON.stringify({ ...state, optimizer: entries.map(([name, slot]) => ({ name, step: slot.step, length: slot.firstMoment.length })) }));
  await rm(`${checkpointDir}.old`, { recursive: true, force: true });
  if (await stat(checkpointDir).catch(() => null)) await rename(checkpointDir, `${checkpointDir}.old`);
  await rename(temporary, checkpointDir);
  await rm(`${checkpointDir}.old`, { recursive: true, force: true });
}

async function loadCheckpoint(): Promise<{ state: TrainState; tensors: Map<string, tf.Tensor>; optimizer: Record<string, AdamSlot> } | null> {
  for (const dir of [checkpointDir, `${checkpointDir}.old`]) {
    try {
      const { tensors } = await loadHeadsFiles(dir, resolvePromptMaskConfig, promptMaskShapes, promptMaskParameterNames);
      const raw = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as TrainState & { optimizer: Array<{ name: string; step: number; length: number }> };
      const bytes = await readFile(join(dir, 'optimizer.bin'));
      const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const optimizer: Record<string, AdamSlot> = {};
      let offset = 0;
      for (const entry of raw.optimizer) {
        optimizer[entry.name] = { step: entry.step, firstMoment: floats.slice(offset, offset + entry.length), secondMoment: floats.slice(offset + entry.length, offset + 2 * entry.length) };
        offset += 2 * entry.length;
      }
      const state: TrainState = { step: raw.step, random: raw.random, trainingSeconds: raw.trainingSeconds, settings: raw.settings, history: raw.history, validation: raw.validation };
      return { state, tensors, optimizer };
    } catch (error) {
      log(`no usable checkpoint in ${dir}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return null;
}

const backend = await selectBackend('wasm');
await registerGradients();
log(`backend ${backend.backend}, ${cpus().length} cores; split: ${SPLIT_RULE}`);
const graph = await loadCenternetGraph({ dynamicInput: false });
const sets = values.sets.split(',');
const trainImages = await loadTrainingImages(datasetsDir, sets, 'train');
const validationImages = await loadTrainingImages(datasetsDir, sets, 'validation');
log(`training images ${trainImages.length} (${trainImages.reduce((sum, image) => sum + image.objects.length, 0)} objects), validation images ${validationImages.length}`);
let started = Date.now();
const views = await loadViews(graph, trainImages, join(workDir, 'views'), {
  cropViews: settings.cropViews,
  seed: settings.seed,
  onProgress: (done, total) => {
    if (done % 25 === 0 || done === total) log(`training views: ${done}/${total} images`);
  },
});
const validationViews = await loadViews(graph, validationImages, join(workDir, 'views-validation'), { cropViews: 0, seed: settings.seed });
const wholeValidationViews = validationViews.filter((view) => !view.transform.flipped);
log(`views ready: ${views.length} training, ${wholeValidationViews.length} validation (${((Date.now() - started) / 60000).toFixed(1)} min)`);
graph.dispose();
const fixedExamples = validationExamples(validationImages, wholeValidationViews, 400);

let state: TrainState = { step: 0, random: 0, trainingSeconds: 0, settings, history: [], validation: [] };
let trainer: PromptMaskTrainer;
const checkpoint = values.resume ? await loadCheckpoint() : null;
if (checkpoint) {
  // The run's length may change on resume (the learning-rate schedule follows --steps); nothing else may.
  const { steps: _before, ...savedSettings } = checkpoint.state.settings;
  const { steps: _now, ...currentSettings } = settings;
  if (JSON.stringify(savedSettings) !== JSON.stringify(currentSettings)) throw new Error(`--resume with other settings: checkpoint ${JSON.stringify(checkpoint.state.settings)}, now ${JSON.stringify(settings)}`);
  if (checkpoint.state.step >= 0.7 * totalSteps && checkpoint.state.settings.steps !== totalSteps) log(`note: --steps changed from ${checkpoint.state.settings.steps} to ${totalSteps}`);
  state = { ...checkpoint.state, settings };
  trainer = new PromptMaskTrainer(config, trainImages, views, { batchSize: settings.batch, viewsPerBatch: settings.viewsPerBatch, learningRate: settings.lr, seed: settings.seed }, checkpoint.tensors);
  trainer.optimizer.setState(checkpoint.optimizer, promptMaskShapes(config));
  trainer.random.setState(state.random);
  for (const tensor of checkpoint.tensors.values()) tensor.dispose();
  log(`resumed at step ${state.step}`);
} else {
  trainer = new PromptMaskTrainer(config, trainImages, views, { batchSize: settings.batch, viewsPerBatch: settings.viewsPerBatch, learningRate: settings.lr, seed: settings.seed });
}

const deadline = values['max-minutes'] ? Date.now() + Number(values['max-minutes']) * 60000 : Infinity;
const checkpointEvery = Number(values['checkpoint-every']);
const validateEvery = Number(values['validate-every']);
let window = { mask: 0, iou: 0, meanIou: 0, count: 0 };
started = Date.now();
let sinceSave = Date.now();
const runValidation = (): void => {
  const t0 = Date.now();
  const report = validate(trainer, config, wholeValidationViews, fixedExamples);
  state.validation.push({ step: state.step, ...report });
  log(`validation @${state.step}: box IoU ${report.boxMeanIou.toFixed(3)} (${report.boxExamples}), clicks mIoU@1..5 ${report.clickMeanIou.map((v) => v.toFixed(3)).join(' ')} (${report.clickExamples}) [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
};
if (state.step === 0) runValidation();
while (state.step < totalSteps && Date.now() < deadline) {
  trainer.optimizer.learningRate = learningRate(state.step);
  const report = trainer.step();
  state.step++;
  window = { mask: window.mask + report.maskLoss, iou: window.iou + report.iouLoss, meanIou: window.meanIou + report.meanIou, count: window.count + 1 };
  if (state.step % 25 === 0) {
    const seconds = (Date.now() - started) / 1000;
    log(`step ${state.step}/${totalSteps}: mask ${(window.mask / window.count).toFixed(4)} iou ${(window.iou / window.count).toFixed(4)} train mIoU ${(window.meanIou / window.count).toFixed(3)} lr ${trainer.optimizer.learningRate} (${(seconds / window.count).toFixed(2)} s/step)`);
    state.history.push({ step: state.step, maskLoss: window.mask / window.count, iouLoss: window.iou / window.count, meanIou: window.meanIou / window.count });
    state.trainingSeconds += seconds;
    started = Date.now();
    window = { mask: 0, iou: 0, meanIou: 0, count: 0 };
  }
  if (state.step % validateEvery === 0) runValidation();
  if (state.step % checkpointEvery === 0 || Date.now() - sinceSave > 10 * 60000) {
    state.random = trainer.random.getState();
    await saveCheckpoint(trainer, state);
    sinceSave = Date.now();
  }
}
state.random = trainer.random.getState();
await saveCheckpoint(trainer, state);
if (state.step >= totalSteps) {
  runValidation();
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });
  const meta = {
    modelVersion: values.version,
    architecture: 'guided',
    label: 'Detector-guided',
    bundledRank: 0,
    deepmaskDir: '../deepmask',
    trainedAt: new Date().toISOString(),
    training: { steps: state.step, hours: state.trainingSeconds / 3600, settings, split: SPLIT_RULE, images: trainImages.length, objects: trainImages.reduce((sum, image) => sum + image.objects.length, 0), views: views.length, backend: backend.backend },
    validation: state.validation.at(-1),
  };
  await saveHeadsFiles(outDir, config, meta, trainer.allParameters());
  await writeFile(join(outDir, 'training.json'), `${JSON.stringify({ ...meta, history: state.history, validationHistory: state.validation }, null, 2)}\n`);
  log(`wrote ${outDir}`);
} else log(`stopped at step ${state.step} (time limit); --resume continues`);
