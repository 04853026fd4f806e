// The networks shipped with the app, as model versions every project can use. The host and the CLI
// know where they live (services never import the model code); this reads their heads.json to learn
// each one's version id (meta.modelVersion, what its proposals record) and architecture.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelArchitectureName, ModelVersion } from '../../../../shared/api/types';
import { isPlainObject } from '../validate';

export interface BundledModel {
  /** The modelVersion in its heads.json. */
  id: string;
  architecture: ModelArchitectureName;
  /** Folder with heads.json + heads.bin. */
  dir: string;
  /** For the user, e.g. "DeepMask (bundled)". */
  label: string;
}

export const ARCHITECTURE_NAMES: Record<ModelArchitectureName, string> = { deepmask: 'DeepMask', instancefcn: 'InstanceFCN' };

/** Describes the weights in `dir` from its heads.json; throws a clear message when it has none. */
export async function describeBundledModel(dir: string): Promise<BundledModel> {
  const path = join(dir, 'heads.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the bundled model manifest ${path}: ${(error as Error).message}`);
  }
  const meta = isPlainObject(manifest) && isPlainObject(manifest.meta) ? manifest.meta : {};
  if (typeof meta.modelVersion !== 'string' || meta.modelVersion.length === 0) throw new Error(`${path} names no meta.modelVersion`);
  const architecture: ModelArchitectureName = meta.architecture === 'instancefcn' ? 'instancefcn' : 'deepmask';
  return { id: meta.modelVersion, architecture, dir: resolve(dir), label: `${ARCHITECTURE_NAMES[architecture]} (bundled)` };
}

export function bundledVersion(model: BundledModel): ModelVersion {
  return {
    id: model.id,
    architecture: model.architecture,
    kind: 'bundled',
    label: model.label,
    parentId: null,
    createdAt: null,
    evaluation: null,
    training: null,
    decision: null,
  };
}
