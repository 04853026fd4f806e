// `maskpilot train`: trains DeepMask heads on a COCO dataset, starting from the bundled default
// weights (fine-tuning) unless --from-scratch. Shows one progress line (step, losses, samples/s,
// ETA); Ctrl+C stops between steps and saves a checkpoint that --resume continues from.
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../model/backend';
import { createHeads, loadHeads, type DeepMaskHeads } from '../model/heads';
import { loadTrunk } from '../model/trunk';
import { openTrainingSession } from '../model/training/session';
import { trainHeads, type TrainingProgress } from '../model/training/trainer';
import type { CliCommand } from './command';

const BUNDLED_MODEL_DIR = resolve(import.meta.dirname, '../../resources/models/deepmask');

const USAGE = `Usage: maskpilot train --coco <annotations.json> --images <dir> [options]

Trains the DeepMask heads (mask and score branches) on a COCO instance-segmentation dataset.
The frozen trunk's features are computed once per image scale and cached in <out>/feature-cache.

Options:
  --coco <file>        COCO annotations (polygons or RLE)                       (required)
  --images <dir>       folder holding the images named in the annotations      (required)
  --out <dir>          where the trained heads, checkpoints and cache go   (default ./deepmask-trained)
  --steps <n>          optimisation steps, alternating mask/score branches       (default 2000)
  --batch <n>          windows per step (even, <= 256)                            (default 32)
  --lr <x>             Adam learning rate                                         (default 0.0005)
  --resume             continue from the checkpoint in <out>/checkpoints
  --from-scratch       start from random heads instead of the bundled model
  --backend <name>     tensorflow | wasm | cpu (default: fastest available)
Ctrl+C stops after the current step and saves a checkpoint.`;

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train the DeepMask heads on a COCO dataset (checkpoints, resume, Ctrl+C saves)',
  usage: USAGE,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          coco: { type: 'string' },
          images: { type: 'string' },
          out: { type: 'string', default: 'deepmask-trained' },
          steps: { type: 'string', default: '2000' },
          batch: { type: 'string', default: '32' },
          lr: { type: 'string', default: '0.0005' },
          resume: { type: 'boolean', default: false },
          'from-scratch': { type: 'boolean', default: false },
          backend: { type: 'string' },
        },
        strict: true,
      }));
    } catch (error) {
      process.stderr.write(`maskpilot train: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const usageError = (message: string): number => {
      process.stderr.write(`maskpilot train: ${message}\n\n${USAGE}\n`);
      return 2;
    };
    if (!values.coco || !values.images) return usageError('--coco and --images are required');
    const steps = Number(values.steps);
    const batchSize = Number(values.batch);
    const learningRate = Number(values.lr);
    if (!Number.isInteger(steps) || steps < 1) return usageError(`--steps must be a positive integer, got '${values.steps}'`);
    if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize % 2 !== 0 || batchSize > 256) return usageError(`--batch must be an even integer in [2, 256], got '${values.batch}'`);
    if (!(learningRate > 0)) return usageError(`--lr must be a positive number, got '${values.lr}'`);
    const backend = values.backend as 'tensorflow' | 'wasm' | 'cpu' | undefined;
    if (backend && !['tensorflow', 'wasm', 'cpu'].includes(backend)) return usageError(`--backend must be tensorflow, wasm or cpu, got '${backend}'`);

    const outDir = resolve(values.out);
    const selection = await selectBackend(backend);
    process.stderr.write(`backend: ${selection.backend}${selection.notes.length ? ` (${selection.notes.join('; ')})` : ''}\n`);
    const trunk = await loadTrunk();
    let heads: DeepMaskHeads | null = null;
    try {
      const session = await openTrainingSession({
        cocoPath: resolve(values.coco),
        imagesDir: resolve(values.images),
        trunk,
        cacheDir: join(outDir, 'feature-cache'),
      });
      process.stderr.write(
        `${session.dataset.files.length} images, ${session.dataset.objectCount} objects (${session.source.sampler.positiveObjectCount} usable as positives), ${session.views} views to cache\n`,
      );
      heads = values['from-scratch'] ? createHeads({ channels: trunk.channels }) : await startingHeads(trunk.channels);
      const controller = new AbortController();
      const onSigint = (): void => {
        process.stderr.write('\nstopping after this step and saving a checkpoint...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const line = progressLine();
      try {
        const result = await trainHeads(heads, session.source, {
          steps,
          batchSize,
          learningRate,
          checkpointDir: join(outDir, 'checkpoints'),
          checkpointEvery: 200,
          resume: values.resume,
          signal: controller.signal,
          onProgress: line.update,
        });
        line.end();
        if (result.cancelled) {
          process.stderr.write(`stopped at step ${result.steps}/${steps}; checkpoint saved in ${join(outDir, 'checkpoints')}. Continue with --resume.\n`);
          return 130;
        }
        await heads.save(outDir, { version: `trained-${new Date().toISOString()}`, trainedOn: resolve(values.coco), steps: result.steps });
        process.stdout.write(`trained ${result.steps} steps in ${(result.trainingSeconds / 60).toFixed(1)} min; heads saved to ${outDir}\n`);
        return 0;
      } finally {
        process.off('SIGINT', onSigint);
      }
    } finally {
      heads?.dispose();
      trunk.dispose();
    }
  },
};

/** The bundled model's heads if they load, otherwise fresh ones (with a note). */
async function startingHeads(channels: number): Promise<DeepMaskHeads> {
  try {
    const heads = await loadHeads(BUNDLED_MODEL_DIR);
    if (heads.config.channels === channels) {
      process.stderr.write(`starting from the bundled model in ${BUNDLED_MODEL_DIR}\n`);
      return heads;
    }
    heads.dispose();
    process.stderr.write('bundled model does not match the trunk; starting from random heads\n');
  } catch (error) {
    process.stderr.write(`bundled model unavailable (${(error as Error).message}); starting from random heads\n`);
  }
  return createHeads({ channels });
}

/** One self-rewriting progress line on a terminal, plain lines otherwise. */
function progressLine(): { update: (event: TrainingProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let open = false;
  const print = (text: string): void => {
    if (tty) {
      process.stderr.write(`\r${text.padEnd(100)}`);
      open = true;
    } else process.stderr.write(`${text}\n`);
  };
  return {
    update(event) {
      const now = Date.now();
      if (event.phase === 'features') {
        if (tty || event.done === event.total || now - last > 5000) print(`caching features ${event.done}/${event.total}`);
      } else if (event.phase === 'training') {
        if (!tty && now - last < 5000 && event.step !== event.totalSteps) return;
        const eta = event.etaSeconds >= 60 ? `${(event.etaSeconds / 60).toFixed(1)} min` : `${event.etaSeconds.toFixed(0)} s`;
        print(`step ${event.step}/${event.totalSteps}  mask loss ${event.maskLoss.toFixed(4)}  score loss ${event.scoreLoss.toFixed(4)}  ${event.samplesPerSecond.toFixed(0)} samples/s  ETA ${eta}`);
      } else return;
      last = now;
    },
    end() {
      if (open) process.stderr.write('\n');
    },
  };
}
