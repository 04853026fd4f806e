// Entry of the training worker thread: a worker does not inherit the parent's tsx loader, so it
// registers tsx itself, then loads the TypeScript worker (as electron/model/worker-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./learner-worker.ts');
