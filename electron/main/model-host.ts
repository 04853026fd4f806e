// Loads the proposal model for the desktop app. The model module (electron/model/provider.ts,
// bundled by scripts/build-electron.mjs into dist/electron/model-provider.js, its worker beside it
// as worker-entry.mjs) is looked up at run time, so the app starts, and annotating works, even in a
// build without it; the status bar then says why. The provider runs the network in a worker
// thread; ModelSupervisor reports its crashes and makes sure it comes back.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Learner } from '../services/learner';
import type { ModelProvider } from '../services/model-provider';
import { scanBundledModels, type BundledModel } from '../services/project';
import { WASM_DIR_ENV } from './model-host-env';
import type { ProviderFactory } from './model-supervisor';

/**
 * What the desktop shell tells the model module about this build. The module's own options
 * (electron/model/provider.ts: modelDir, bundledModelDir) come first; the rest is for modules
 * that want them and is ignored by those that do not.
 */
interface DesktopModelOptions {
  /** Weights to use, and the fallback when they fail: the bundled resources/models/deepmask. */
  modelDir: string;
  bundledModelDir: string;
  /** tfjs-backend-wasm's dist/ folder with a trailing separator, outside app.asar when packaged. */
  wasmDir: string;
  /** Called when the worker exits unexpectedly, by modules that do not restart it themselves. */
  onCrash(error: Error): void;
}

type CreateModelProvider = (options: DesktopModelOptions) => Promise<ModelProvider> | ModelProvider;

export { WASM_DIR_ENV };

export function modelProviderFactory(bundleDir: string, paths: { wasmDir: string; modelsDir: string }): ProviderFactory {
  process.env[WASM_DIR_ENV] = paths.wasmDir;
  return async (onCrash) => {
    const entry = join(bundleDir, 'model-provider.js');
    if (!existsSync(entry)) throw new Error('this build has no proposal model (dist/electron/model-provider.js is missing)');
    const module = (await import(pathToFileURL(entry).href)) as { createModelProvider?: CreateModelProvider };
    if (typeof module.createModelProvider !== 'function') throw new Error('the model module does not export createModelProvider');
    // The default model's weights (the first bundled one), falling back to themselves.
    const weights = (await bundledModelsIn(paths.modelsDir))[0]?.dir ?? join(paths.modelsDir, 'deepmask');
    return module.createModelProvider({ modelDir: weights, bundledModelDir: weights, wasmDir: paths.wasmDir, onCrash });
  };
}

type CreateWorkerLearner = (options?: Record<string, never>) => Promise<Learner>;

/**
 * Starts the learner (fine-tuning in a training worker of its own) from dist/electron/learner.js.
 * Null, with the reason logged, in a build without it: annotating and proposing still work, and
 * the project service then refuses fine-tunes with a clear message.
 */
export async function loadLearner(bundleDir: string): Promise<Learner | null> {
  const entry = join(bundleDir, 'learner.js');
  try {
    if (!existsSync(entry)) throw new Error('dist/electron/learner.js is missing from this build');
    const module = (await import(pathToFileURL(entry).href)) as { createWorkerLearner?: CreateWorkerLearner };
    if (typeof module.createWorkerLearner !== 'function') throw new Error('the learner module does not export createWorkerLearner');
    return await module.createWorkerLearner();
  } catch (error) {
    console.warn(`maskpilot: fine-tuning is unavailable: ${(error as Error).message}`);
    return null;
  }
}

/** The models shipped in resources/models, as model versions, default first; unusable ones are left out (logged). */
export function bundledModelsIn(modelsDir: string): Promise<BundledModel[]> {
  return scanBundledModels(modelsDir, (message) => console.warn(`maskpilot: ${message}`));
}
