// Picks the fastest tfjs backend that actually loads in this process, in the order
// tensorflow (tfjs-node-gpu, then tfjs-node) -> wasm (SIMD, one thread) -> cpu, and records one line per
// faster backend saying why it was not used, so the UI and the CLI can show it.
//
// tfjs keeps one global engine per process, so the choice is made once and memoised; a second call with
// a different preference switches the engine (only tests do that).
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The backend that runs and why each faster one was not used (one human-readable line each). */
export interface BackendSelection {
  backend: BackendName;
  notes: string[];
}

/** Seam for tests: how an optional package is imported. Defaults to a plain dynamic import. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

interface SelectBackendOptions {
  importModule?: ModuleImporter;
}

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

const defaultImporter: ModuleImporter = async (specifier) => {
  if (TENSORFLOW_PACKAGES.includes(specifier)) {
    const missing = missingNativeLibrary(specifier);
    if (missing) throw new Error(missing);
  }
  return import(specifier);
};

/**
 * Why an installed tfjs-node(-gpu) cannot work, checked before importing it (an import without its
 * native library costs about a second and prints a warning per kernel): the project installs with
 * install scripts off (.npmrc), so its libtensorflow download runs only on request. Null when the
 * package is absent (the import then says so) or its binding is there.
 */
export function missingNativeLibrary(specifier: string): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve(`${specifier}/package.json`));
  } catch {
    return null;
  }
  const libDir = join(packageDir, 'lib');
  const bindings = existsSync(libDir) ? readdirSync(libDir).filter((name) => name.startsWith('napi-v') && existsSync(join(libDir, name, 'tfjs_binding.node'))) : [];
  if (bindings.length > 0) return null;
  return `installed without its native library (install scripts are off; where libtensorflow can be downloaded: npm rebuild ${specifier} --ignore-scripts=false, see docs/desktop.md)`;
}
const memo = new Map<string, Promise<BackendSelection>>();

/**
 * Makes `preferred` (or the fastest available backend) the active tfjs backend. Backends faster than
 * `preferred` are not tried and get a note saying so; if `preferred` fails, slower ones are tried.
 */
export function selectBackend(preferred?: BackendName, options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const key = preferred ?? 'auto';
  if (options.importModule) return pick(preferred, options.importModule);
  let pending = memo.get(key);
  if (!pending) {
    pending = pick(preferred, defaultImporter);
    pending.catch(() => memo.delete(key));
    memo.set(key, pending);
  }
  return pending;
}

async function pick(preferred: BackendName | undefined, importModule: ModuleImporter): Promise<BackendSelection> {
  const notes: string[] = [];
  const start = preferred ? ORDER.indexOf(preferred) : 0;
  if (start < 0) throw new Error(`unknown backend '${preferred}'; expected one of ${ORDER.join(', ')}`);
  for (const skipped of ORDER.slice(0, start)) notes.push(`${skipped}: not tried (backend '${preferred}' was requested)`);
  for (const candidate of ORDER.slice(start)) {
    const failure = await tryBackend(candidate, importModule);
    if (failure === null) return { backend: candidate, notes };
    notes.push(`${candidate}: ${failure}`);
  }
  throw new Error(`no tfjs backend could be initialised:\n${notes.join('\n')}`);
}

/** Returns null when `name` is now the active backend, or why it could not be made so. */
async function tryBackend(name: BackendName, importModule: ModuleImporter): Promise<string | null> {
  try {
    if (name === 'tensorflow') return await tryTensorflow(importModule);
    if (name === 'wasm') await registerWasm(importModule);
    else await importModule('@tensorflow/tfjs-backend-cpu');
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return `tf.setBackend('${name}') failed to initialise`;
    await tf.ready();
    return null;
  } catch (error) {
    return firstLine(error);
  }
}

async function tryTensorflow(importModule: ModuleImporter): Promise<string | null> {
  const reasons: string[] = [];
  for (const specifier of TENSORFLOW_PACKAGES) {
    try {
      // Importing tfjs-node(-gpu) registers the 'tensorflow' backend as a side effect.
      await importModule(specifier);
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return null;
      }
      reasons.push(`${specifier} loaded but the 'tensorflow' backend did not initialise`);
    } catch (error) {
      reasons.push(`${specifier} unavailable (${firstLine(error)})`);
    }
  }
  return reasons.join('; ');
}

async function registerWasm(importModule: ModuleImporter): Promise<void> {
  if (tf.findBackend('wasm') || tf.engine().registryFactory['wasm']) return;
  const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm binaries are read from disk: point tfjs at the package's dist/ folder (a file
  // path with a trailing slash, not a URL).
  wasm.setWasmPaths(`${wasmDistDir()}/`);
}

/** Absolute path of @tensorflow/tfjs-backend-wasm/dist (where the .wasm files live). */
function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
