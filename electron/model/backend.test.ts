import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { selectBackend, type ModuleImporter } from './backend';

const realImport: ModuleImporter = (specifier) => import(specifier);

describe('selectBackend', () => {
  test('falls through tfjs-node-gpu and tfjs-node to wasm here, saying why each failed', async () => {
    const selection = await selectBackend();
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.notes).toHaveLength(1);
    expect(selection.notes[0]).toMatch(/^tensorflow: @tensorflow\/tfjs-node-gpu unavailable .*; @tensorflow\/tfjs-node unavailable/);
  });

  test('uses the tensorflow backend when a tfjs-node package registers it', async () => {
    const attempted: string[] = [];
    const importer: ModuleImporter = async (specifier) => {
      attempted.push(specifier);
      if (specifier === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11: cannot open shared object');
      if (specifier === '@tensorflow/tfjs-node') {
        // Stand-in for tfjs-node: register a 'tensorflow' backend backed by the cpu kernels' engine.
        const cpu = await import('@tensorflow/tfjs-backend-cpu');
        if (!tf.findBackend('tensorflow')) tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 0);
        return {};
      }
      return realImport(specifier);
    };
    try {
      const selection = await selectBackend(undefined, { importModule: importer });
      expect(selection.backend).toBe('tensorflow');
      expect(attempted.slice(0, 2)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
      expect(selection.notes).toEqual([]);
    } finally {
      tf.removeBackend('tensorflow');
      await selectBackend();
      await tf.setBackend('wasm');
    }
  });

  test('falls back to cpu when wasm cannot load, and reports the wasm failure', async () => {
    const importer: ModuleImporter = async (specifier) => {
      if (specifier === '@tensorflow/tfjs-backend-wasm') throw new Error('wasm binary missing');
      if (specifier.startsWith('@tensorflow/tfjs-node')) throw new Error(`Cannot find package '${specifier}'`);
      return realImport(specifier);
    };
    const registered = tf.findBackend('wasm');
    // A registered wasm backend would be reused without importing; simulate a fresh process.
    const factory = tf.engine().registryFactory['wasm'];
    if (registered || factory) tf.removeBackend('wasm');
    try {
      const selection = await selectBackend(undefined, { importModule: importer });
      expect(selection.backend).toBe('cpu');
      expect(selection.notes[1]).toBe('wasm: wasm binary missing');
    } finally {
      if (factory) tf.registerBackend('wasm', factory.factory, factory.priority);
      await tf.setBackend('wasm');
    }
  });

  test('a preferred backend skips faster ones with a note', async () => {
    const selection = await selectBackend('cpu', { importModule: realImport });
    expect(selection).toEqual({ backend: 'cpu', notes: ["tensorflow: not tried (backend 'cpu' was requested)", "wasm: not tried (backend 'cpu' was requested)"] });
    await tf.setBackend('wasm');
  });
});

describe('missingNativeLibrary', () => {
  test('an absent package is left to the import; a package without its binding is refused up front', async () => {
    const { missingNativeLibrary } = await import('./backend');
    expect(missingNativeLibrary('@tensorflow/no-such-package')).toBeNull();
    // tfjs-backend-wasm has no lib/napi-v*/tfjs_binding.node: it stands in for a tfjs-node installed without scripts.
    expect(missingNativeLibrary('@tensorflow/tfjs-backend-wasm')).toMatch(/installed without its native library .*npm rebuild @tensorflow\/tfjs-backend-wasm --ignore-scripts=false/);
  });
});
