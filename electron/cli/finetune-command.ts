// `maskpilot finetune <folder>`: one fine-tune of a project's active model version on its saved
// corrections, in this process, exactly as the app runs it (held-out check, adopted only if it does
// at least as well). Prints progress lines and the outcome; Ctrl+C cancels and leaves nothing behind.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FineTuneProgress, ModelVersion } from '../../shared/api/types';
import type { Learner } from '../services/learner';
import { openProject, type BundledModel } from '../services/project';
import { bundledModels } from './bundled-models';
import type { CliCommand } from './command';

const USAGE = `Usage: maskpilot finetune <folder> [options]

Fine-tunes the project's active model version on the corrections saved in <folder>/.maskpilot
(accepted, edited, drawn and rejected instances). Every 5th annotated image is held out; the new
version becomes active only if its AR@100 there is at least the active version's.

  --steps N     optimisation steps, rounded up to even (default: chosen from the amount of data)
  --json        print the outcome as JSON (the new version's record) instead of text
  --backend B   tfjs backend: tensorflow, wasm or cpu (default: the fastest that loads)`;

interface FinetuneArguments {
  folder: string;
  steps: number | undefined;
  json: boolean;
  backend: string | undefined;
}

export function parseFinetuneArguments(argv: string[]): FinetuneArguments {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { steps: { type: 'string' }, json: { type: 'boolean', default: false }, backend: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'the project folder is required' : `expected one folder, got ${positionals.length}`);
  let steps: number | undefined;
  if (values.steps !== undefined) {
    steps = Number(values.steps);
    if (!/^\d+$/.test(values.steps) || steps < 1 || steps > 100_000) throw new Error(`--steps must be an integer from 1 to 100000, got '${values.steps}'`);
  }
  if (values.backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(values.backend)) throw new Error(`--backend must be tensorflow, wasm or cpu, got '${values.backend}'`);
  return { folder: resolve(positionals[0]), steps, json: values.json, backend: values.backend };
}

interface FinetuneRunOptions {
  learner: Learner;
  bundled: readonly BundledModel[];
  write: (text: string) => void;
  /** Aborted by Ctrl+C: the fine-tune is cancelled. */
  signal?: AbortSignal;
}

interface FinetuneOutcome {
  state: 'finished' | 'cancelled' | 'failed';
  message: string;
  version: ModelVersion | null;
  adopted: boolean;
  seconds: number;
}

function progressLine(progress: FineTuneProgress): string | null {
  if (progress.phase === 'training') {
    const last = progress.loss.at(-1);
    const losses = last ? `  mask loss ${last.maskLoss.toFixed(4)}  score loss ${last.scoreLoss.toFixed(4)}` : '';
    const speed = progress.samplesPerSecond === null ? '' : `  ${progress.samplesPerSecond.toFixed(0)} samples/s`;
    const eta = progress.etaSeconds === null ? '' : `  ETA ${Math.round(progress.etaSeconds)} s`;
    return `step ${progress.step}/${progress.totalSteps}${losses}${speed}${eta}`;
  }
  if (progress.phase === 'collecting' || progress.phase === 'evaluating') return `${progress.phase}: ${progress.message ?? ''}`;
  return null;
}

