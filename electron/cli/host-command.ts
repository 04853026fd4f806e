// `maskpilot host <folder>`: serves the UI and the API for one folder until SIGINT/SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ModelStatus } from '../../shared/api/types';
import type { Learner } from '../services/learner';
import type { ModelProvider } from '../services/model-provider';
import { openProject } from '../services/project';
import { workingFolderFor } from '../services/sample-folder';
import { isLoopbackAddress, startHost } from '../host';
import { bundledModels } from './bundled-models';
import type { CliCommand } from './command';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const DEFAULT_FOLDER = resolve(repoRoot, 'resources/sample-photos');

const USAGE = `Usage: maskpilot host [folder] [options]

Serves MaskPilot for one photo folder: the UI over HTTP and the API over WebSocket, behind a
random token printed in the URL. Runs until Ctrl+C (SIGINT) or SIGTERM.

  folder              the photo folder (default: the bundled sample photos, which are
                      annotated in a copy under ~/.maskpilot or $MASKPILOT_HOME)
  --port N            TCP port (default 0: any free port)
  --bind ADDR         address to bind (default 127.0.0.1)
  --allow-remote      allow a non-loopback --bind (other machines can then reach it)
  --token T           fixed token, 16+ characters of A-Z a-z 0-9 _ - (default: random)
  --model NAME        a bundled model (guided, deepmask, instancefcn): the one a project starts
                      with when it has no version chosen yet (default: the first bundled,
                      guided where present; a chosen one is kept)
  --no-model          do not load the proposal network (no proposals, no fine-tuning)
  --open              also open the URL in the default browser`;

export const hostCommand: CliCommand = {
  name: 'host',
  summary: 'serve the UI and API for a folder to a browser (headless host)',
  usage: USAGE,
  async run(argv) {
    let parsed: HostArguments;
    try {
      parsed = parseHostArguments(argv);
    } catch (error) {
      process.stderr.write(`maskpilot host: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const { folder, port, bind, allowRemote, token, noModel, open, model: architecture } = parsed;
    const bundled = await bundledModels();
    const chosen = architecture === undefined ? bundled[0] : bundled.find((entry) => entry.architecture === architecture);
    if (architecture !== undefined && !chosen) {
      process.stderr.write(`maskpilot host: --model must name a bundled model (${bundled.map((entry) => entry.architecture).join(', ')}), got '${architecture}'\n\n${USAGE}\n`);
      return 2;
    }
    if (!isLoopbackAddress(bind) && !allowRemote) {
      // Checked again by startHost; failing here spares loading the model first.
      process.stderr.write(`maskpilot host: refusing to bind to ${bind}: it is not a loopback address, so other machines could reach the host. Pass --allow-remote if you mean it.\n`);
      return 2;
    }

    const served = await workingFolderFor(folder, DEFAULT_FOLDER);
    if (served !== folder) process.stdout.write(`The bundled sample photos are never annotated in place; using the copy in ${served}\n`);

    const model = noModel ? null : await loadModelProvider(chosen?.architecture);
    const learner = model ? await loadLearner() : null;
    let service: Awaited<ReturnType<typeof openProject>>;
    try {
      service = await openProject(served, {
        ...(model ? { model } : {}),
        ...(learner ? { learner } : {}),
        bundledModels: bundled,
        defaultModelId: chosen?.id,
      });
    } catch (error) {
      await Promise.all([model?.dispose(), learner?.dispose()]);
      throw error;
    }
    for (const warning of service.openWarnings) process.stdout.write(`Warning: ${warning.message}\n`);
    let host: Awaited<ReturnType<typeof startHost>>;
    try {
      host = await startHost({ folder: served, port, host: bind, allowRemote, token, service, log: (line) => process.stderr.write(`${line}\n`) });
    } catch (error) {
      await service.close();
      await Promise.all([model?.dispose(), learner?.dispose()]);
      throw error;
    }

    // Listen for SIGINT/SIGTERM before announcing the URL: whoever reads the serving line may stop
    // the host at once, and a signal arriving before the handlers would end it without saving.
    const signalled = untilSignalled();
    if (noModel) process.stdout.write('Model: not loaded (--no-model); proposals and click-to-segment are unavailable.\n');
    else if (model) process.stdout.write(`${describeModel(model.status())}\n`);
    process.stdout.write(`MaskPilot is serving ${served} at ${host.url}\n`);
    if (open) openInBrowser(host.url);

    await signalled;
    process.stdout.write('MaskPilot host: shutting down...\n');
    await host.close();
    await service.close();
    await Promise.all([model?.dispose(), learner?.dispose()]);
    return 0;
  },
};

interface HostArguments {
  folder: string;
  port: number;
  bind: string;
  allowRemote: boolean;
  token: string | undefined;
  noModel: boolean;
  open: boolean;
  /** The model (a bundled model's id, e.g. guided, deepmask) a project with no version chosen yet starts on; default: the first bundled. */
  model: string | undefined;
}

/** Parses `host` arguments; throws a one-line message for the usage error. */
export function parseHostArguments(argv: string[]): HostArguments {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '0' },
      bind: { type: 'string', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', default: false },
      token: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      model: { type: 'string' },
      open: { type: 'boolean', default: false },
    },
  });
  const model = values.model;
  if (positionals.length > 1) throw new Error(`expected one folder, got ${positionals.length}`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  const folder = resolve(positionals[0] ?? DEFAULT_FOLDER);
  if (!existsSync(folder)) throw new Error(`folder not found: ${folder}`);
  return {
    folder,
    port,
    bind: values.bind,
    allowRemote: values['allow-remote'],
    token: values.token,
    noModel: values['no-model'],
    open: values.open,
    model,
  };
}

/**
 * The proposal network (DeepMask in a worker thread). Loaded lazily so `--no-model` never pulls in
 * tfjs. A provider whose weights fail to load still comes back, with a status saying why; only a
 * failure to start it at all leaves the host running without a model.
 */
async function loadModelProvider(architecture: string | undefined): Promise<ModelProvider | null> {
  process.stdout.write('Loading the proposal model...\n');
  try {
    const { createModelProvider } = await import('../model/provider');
    return await createModelProvider({ model: architecture });
  } catch (error) {
    process.stdout.write(`Model: could not be started (${(error as Error).message}); running without proposals.\n`);
    return null;
  }
}

/** The fine-tuning worker (its own thread, so training never stalls proposals); null if it cannot start. */
async function loadLearner(): Promise<Learner | null> {
  try {
    const { createWorkerLearner } = await import('../model/learner');
    return await createWorkerLearner();
  } catch (error) {
    process.stdout.write(`Fine-tuning: unavailable (${(error as Error).message}).\n`);
    return null;
  }
}

function describeModel(status: ModelStatus): string {
  if (!status.ready) return `Model: not ready (${status.message ?? 'no reason given'}); running without proposals.`;
  const note = status.message ? ` (${status.message})` : '';
  return `Model: ${status.modelVersion ?? 'unversioned'} on the ${status.backend} backend${note}.`;
}

function untilSignalled(): Promise<void> {
  return new Promise((resolveSignal) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second signal while closing ends the process at once.
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolveSignal();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stdout.write(`(could not start a browser with ${opener}; open the URL above yourself)\n`));
  child.unref();
}
