// Entry of the model worker thread. Node code runs as TypeScript through tsx, but a worker does not
// inherit the parent's loader hooks, and `execArgv: ['--import', 'tsx']` is ignored for workers on
// Node 20 ("Unknown file extension .ts"); so the worker registers tsx itself, then loads worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