/** Opens the project, runs one fine-tune to its end, closes the project. Throws ApiErrors for refusals. */
export async function runFinetune(args: FinetuneArguments, options: FinetuneRunOptions): Promise<FinetuneOutcome> {
  const started = performance.now();
  const project = await openProject(args.folder, { learner: options.learner, bundledModels: options.bundled });
  try {
    for (const warning of project.openWarnings) options.write(`warning: ${warning.message}\n`);
    let lastFeatures = 0;
    const ended = new Promise<FineTuneProgress>((resolveEnd) => {
      project.on('onDidFineTune', (progress) => {
        if (progress.phase === 'finished' || progress.phase === 'cancelled' || progress.phase === 'failed') {
          resolveEnd(progress);
          return;
        }
        if (args.json) return;
        if (progress.phase === 'features') {
          // Feature extraction reports per image: print at most every 2 s.
          if (performance.now() - lastFeatures < 2000) return;
          lastFeatures = performance.now();
          options.write(`${progress.message ?? 'reading features'}\n`);
          return;
        }
        const line = progressLine(progress);
        if (line) options.write(`${line}\n`);
      });
    });
    const { activeId } = await project.listModelVersions({});
    if (!args.json) options.write(`Fine-tuning ${activeId ?? 'the active version'} on the corrections in ${args.folder}\n`);
    const { jobId } = await project.fineTune(args.steps === undefined ? {} : { steps: args.steps });
    const onAbort = () => void project.cancelJob({ jobId }).catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const end = await ended;
    options.signal?.removeEventListener('abort', onAbort);
    const listed = await project.listModelVersions({});
    const version = end.versionId ? (listed.versions.find((item) => item.id === end.versionId) ?? null) : null;
    return {
      state: end.phase as FinetuneOutcome['state'],
      message: end.message ?? end.phase,
      version,
      adopted: version !== null && listed.activeId === version.id,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await project.close();
  }
}

function describeOutcome(outcome: FinetuneOutcome): string {
  const version = outcome.version;
  if (!version) return `${outcome.message}\n`;
  const lines = [`Made ${version.id} (${version.label}) in ${outcome.seconds.toFixed(1)} s: ${version.training?.steps ?? 0} steps, ${version.training?.positives ?? 0} positives, ${version.training?.negatives ?? 0} negatives.`];
  const evaluation = version.evaluation;
  if (evaluation) {
    lines.push(
      `Held-out check on ${evaluation.heldOutImages} images (${evaluation.heldOutInstances} instances): AR@100 ${evaluation.ar100.toFixed(3)} vs ${evaluation.baselineAr100?.toFixed(3)} for ${evaluation.baselineId}; AR@10 ${evaluation.ar10.toFixed(3)} vs ${evaluation.baselineAr10?.toFixed(3)}.`,
    );
  }
  lines.push(`${outcome.adopted ? 'Adopted: it is now the active version.' : 'Not adopted: the active version is unchanged.'} (${version.decision ?? ''})`);
  return `${lines.join('\n')}\n`;
}

export const finetuneCommand: CliCommand = {
  name: 'finetune',
  summary: "fine-tune a project's active model on its saved corrections (held-out check before adopting)",
  usage: USAGE,
  async run(argv) {
    let args: FinetuneArguments;
    try {
      args = parseFinetuneArguments(argv);
    } catch (error) {
      process.stderr.write(`maskpilot finetune: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (!existsSync(args.folder)) {
      process.stderr.write(`maskpilot finetune: folder not found: ${args.folder}\n`);
      return 1;
    }
    const { createInProcessLearner } = await import('../model/learner');
    const learner = createInProcessLearner(args.backend ? { backend: args.backend as 'tensorflow' | 'wasm' | 'cpu' } : {});
    const abort = new AbortController();
    const onSignal = () => {
      process.stderr.write('maskpilot finetune: cancelling...\n');
      abort.abort();
    };
    process.once('SIGINT', onSignal);
    try {
      const outcome = await runFinetune(args, { learner, bundled: await bundledModels(), write: (text) => process.stdout.write(text), signal: abort.signal });
      if (args.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else process.stdout.write(describeOutcome(outcome));
      if (outcome.state === 'failed') {
        process.stderr.write(`maskpilot finetune: ${outcome.message}\n`);
        return 1;
      }
      return outcome.state === 'cancelled' ? 130 : 0;
    } catch (error) {
      process.stderr.write(`maskpilot finetune: ${(error as Error).message}\n`);
      return 1;
    } finally {
      process.off('SIGINT', onSignal);
      await learner.dispose();
    }
  },
};
