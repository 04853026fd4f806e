// Entry of the training worker in the desktop app's bundle (dist/electron/learner-worker-entry.mjs,
// the file electron/model/finetune/worker-learner.ts starts beside itself). Like the model worker's
// entry, it first points tfjs's wasm backend at the folder main computed, then runs the worker.
// Runs in a worker thread: no electron import.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_DIR_ENV } from './model-host-env';

const wasmDir = process.env[WASM_DIR_ENV];
if (wasmDir) setWasmPaths(wasmDir.endsWith('/') || wasmDir.endsWith('\\') ? wasmDir : `${wasmDir}/`);

await import('../model/finetune/learner-worker');
