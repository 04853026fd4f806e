// The networks shipped with the app, as model versions every project can use. The host and the CLI
// know where they live (services never import the model code); this reads their heads.json to learn
// each one's version id (meta.modelVersion, what its proposals record) and architecture.
import { readdir, readFile } from 'node:fs/promises';
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
  /** The model's name, from its heads.json (meta.label), e.g. "DeepMask". */
  architectureLabel: string;
}


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
  // Weights from before architectures were recorded are DeepMask's.
  const architecture: ModelArchitectureName = typeof meta.architecture === 'string' && meta.architecture.length > 0 ? meta.architecture : 'deepmask';
  const architectureLabel = typeof meta.label === 'string' && meta.label.length > 0 ? meta.label : legacyArchitectureLabel(architecture);
  return { id: meta.modelVersion, architecture, dir: resolve(dir), label: `${architectureLabel} (bundled)`, architectureLabel };
}

export function bundledVersion(model: BundledModel): ModelVersion {
  return {
    id: model.id,
    architecture: model.architecture,
    architectureLabel: model.architectureLabel,
    kind: 'bundled',
    label: model.label,
    parentId: null,
    createdAt: null,
    evaluation: null,
    training: null,
    decision: null,
  };
}

/** Names of the models whose weights and version records predate meta.label / architectureLabel. */
export function legacyArchitectureLabel(architecture: ModelArchitectureName): string {
  return architecture === 'deepmask' ? 'DeepMask' : architecture === 'instancefcn' ? 'InstanceFCN' : architecture;
}

/**
 * The bundled models in `modelsDir` (one folder each with a heads.json), ordered by meta.bundledRank
 * (lowest first; the first is the default for new projects); unusable folders are reported through
 * `warn` and left out.
 */
export async function scanBundledModels(modelsDir: string, warn: (message: string) => void): Promise<BundledModel[]> {
  let names: string[];
  try {
    names = (await readdir(modelsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (error) {
    warn(`no bundled models: cannot read ${modelsDir} (${(error as Error).message})`);
    return [];
  }
  const found: Array<{ model: BundledModel; rank: number }> = [];
  for (const name of names) {
    const dir = join(modelsDir, name);
    try {
      const model = await describeBundledModel(dir);
      found.push({ model, rank: await bundledRank(dir) });
    } catch (error) {
      warn(`the bundled ${name} weights are unusable (${(error as Error).message})`);
    }
  }
  return found.sort((a, b) => a.rank - b.rank).map((entry) => entry.model);
}

async function bundledRank(dir: string): Promise<number> {
  const manifest = JSON.parse(await readFile(join(dir, 'heads.json'), 'utf8')) as { meta?: { bundledRank?: unknown } };
  const rank = manifest.meta?.bundledRank;
  return typeof rank === 'number' && Number.isFinite(rank) ? rank : 100;
}
