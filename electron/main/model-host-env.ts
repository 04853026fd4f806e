// Shared by main (model-host.ts, which sets it) and the model worker (model-worker-entry.ts, which
// reads it): worker threads inherit the environment, so it carries the wasm folder across.

/** Folder of tfjs-backend-wasm's .wasm files, with a trailing separator. */
export const WASM_DIR_ENV = 'MASKPILOT_TFJS_WASM_DIR';
