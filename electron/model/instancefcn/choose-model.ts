// Picks the proposal network for a `--model` value or a weights folder, so the CLI, the worker and the
// benches take DeepMask or InstanceFCN through one call. Both implement the same interface (DeepMask:
// load, propose, segmentAt, dispose). A folder's architecture is read from its heads.json
// (meta.architecture, written by InstanceFCN's save; DeepMask's weights carry none).
import { resolve } from 'node:path';
import type { BackendName } from '../backend';
import { createDeepMask, defaultModelDir, type DeepMaskSettings } from '../deepmask';
import type { ProposalModel } from '../proposal-model';
import { readHeadsManifest } from '../heads-io';
import type { Trunk } from '../trunk';
import { INSTANCEFCN_ARCHITECTURE } from './heads';
import { createInstanceFcn, defaultInstanceFcnModelDir } from './model';

export type ModelArchitecture = 'deepmask' | 'instancefcn';
export const MODEL_ARCHITECTURES: readonly ModelArchitecture[] = ['deepmask', 'instancefcn'];

/** The bundled weights of an architecture. */
export function bundledModelDir(architecture: ModelArchitecture): string {
  return architecture === 'instancefcn' ? defaultInstanceFcnModelDir() : defaultModelDir();
}

/** The architecture of the heads in `dir` (throws the loader's clear error when there are none). */
export async function architectureOf(dir: string): Promise<ModelArchitecture> {
  const manifest = await readHeadsManifest(dir);
  return manifest.meta?.architecture === INSTANCEFCN_ARCHITECTURE ? 'instancefcn' : 'deepmask';
}

/**
 * A `--model` value: 'deepmask' or 'instancefcn' (the bundled weights of that architecture) or a
 * folder of heads (its architecture read from the folder); undefined = the bundled DeepMask.
 */
export async function resolveModelChoice(value: string | undefined): Promise<{ architecture: ModelArchitecture; modelDir: string }> {
  if (value === undefined || value === 'deepmask') return { architecture: 'deepmask', modelDir: defaultModelDir() };
  if (value === 'instancefcn') return { architecture: 'instancefcn', modelDir: defaultInstanceFcnModelDir() };
  const modelDir = resolve(value);
  return { architecture: await architectureOf(modelDir), modelDir };
}

export interface CreateModelOptions extends Partial<DeepMaskSettings> {
  modelDir: string;
  backend?: BackendName;
  trunk?: Trunk;
  /** Skips reading the folder when the caller already knows. */
  architecture?: ModelArchitecture;
}

/** The model for a weights folder, DeepMask or InstanceFCN by what the folder holds (not loaded yet). */
export async function createModelForDir(options: CreateModelOptions): Promise<ProposalModel> {
  const { architecture: known, ...rest } = options;
  const architecture = known ?? (await architectureOf(options.modelDir).catch(() => 'deepmask' as const));
  return architecture === 'instancefcn' ? createInstanceFcn(rest) : createDeepMask(rest);
}
