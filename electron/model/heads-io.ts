// The heads' file format: `heads.bin` (every parameter as little-endian float32, concatenated in the
// manifest's order) and `heads.json` (format tag, config, caller's metadata, one entry per parameter with
// its shape and byte offset, the .bin's byte length and SHA-256). Each file is written to a temporary
// name and renamed over the old one; the .bin goes first, and the SHA-256 in the .json means a reader
// can never pair a new manifest with a stale or half-written .bin without noticing.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const HEADS_FORMAT = 'maskpilot-deepmask-heads/1';
const HEADS_MANIFEST_FILE = 'heads.json';
const HEADS_WEIGHTS_FILE = 'heads.bin';

interface HeadsManifest {
  format: typeof HEADS_FORMAT;
  config: Record<string, number>;
  meta: Record<string, unknown>;
  weights: Array<{ name: string; shape: number[]; offset: number }>;
  byteLength: number;
  sha256: string;
}

export async function saveHeadsFiles(
  dir: string,
  config: object,
  meta: Record<string, unknown>,
  parameters: Array<{ name: string; tensor: tf.Tensor }>,
): Promise<void> {
  const chunks: Buffer[] = [];
  const weights: HeadsManifest['weights'] = [];
  let offset = 0;
  for (const { name, tensor } of parameters) {
    const values = (await tensor.data()) as Float32Array;
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    chunks.push(Buffer.from(bytes));
    weights.push({ name, shape: tensor.shape, offset });
    offset += bytes.byteLength;
  }
  const bin = Buffer.concat(chunks);
  const manifest: HeadsManifest = {
    format: HEADS_FORMAT,
    config: { ...(config as Record<string, number>) },
    meta,
    weights,
    byteLength: bin.byteLength,
    sha256: createHash('sha256').update(bin).digest('hex'),
  };
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, HEADS_WEIGHTS_FILE), bin);
  await writeAtomically(join(dir, HEADS_MANIFEST_FILE), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Reads only the manifest (config + meta), validating its shape; used to report a model's version. */
export async function readHeadsManifest(dir: string): Promise<HeadsManifest> {
  const path = join(dir, HEADS_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `no model weights at ${dir} (${HEADS_MANIFEST_FILE} missing)` : `cannot read ${path}: ${(error as Error).message}`);
  }
  let manifest: HeadsManifest;
  try {
    manifest = JSON.parse(text) as HeadsManifest;
  } catch (error) {
    throw new Error(`${path} is corrupt: not valid JSON (${(error as Error).message})`);
  }
  if (manifest?.format !== HEADS_FORMAT) throw new Error(`${path} is not a DeepMask heads manifest (format ${String(manifest?.format)}, expected ${HEADS_FORMAT})`);
  if (!Array.isArray(manifest.weights) || typeof manifest.config !== 'object' || typeof manifest.sha256 !== 'string') {
    throw new Error(`${path} is corrupt: missing config, weights or sha256`);
  }
  return manifest;
}

export async function loadHeadsFiles<Config>(
  dir: string,
  resolveConfig: (raw: Record<string, number>) => Config,
  shapesFor: (config: Config) => Record<string, number[]>,
  namesFor: readonly string[] | ((config: Config) => readonly string[]),
): Promise<{ config: Config; tensors: Map<string, tf.Tensor>; manifest: HeadsManifest }> {
  const manifest = await readHeadsManifest(dir);
  let config: Config;
  try {
    config = resolveConfig(manifest.config);
  } catch (error) {
    throw new Error(`${join(dir, HEADS_MANIFEST_FILE)} has an invalid config: ${(error as Error).message}`);
  }
  const binPath = join(dir, HEADS_WEIGHTS_FILE);
  let bin: Buffer;
  try {
    bin = await readFile(binPath);
  } catch (error) {
    throw new Error(`cannot read model weights ${binPath}: ${(error as Error).message}`);
  }
  if (bin.byteLength !== manifest.byteLength || createHash('sha256').update(bin).digest('hex') !== manifest.sha256) {
    throw new Error(`model weights ${binPath} are corrupt: ${bin.byteLength} bytes, checksum does not match ${HEADS_MANIFEST_FILE}`);
  }
  const shapes = shapesFor(config);
  const names = typeof namesFor === 'function' ? namesFor(config) : namesFor;
  const tensors = new Map<string, tf.Tensor>();
  for (const name of names) {
    const entry = manifest.weights.find((weight) => weight.name === name);
    const shape = shapes[name];
    if (!entry || entry.shape.join(',') !== shape.join(',')) {
      for (const tensor of tensors.values()) tensor.dispose();
      throw new Error(`${join(dir, HEADS_MANIFEST_FILE)}: parameter ${name} is missing or has shape [${entry?.shape.join(',') ?? ''}], expected [${shape.join(',')}]`);
    }
    const count = shape.reduce((product, size) => product * size, 1);
    if (!Number.isInteger(entry.offset) || entry.offset < 0 || entry.offset + count * 4 > bin.byteLength) {
      for (const tensor of tensors.values()) tensor.dispose();
      throw new Error(`model weights ${binPath} are too short for parameter ${name}`);
    }
    const values = new Float32Array(count);
    Buffer.from(values.buffer).set(bin.subarray(entry.offset, entry.offset + count * 4));
    tensors.set(name, tf.tensor(values, shape, 'float32'));
  }
  return { config, tensors, manifest };
}
