// `npm start`'s choice between the desktop app and the headless host (scripts/start.mjs and
// scripts/electron-binary.mjs). `npm ci` installs the electron package without its binary (the
// project's .npmrc ignores install scripts), so start.mjs downloads the binary on demand where a
// display exists and falls back to the host where it cannot.
//
// The download itself cannot be tried on these machines (no access to GitHub): the decision logic
// runs against stand-in electron packages whose install.js succeeds, fails like an offline machine
// or hangs; the package's real index.js (the path lookup start.mjs relies on) is used as it is.
// The last test runs start.mjs itself without a display and waits for the host's URL.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { displayProblem, downloadBinary, electronPackageDir, findBinary, resolveElectron } from '../scripts/electron-binary.mjs';
import type { DownloadResult } from '../scripts/electron-binary.mjs';
import { repoRoot } from './support/shared-data';

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

const DISPLAY_ENV = { DISPLAY: ':0' };

/** What the stand-in install.js does: download "successfully", fail as offline, or never finish. */
type InstallerBehaviour = 'succeeds' | 'offline' | 'hangs';

const INSTALLERS: Record<InstallerBehaviour, string> = {
  // What electron's install.js leaves behind: dist/<binary> and path.txt naming it.
  succeeds: `
    const fs = require('fs'), path = require('path');
    fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n', { mode: 0o755 });
    fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
    fs.appendFileSync(path.join(__dirname, 'runs.log'), 'run\\n');
  `,
  // electron's install.js on a machine without access to GitHub prints the stack and exits 1.
  offline: `
    console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/dist/source/core/index.js:970:111)');
    process.exit(1);
  `,
  hangs: `setInterval(() => {}, 1000);`,
};

/** A stand-in `electron` package: the real package.json and index.js, install.js as `behaviour`. */
async function fakeElectronPackage(behaviour: InstallerBehaviour): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'maskpilot-fake-electron-'));
  temporary.push(dir);
  const real = electronPackageDir();
  if (real === null) throw new Error('the electron package is not installed (npm ci)');
  await copyFile(join(real, 'index.js'), join(dir, 'index.js'));
  await copyFile(join(real, 'package.json'), join(dir, 'package.json'));
  await writeFile(join(dir, 'install.js'), INSTALLERS[behaviour]);
  return dir;
}

const mustNotDownload = async (): Promise<DownloadResult> => {
  throw new Error('must not download');
};

describe('the Electron binary for npm start', () => {
  test('the installed electron package is found; npm ci left out its binary or it was fetched since', () => {
    const dir = electronPackageDir();
    expect(dir).not.toBeNull();
    const found = findBinary(dir!);
    if (found.binary) expect(existsSync(found.binary)).toBe(true);
    else expect(found.reason).toMatch(/^the Electron binary is (not installed|missing)/);
  });

  test('on Linux a display is needed (DISPLAY or WAYLAND_DISPLAY); other systems always have one', () => {
    expect(displayProblem('linux', {})).toMatch(/no display/);
    expect(displayProblem('linux', { DISPLAY: ':0' })).toBeNull();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(displayProblem('darwin', {})).toBeNull();
    expect(displayProblem('win32', {})).toBeNull();
  });

  test('a missing binary is downloaded once with the package installer, then started', async () => {
    const dir = await fakeElectronPackage('succeeds');
    expect(findBinary(dir)).toEqual({ reason: 'the Electron binary is not installed' });
    const lines: string[] = [];
    const first = await resolveElectron({ packageDir: dir, platform: 'linux', env: DISPLAY_ENV, log: (line) => lines.push(line) });
    expect(first).toEqual({ binary: join(dir, 'dist', 'electron') });
    expect(lines.join('\n')).toMatch(/downloading it .*\n.*Electron downloaded/);
    // Present now: no second download.
    const second = await resolveElectron({ packageDir: dir, platform: 'linux', env: DISPLAY_ENV, download: mustNotDownload, log: () => {} });
    expect(second).toEqual(first);
    expect(readFileSync(join(dir, 'runs.log'), 'utf8')).toBe('run\n');
  });

  test('where the download fails (no network), the reason is the installer error, for the fallback to the host', async () => {
    const dir = await fakeElectronPackage('offline');
    const resolution = await resolveElectron({ packageDir: dir, platform: 'linux', env: DISPLAY_ENV, log: () => {} });
    expect(resolution.binary).toBeUndefined();
    expect(resolution.reason).toBe(
      'the Electron binary is not installed and downloading it failed: RequestError: getaddrinfo ENOTFOUND github.com',
    );
  });

  test('a download that hangs is killed after the time limit', async () => {
    const dir = await fakeElectronPackage('hangs');
    const started = Date.now();
    const result = await downloadBinary(dir, { timeoutMs: 500 });
    expect(result).toEqual({ ok: false, reason: 'the download did not finish within 1 s' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('without a display nothing is downloaded: the host is the answer anyway', async () => {
    const dir = await fakeElectronPackage('succeeds');
    const resolution = await resolveElectron({ packageDir: dir, platform: 'linux', env: {}, download: mustNotDownload, log: () => {} });
    expect(resolution.reason).toMatch(/^there is no display/);
    expect(existsSync(join(dir, 'runs.log'))).toBe(false);
  });

  test('ELECTRON_SKIP_BINARY_DOWNLOAD is honoured: no download, and the reason says so', async () => {
    const dir = await fakeElectronPackage('succeeds');
    const env = { ...DISPLAY_ENV, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    const resolution = await resolveElectron({ packageDir: dir, platform: 'linux', env, download: mustNotDownload, log: () => {} });
    expect(resolution.reason).toBe('the Electron binary is not installed, and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not downloaded');
  });

  test('an installer that exits 0 without leaving a binary is reported, not started', async () => {
    const dir = await fakeElectronPackage('succeeds');
    const resolution = await resolveElectron({
      packageDir: dir,
      platform: 'linux',
      env: DISPLAY_ENV,
      download: async () => ({ ok: true }),
      log: () => {},
    });
    expect(resolution.reason).toMatch(/^the Electron download finished, yet the Electron binary is not installed/);
  });

  test('without the electron package (npm ci --omit=dev) the reason says how to get it', async () => {
    const resolution = await resolveElectron({ packageDir: null, platform: 'linux', env: DISPLAY_ENV, download: mustNotDownload });
    expect(resolution.reason).toMatch(/electron package is not installed/);
  });
});

describe('npm start without a display', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    // start.mjs forwards SIGTERM to the host; the group kill is for a test that failed half-way.
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  test('falls back to the headless host, says why, and prints a URL that serves the app', async () => {
    const home = await mkdtemp(join(tmpdir(), 'maskpilot-start-home-'));
    temporary.push(home);
    await mkdir(home, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, MASKPILOT_HOME: home };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const started = spawn(process.execPath, [resolve(repoRoot, 'scripts/start.mjs')], {
      cwd: repoRoot,
      env,
      detached: true, // its own process group, so afterAll can end start.mjs and the host together
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /MaskPilot is serving .+ at (http:\/\/\S+)/.exec(output);
        if (match) resolveUrl(match[1]);
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.on('exit', (code) => reject(new Error(`start.mjs exited (${code}) before printing a URL:\n${output}`)));
    });
    expect(output).toContain('the desktop app cannot start here: there is no display');
    expect(output).toContain('starting the headless host instead');
    const status = await new Promise<number | undefined>((resolveStatus, reject) => {
      get(url, (response) => {
        response.resume();
        resolveStatus(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    const exited = new Promise((resolveExit) => started.on('exit', resolveExit));
    started.kill('SIGTERM');
    await exited;
  }, 180_000);
});
