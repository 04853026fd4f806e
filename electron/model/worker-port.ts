// Worker threads as the two ends of the generic channel (shared/api/channel.ts): the caller's side
// gets a port over the Worker (its death closes the port, so calls in flight fail at once); the
// worker serves an object of async methods over its parentPort. Messages are structured clones.
import { parentPort } from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { serveChannel } from '../../shared/api/channel';
import type { ChannelPort, ChannelServerOptions } from '../../shared/api/channel';

/** The caller's end: messages to and from `worker`; closes once, with a reason, when the worker errs or exits. */
export function workerPort(worker: Worker): ChannelPort {
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', listener),
    onClose(listener) {
      let closed = false;
      const close = (reason: string): void => {
        if (closed) return;
        closed = true;
        listener(reason);
      };
      worker.on('error', (error) => close(error.message));
      worker.on('exit', (code) => close(`exit code ${code}`));
    },
  };
}

/** The worker's end: serves `service` to the thread that started this one. */
export function serveToParent(service: object, options: Omit<ChannelServerOptions<void>, 'service'> = {}): void {
  const port = parentPort;
  if (!port) throw new Error('a worker service must run in a worker thread');
  serveChannel({ post: (message) => port.postMessage(message), onMessage: (listener) => void port.on('message', listener) }, service, options);
}
