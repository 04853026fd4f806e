// Where `npm start` gets the Electron binary.
//
// `npm ci` runs no dependency install scripts here (.npmrc: ignore-scripts=true), so the `electron`
// package arrives with its JavaScript and type definitions but without the binary its postinstall
// would download (about 100 MB from GitHub). An install that needs no network therefore always
// succeeds, and the binary is fetched on demand the first time the desktop app is wanted: when a
// display exists, `resolveElectron` runs the package's own downloader (node_modules/electron/install.js,
// the script npm would have run) with a time limit. Where that fails it says why, and start.mjs runs
// the headless host instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Longest a download may take before `npm start` gives up on it and runs the host instead (ms). */
export const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

const require = createRequire(import.meta.url);

/** The folder of the installed `electron` npm package, or null when the package is not installed. */
export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Why Electron cannot show a window on this machine, or null when it can. */
export function displayProblem(platform = process.platform, env = process.env) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  }
  return null;
}

/**
 * The Electron executable of the package in `packageDir`, or why there is none. Evaluates the
 * package's index.js afresh each time (its export is the binary's path; it throws when the binary
 * was never downloaded), so a download in between is seen.
 */
export function findBinary(packageDir) {
  const index = join(packageDir, 'index.js');
  let binary;
  try {
    delete require.cache[index];
    binary = require(index);
  } catch (error) {
    // Its usual message ("Electron failed to install correctly, please delete node_modules/electron
    // and try installing again") would send the reader the wrong way: reinstalling skips the download.
    const message = firstLine(error);
    const reason = 'the Electron binary is not installed';
    return { reason: /failed to install correctly/.test(message) ? reason : `${reason} (${message})` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { reason: `the Electron binary is missing (expected at ${binary})` };
  }
  return { binary };
}

/**
 * Runs the electron package's downloader (`node install.js` in `packageDir`) and resolves to
 * `{ ok: true }` or `{ ok: false, reason }` with the first error line it printed (e.g.
 * `RequestError: getaddrinfo ENOTFOUND github.com`). Killed after `timeoutMs`.
 */
export function downloadBinary(packageDir, { timeoutMs = DOWNLOAD_TIMEOUT_MS, env = process.env } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk) => {
      if (output.length < 64_000) output += chunk;
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, reason: firstLine(error) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolvePromise({ ok: false, reason: `the download did not finish within ${Math.round(timeoutMs / 1000)} s` });
      else if (code === 0) resolvePromise({ ok: true });
      else resolvePromise({ ok: false, reason: errorLine(output) ?? `install.js exited with ${code ?? signal}` });
    });
  });
}

/**
 * Decides whether the desktop app can start, downloading the binary first when it is missing and a
 * display exists. Resolves to `{ binary }` or `{ reason }` (a phrase completing "the desktop app
 * cannot start here: ..."). `download` and `log` are seams for tests.
 */
export async function resolveElectron({
  packageDir = electronPackageDir(),
  platform = process.platform,
  env = process.env,
  download = (dir) => downloadBinary(dir, { env }),
  log = (line) => console.log(line),
} = {}) {
  if (packageDir === null) return { reason: 'the electron package is not installed (it is a devDependency: run `npm ci`)' };
  const noDisplay = displayProblem(platform, env);
  if (noDisplay) return { reason: noDisplay };
  const found = findBinary(packageDir);
  if (found.binary) return found;
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return { reason: `${found.reason}, and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not downloaded` };
  }
  log('maskpilot start: the Electron binary is not installed yet (npm ci skips install scripts, see .npmrc);');
  log(`maskpilot start: downloading it (about 100 MB, once; giving up after ${Math.round(DOWNLOAD_TIMEOUT_MS / 60_000)} min)...`);
  const downloaded = await download(packageDir);
  if (!downloaded.ok) return { reason: `the Electron binary is not installed and downloading it failed: ${downloaded.reason}` };
  const after = findBinary(packageDir);
  if (!after.binary) return { reason: `the Electron download finished, yet ${after.reason}` };
  log('maskpilot start: Electron downloaded.');
  return after;
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

/** The line of a failed installer's output that names the error, else its last line. */
function errorLine(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /^\w*Error\b|Error:/.test(line)) ?? lines.at(-1) ?? null;
}
