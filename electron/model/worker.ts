// The model worker: hosts DeepMask (trunk + heads on the picked tfjs backend) off the caller's thread.
// Requests are served one at a time, in arrival order: tfjs work is synchronous on this thread anyway,
// and serialising keeps the cached image pyramid consistent between overlapping calls.
import { parentPort } from 'node:worker_threads';
import type { Instance } from '../../shared/api/types';
import { ApiError, serializeError } from '../../shared/api/errors';
import type { ProposalModel } from './proposal-model';
import { createModelForDir } from './registry';
import type { WorkerInit, WorkerLoadReport, WorkerReply, WorkerRequest } from './worker-protocol';

if (!parentPort) throw new Error('electron/model/worker.ts must run in a worker thread');
const port = parentPort;

let model: ProposalModel | null = null;
let unavailable = 'the model worker has not been initialised';
let initOptions: WorkerInit | null = null;
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => serve(request));
});

async function serve(request: WorkerRequest): Promise<void> {
  const started = performance.now();
  try {
    const result = await handle(request);
    const reply: WorkerReply = { id: request.id, ok: true, result, latencyMs: performance.now() - started };
    port.postMessage(reply);
  } catch (error) {
    const reply: WorkerReply = { id: request.id, ok: false, error: serializeError(error) };
    port.postMessage(reply);
  }
}

async function handle(request: WorkerRequest): Promise<WorkerLoadReport | Instance[] | Instance | null> {
  switch (request.method) {
    case 'init':
      return init(request.init);
    case 'load':
      return load(request.modelDir);
    case 'propose':
      return requireModel().propose(request.image, { maxProposals: request.maxProposals });
    case 'segmentAt':
      return requireModel().segmentAt(request.image, request.prompt);
  }
}

function requireModel(): ProposalModel {
  if (!model) throw new ApiError('MODEL_UNAVAILABLE', unavailable);
  return model;
}

/**
 * Switches to the weights in modelDir. Requests are served in order, so calls that arrived earlier
 * finish with the old weights. If the new ones cannot be loaded the old ones stay and the call fails.
 */
async function load(modelDir: string): Promise<WorkerLoadReport> {
  if (!initOptions) throw new ApiError('MODEL_UNAVAILABLE', unavailable);
  const candidate = await createModelForDir({ modelDir, backend: initOptions.backend, settings: initOptions.settings });
  try {
    await candidate.load();
  } catch (error) {
    candidate.dispose();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError('MODEL_UNAVAILABLE', `cannot load the weights in ${modelDir}: ${reason}; ${model ? `still using ${model.modelVersion ?? 'the previous weights'}` : 'no model is loaded'}`);
  }
  model?.dispose();
  model = candidate;
  const selection = candidate.backend;
  return { ready: true, backend: selection?.backend ?? 'none', backendNotes: selection?.notes ?? [], modelVersion: candidate.modelVersion, modelDir };
}

/** Loads the chosen weights, falling back to the bundled ones; never throws (the report says what failed). */
async function init(options: WorkerInit): Promise<WorkerLoadReport> {
  initOptions = options;
  const problems: string[] = [];
  const directories = options.modelDir === options.bundledModelDir ? [options.modelDir] : [options.modelDir, options.bundledModelDir];
  for (const modelDir of directories) {
    // The model the folder's heads.json names (registry.ts).
    const candidate = await createModelForDir({ modelDir, backend: options.backend, settings: options.settings });
    try {
      await candidate.load();
      model = candidate;
      const selection = candidate.backend;
      return {
        ready: true,
        backend: selection?.backend ?? 'none',
        backendNotes: selection?.notes ?? [],
        modelVersion: candidate.modelVersion,
        modelDir,
        message: problems.length > 0 ? `${problems.join('; ')}; using the bundled weights instead` : undefined,
      };
    } catch (error) {
      candidate.dispose();
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  unavailable = `no model could be loaded: ${problems.join('; ')}`;
  return { ready: false, backend: 'none', backendNotes: [], modelVersion: null, modelDir: null, message: unavailable };
}
