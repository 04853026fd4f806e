#!/usr/bin/env node
// Bundles the Electron main process and the preload into dist/electron/:
//   main.js     ESM, Node platform; every npm package stays external (sharp and tfjs carry native or
//               wasm files that must be loaded from node_modules, unpacked from the asar).
//   preload.cjs CommonJS, one self-contained file: a sandboxed preload cannot import modules, only
//               require('electron').
// Extra worker entries (the model worker) are bundled beside main.js when their source exists.
// Usage: node scripts/build-electron.mjs [--watch]
import { build, context } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/electron`;
const watch = process.argv.includes('--watch');

const firstExisting = (...candidates) => candidates.find((candidate) => existsSync(`${root}${candidate}`));
/**
 * Entry points main loads by file name at run time (electron/main/model-host.ts, paths.ts): the
 * model module (exports createModelProvider) and its worker, when this checkout has them.
 */
const modelEntry = firstExisting('electron/model/index.ts', 'electron/model/provider.ts');
const workerEntry = firstExisting('electron/model/worker.ts', 'electron/model/model-worker.ts');
const workerEntries = [
  ...(modelEntry ? [{ in: modelEntry, out: 'model-provider' }] : []),
  ...(workerEntry ? [{ in: workerEntry, out: 'model-worker' }] : []),
];

const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

const mainOptions = {
  ...common,
  entryPoints: [{ in: 'electron/main/main.ts', out: 'main' }, ...workerEntries],
  outdir,
  outExtension: { '.js': '.js' },
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  external: ['electron'],
};

const preloadOptions = {
  ...common,
  entryPoints: [{ in: 'electron/preload/preload.ts', out: 'preload' }],
  outdir,
  outExtension: { '.js': '.cjs' },
  platform: 'browser',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
};

if (watch) {
  for (const options of [mainOptions, preloadOptions]) await (await context(options)).watch();
  console.log('build-electron: watching for changes');
} else {
  await Promise.all([build(mainOptions), build(preloadOptions)]);
  console.log(`build-electron: wrote ${outdir}/{main.js,preload.cjs${workerEntries.length ? ',' + workerEntries.map((e) => `${e.out}.js`).join(',') : ''}}`);
}
