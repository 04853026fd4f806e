// The training worker: fine-tunes and evaluates off the caller's thread (and off the proposal
// worker's, so proposing stays responsive while a fine-tune runs). Calls run one at a time in arrival
// order (they share one trunk and the tfjs heap); 'abort' messages bypass the queue and cancel the
// call they name, running or still queued. Progress is posted as it happens.
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../../shared/api/errors';
import { createInProcessLearner } from '../learner';
import type { Learner } from '../../services/learner';
import type { LearnerWorkerReply, LearnerWorkerRequest } from './learner-protocol';

if (!parentPort) throw new Error('electron/model/finetune/learner-worker.ts must run in a worker thread');
const port = parentPort;

let learner: Learner = createInProcessLearner();
const controllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

const reply = (message: LearnerWorkerReply): void => port.postMessage(message);

port.on('message', (request: LearnerWorkerRequest) => {
  if (request.method === 'abort') {
    controllers.get(request.target)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(request.id, controller);
  queue = queue.then(() => serve(request, controller.signal));
});

async function serve(request: Exclude<LearnerWorkerRequest, { method: 'abort' }>, signal: AbortSignal): Promise<void> {
  try {
    let result: LearnerWorkerReply & { kind: 'done' };
    switch (request.method) {
      case 'init':
        await learner.dispose();
        learner = createInProcessLearner({ backend: request.backend });
        result = { id: request.id, kind: 'done', result: [...(learner.architectures ?? [])] };
        break;
      case 'fineTune':
        result = { id: request.id, kind: 'done', result: await learner.fineTune(request.request, (progress) => reply({ id: request.id, kind: 'progress', progress }), signal) };
        break;
      case 'evaluate':
        result = { id: request.id, kind: 'done', result: await learner.evaluate(request.modelDir, request.images, signal) };
        break;
    }
    reply(result);
  } catch (error) {
    reply({ id: request.id, kind: 'error', error: serializeError(error) });
  } finally {
    controllers.delete(request.id);
  }
}
