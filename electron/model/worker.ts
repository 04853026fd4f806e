// The model worker: hosts the proposal model (trunk + heads on the picked tfjs backend) off the caller's
// thread, served over the generic channel (worker-protocol.ts). Calls are served one at a time, in
// arrival order: tfjs work is synchronous on this thread anyway, and serialising keeps the cached
// image pyramid consistent between overlapping calls.
import { ApiError } from '../../shared/api/errors';
import { decodeRle, fromCocoRle } from '../../shared/geometry';
import type { ProposalModel } from './proposal-model';
import { createModelForDir } from './registry';
import { serveToParent } from './worker-port';
import type { ModelWorkerService, WorkerInit, WorkerLoadReport } from './worker-protocol';

let model: ProposalModel | null = null;
let unavailable = 'the model worker has not been initialised';
let initOptions: WorkerInit | null = null;

const service: ModelWorkerService = {
  init: (options) => init(options),
  load: ({ modelDir }) => load(modelDir),
  propose: async ({ image, maxProposals }) => requireModel().propose(image, { maxProposals }),
  segmentAt: async ({ image, prompt }) => requireModel().segmentAt(image, prompt),
  describe: async ({ image, masks }) => {
    const current = requireModel();
    return current.describe ? current.describe(image, masks.map((mask) => decodeRle(fromCocoRle(mask)))) : null;
  },
};

serveToParent(service, { oneAtATime: true });

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
  let candidate: ProposalModel | null = null;
  try {
    // Inside the try: a folder without readable weights fails here already.
    candidate = await createModelForDir({ modelDir, backend: initOptions.backend, settings: initOptions.settings });
    await candidate.load();
  } catch (error) {
    candidate?.dispose();
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
    let candidate: ProposalModel | null = null;
    try {
      candidate = await createModelForDir({ modelDir, backend: options.backend, settings: options.settings });
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
      candidate?.dispose();
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  unavailable = `no model could be loaded: ${problems.join('; ')}`;
  return { ready: false, backend: 'none', backendNotes: [], modelVersion: null, modelDir: null, message: unavailable };
}
