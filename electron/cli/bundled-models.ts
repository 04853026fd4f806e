// Where the models shipped with MaskPilot live, described as the model versions every project can
// use (the project service lists them and loads them through the provider; it never finds them
// itself). Every folder of resources/models with a heads.json is one; its meta.bundledRank orders them.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanBundledModels, type BundledModel } from '../services/project';

const BUNDLED_MODELS_DIR = resolve(fileURLToPath(import.meta.url), '../../../resources/models');

/** The bundled models, default first; an unusable folder is left out with a note on stderr. */
export function bundledModels(): Promise<BundledModel[]> {
  return scanBundledModels(BUNDLED_MODELS_DIR, (message) => process.stderr.write(`maskpilot: ${message}\n`));
}
