// Where the networks shipped with MaskPilot live, described as the model versions every project can
// use (the project service lists them and loads them through the provider; it never finds them itself).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBundledModel, type BundledModel } from '../services/project';

const modelsDir = resolve(fileURLToPath(import.meta.url), '../../../resources/models');
export const BUNDLED_ARCHITECTURES = ['deepmask', 'instancefcn'] as const;
export type BundledArchitecture = (typeof BUNDLED_ARCHITECTURES)[number];

export function bundledModelDirOf(architecture: BundledArchitecture): string {
  return resolve(modelsDir, architecture);
}

/** DeepMask then InstanceFCN; a network whose weights are missing is left out with a note on stderr. */
export async function bundledModels(): Promise<BundledModel[]> {
  const found: BundledModel[] = [];
  for (const architecture of BUNDLED_ARCHITECTURES) {
    try {
      found.push(await describeBundledModel(bundledModelDirOf(architecture)));
    } catch (error) {
      process.stderr.write(`maskpilot: the bundled ${architecture} weights are unusable (${(error as Error).message})\n`);
    }
  }
  return found;
}
