// Entry of the model worker in the desktop app's bundle (dist/electron/worker-entry.mjs, the file
// electron/model/provider.ts starts beside itself). Before the model code runs it points tfjs's
// wasm backend at the folder main computed (MASKPILOT_TFJS_WASM_DIR: app.asar.unpacked/... when
// packaged, node_modules/... in development). Importing the wasm backend registers it, so the
// model's backend picker (electron/model/backend.ts) finds it registered and keeps these paths.
// Runs in a worker thread: no electron import.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_DIR_ENV } from './model-host-env';

const wasmDir = process.env[WASM_DIR_ENV];
if (wasmDir) setWasmPaths(wasmDir.endsWith('/') || wasmDir.endsWith('\\') ? wasmDir : `${wasmDir}/`);

await import('../model/worker');
