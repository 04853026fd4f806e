#!/usr/bin/env node
// `npm start [-- folder]`: opens MaskPilot as a desktop app on the folder (default: the bundled
// sample photos). The Electron binary is downloaded on first use when a display exists (`npm ci`
// runs no install scripts; see scripts/electron-binary.mjs). Where Electron cannot start (no
// binary and no way to download it, or Linux has no display), says why and runs the headless host
// instead, which prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveElectron } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = resolve(process.argv[2] ?? resolve(root, 'resources/sample-photos'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`maskpilot start: '${[command, ...args].join(' ')}' failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

/** Runs a child to completion, forwarding Ctrl+C to it, and exits with its code. */
function handOver(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!existsSync(folder)) {
  console.error(`maskpilot start: folder not found: ${folder}`);
  process.exit(2);
}

// The UI is needed by both shells; build it once if it is missing.
if (!existsSync(resolve(root, 'dist/renderer/index.html'))) {
  console.log('maskpilot start: building the user interface (dist/renderer)...');
  run(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}

const electron = await resolveElectron();
if (electron.binary) {
  run(process.execPath, [resolve(root, 'scripts/build-electron.mjs')]);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary behave as plain Node
  console.log(`maskpilot start: opening ${folder} in the desktop app`);
  handOver(electron.binary, [resolve(root, 'dist/electron/main.js'), folder], env);
} else {
  console.log(`maskpilot start: the desktop app cannot start here: ${electron.reason}.`);
  console.log('maskpilot start: starting the headless host instead (same UI and API, in a browser; `npm run host` does the same).');
  console.log('maskpilot start: open the URL printed below in Chromium or Chrome; stop with Ctrl+C.');
  handOver(process.execPath, [resolve(root, 'bin/maskpilot.mjs'), 'host', folder]);
}
