// The training worker: fine-tunes and evaluates off the caller's thread (and off the proposal
// worker's, so proposing stays responsive while a fine-tune runs), served over the generic channel
// (learner-protocol.ts). Calls run one at a time in arrival order (they share one trunk and the
// tfjs heap); cancels bypass the queue and abort the call they name, running or still queued.
// Progress is sent as it happens.
import { createInProcessLearner } from '../learner';
import type { Learner } from '../../services/learner';
import { serveToParent } from '../worker-port';
import type { LearnerWorkerService, TrainingCall } from './learner-protocol';

let learner: Learner = createInProcessLearner();

/** The channel's server always passes a signal; a call made in-process might not. */
const signalOf = (call: TrainingCall | undefined): AbortSignal => call?.signal ?? new AbortController().signal;

const service: LearnerWorkerService = {
  async init({ backend }) {
    await learner.dispose();
    learner = createInProcessLearner({ backend });
    return [...(learner.architectures ?? [])];
  },
  fineTune: ({ request }, call) => learner.fineTune(request, (progress) => call?.onProgress?.(progress), signalOf(call)),
  evaluate: ({ modelDir, images }, call) => learner.evaluate(modelDir, images, signalOf(call)),
};

serveToParent(service, { oneAtATime: true });
