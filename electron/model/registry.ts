// The proposal models MaskPilot knows: one line each. Adding a model is a folder that exports a
// ModelDescriptor (model-descriptor.ts) and its line here; the worker, the CLI (--model), the
// learner and the benches find it through these functions. The first model whose bundled weights
// are present is the default.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deepmaskModel } from './deepmask';
import { guidedModel } from './guided';
import { readHeadsManifest } from './heads-io';
import { instanceFcnModel } from './instancefcn';
import type { ModelCreateOptions, ModelDescriptor } from './model-descriptor';
import type { ProposalModel } from './proposal-model';

export const MODELS: readonly ModelDescriptor[] = [guidedModel, deepmaskModel, instanceFcnModel];

export function modelById(id: string): ModelDescriptor {
  const model = MODELS.find((entry) => entry.id === id);
  if (!model) throw new Error(`unknown model '${id}' (known: ${MODELS.map((entry) => entry.id).join(', ')})`);
  return model;
}

/** The model whose bundled weights are present first in MODELS' order. */
export function defaultModel(): ModelDescriptor {
  return MODELS.find((model) => existsSync(join(model.bundledDir(), 'heads.json'))) ?? deepmaskModel;
}

/** The model of the weights in `dir` (throws the loader's clear error when there are none). */
export async function modelOfDir(dir: string): Promise<ModelDescriptor> {
  const manifest = await readHeadsManifest(dir);
  const meta = manifest.meta ?? {};
  const model = MODELS.find((entry) => entry.detect(meta));
  if (!model) throw new Error(`${dir} holds weights of an unknown model (meta.architecture ${String(meta.architecture)})`);
  return model;
}

/**
 * A `--model` value: a model id (its bundled weights) or a weights folder (its model read from the
 * folder); undefined = the default model.
 */
export async function resolveModelChoice(value: string | undefined): Promise<{ model: ModelDescriptor; modelDir: string }> {
  if (value === undefined) {
    const model = defaultModel();
    return { model, modelDir: model.bundledDir() };
  }
  const named = MODELS.find((entry) => entry.id === value);
  if (named) return { model: named, modelDir: named.bundledDir() };
  const modelDir = resolve(value);
  return { model: await modelOfDir(modelDir), modelDir };
}

/** The model for a weights folder, by what the folder holds (not loaded yet). */
export async function createModelForDir(options: ModelCreateOptions & { model?: ModelDescriptor }): Promise<ProposalModel> {
  const { model: known, ...rest } = options;
  const model = known ?? (await modelOfDir(options.modelDir));
  return model.create(rest);
}
