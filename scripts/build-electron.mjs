#!/usr/bin/env node
// Bundles the Electron main process and the preload into dist/electron/:
//   main.js     ESM, Node platform; every npm package stays external (sharp and tfjs carry native or
//               wasm files that must be loaded from node_modules, unpacked from the asar).
//   preload.cjs CommonJS, one self-contained file: a sandboxed preload cannot import modules, only
//               require('electron').
// Extra worker entries (the model worker) are bundled beside main.js when their source exists.
// Usage: node scripts/build-electron.mjs [--watch] [--outdir-name NAME]
import { build, context } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');
// --outdir-name NAME writes to dist/NAME instead of dist/electron (tests build their own copy, so
// parallel test files never read a bundle another one is rewriting). Always two levels below the
// repository: main.js finds the UI, the sample photos and node_modules relative to itself.
const nameIndex = process.argv.indexOf('--outdir-name');
const outdirName = nameIndex >= 0 ? process.argv[nameIndex + 1] : 'electron';
if (!outdirName || !/^[\w.-]+$/.test(outdirName)) {
  console.error('build-electron: --outdir-name needs a plain folder name');
  process.exit(2);
}
const outdir = `${root}dist/${outdirName}`;

const firstExisting = (...candidates) => candidates.find((candidate) => existsSync(`${root}${candidate}`));
/**
 * The model module, loaded by main at run time (electron/main/model-host.ts), when this checkout has
 * it: dist/electron/model-provider.js exports createModelProvider, which starts its worker from
 * './worker-entry.mjs' beside itself; in the repository that file registers tsx and runs worker.ts,
 * here it is worker.ts bundled behind electron/main/model-worker-entry.ts (the app ships no
 * TypeScript and no tsx).
 */
const modelEntry = firstExisting('electron/model/provider.ts', 'electron/model/index.ts');
// The worker entry sets tfjs's wasm paths for this build, then runs electron/model/worker.ts.
const workerEntry = existsSync(`${root}electron/model/worker.ts`) ? 'electron/main/model-worker-entry.ts' : undefined;
/**
 * The learner (fine-tuning and evaluating weights), loaded by main the same way: learner.js exports
 * createWorkerLearner, whose worker is './learner-worker-entry.mjs' beside it.
 */
const learnerEntry = firstExisting('electron/model/learner.ts');
const learnerWorkerEntry = existsSync(`${root}electron/model/finetune/learner-worker.ts`) ? 'electron/main/learner-worker-entry.ts' : undefined;
const workerEntries = [
  ...(modelEntry ? [{ in: modelEntry, out: 'model-provider' }] : []),
  ...(learnerEntry ? [{ in: learnerEntry, out: 'learner' }] : []),
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

const modelWorkerOptions =
  modelEntry && workerEntry
    ? { ...mainOptions, entryPoints: [{ in: workerEntry, out: 'worker-entry' }], outExtension: { '.js': '.mjs' } }
    : null;
const learnerWorkerOptions =
  learnerEntry && learnerWorkerEntry
    ? { ...mainOptions, entryPoints: [{ in: learnerWorkerEntry, out: 'learner-worker-entry' }], outExtension: { '.js': '.mjs' } }
    : null;
const builds = [mainOptions, preloadOptions, ...[modelWorkerOptions, learnerWorkerOptions].filter(Boolean)];

if (watch) {
  for (const options of builds) await (await context(options)).watch();
  console.log('build-electron: watching for changes');
} else {
  rmSync(outdir, { recursive: true, force: true }); // no stale bundles of entries that are gone
  await Promise.all(builds.map((options) => build(options)));
  const written = [
    'main.js',
    'preload.cjs',
    ...(modelEntry ? ['model-provider.js'] : []),
    ...(modelWorkerOptions ? ['worker-entry.mjs'] : []),
    ...(learnerEntry ? ['learner.js'] : []),
    ...(learnerWorkerOptions ? ['learner-worker-entry.mjs'] : []),
  ];
  console.log(`build-electron: wrote ${outdir}/{${written.join(',')}}`);
}
