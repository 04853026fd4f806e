// Loads the proposal model for the desktop app. The model module (electron/model, bundled by
// scripts/build-electron.mjs into dist/electron/model-provider.js) is looked up at run time, so the
// app starts, and annotating works, even in a build without it; the status bar then says why.
// The provider runs the network in a worker thread; ModelSupervisor restarts it after a crash.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelProvider } from '../services/model-provider';
import type { ProviderFactory } from './model-supervisor';

/** What the desktop shell tells the model module about where things are in this build. */
export interface DesktopModelOptions {
  /** tfjs-backend-wasm's dist/ folder with a trailing separator, outside app.asar when packaged. */
  wasmDir: string;
  /** Bundled weights and model card (resources/models). */
  modelsDir: string;
  /** The bundled worker entry, when the build produced one. */
  workerFile?: string;
  /** Called once when the worker exits unexpectedly; in-flight calls should reject. */
  onCrash(error: Error): void;
}

type CreateModelProvider = (options: DesktopModelOptions) => Promise<ModelProvider> | ModelProvider;

/** Environment variable through which worker threads (which inherit the environment) learn the wasm folder. */
export const WASM_DIR_ENV = 'MASKPILOT_TFJS_WASM_DIR';

export function modelProviderFactory(bundleDir: string, paths: { wasmDir: string; modelsDir: string; modelWorkerFile: string }): ProviderFactory {
  process.env[WASM_DIR_ENV] = paths.wasmDir;
  return async (onCrash) => {
    const entry = join(bundleDir, 'model-provider.js');
    if (!existsSync(entry)) throw new Error('this build has no proposal model (dist/electron/model-provider.js is missing)');
    const module = (await import(pathToFileURL(entry).href)) as { createModelProvider?: CreateModelProvider };
    if (typeof module.createModelProvider !== 'function') throw new Error('the model module does not export createModelProvider');
    return module.createModelProvider({
      wasmDir: paths.wasmDir,
      modelsDir: paths.modelsDir,
      ...(existsSync(paths.modelWorkerFile) ? { workerFile: paths.modelWorkerFile } : {}),
      onCrash,
    });
  };
}
