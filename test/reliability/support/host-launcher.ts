// Starts the headless host as a child process from a bundle of test/reliability/support/host-entry.ts,
// so a test can kill and restart it many times: a cold `node bin/maskpilot.mjs host` spends ~10 s
// compiling TypeScript on a loaded 2-core machine, the bundle ~1-4 s. The bundle lives under
// node_modules/.cache so its npm imports (sharp, ws) resolve from the repository.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../support/shared-data';

/** The line `maskpilot host` prints once it listens; the URL carries the token. */
const SERVING_LINE = /MaskPilot is serving (.+) at (http:\/\/\S+)/;

/** Bundles the host entry once per call (about a second); returns the bundle's path. */
export async function buildHostBundle(): Promise<string> {
  const directory = join(repoRoot, 'node_modules/.cache/maskpilot-reliability');
  await mkdir(directory, { recursive: true });
  const outfile = join(directory, `host-${process.pid}.mjs`);
  await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, 'test/reliability/support/host-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    // host-command resolves the bundled sample folder and the built renderer from its own path.
    define: { 'import.meta.url': JSON.stringify(`file://${join(repoRoot, 'electron/cli/host-command.ts')}`) },
  });
  return outfile;
}

export interface BundledHost {
  readonly child: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** Wall time from spawn to the serving line (ms). */
  readonly startMs: number;
  output(): string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, resolved with the exit code. */
  /** Sends SIGTERM; resolves with the exit code, or the signal name if a signal ended it. */
  stop(): Promise<number | string | null>;
}

export interface LaunchOptions {
  token: string;
  args?: string[];
  startTimeoutMs?: number;
}

export function spawnHost(bundle: string, folder: string, options: LaunchOptions): ChildProcess {
  return spawn(process.execPath, [bundle, folder, '--port', '0', '--token', options.token, '--no-model', ...(options.args ?? [])], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the exit code, or with the name of the signal that ended the process (e.g. 'SIGSEGV'). */
export function waitForExit(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

export async function killHard(child: ChildProcess): Promise<void> {
  const exited = waitForExit(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

export async function launchHost(bundle: string, folder: string, options: LaunchOptions): Promise<BundledHost> {
  const started = performance.now();
  const child = spawnHost(bundle, folder, options);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 90_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not serve within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = SERVING_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(match[2]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host exited (code ${code}, signal ${signal}) before serving; output:\n${output}`));
    });
  });
  const startMs = performance.now() - started;
  return {
    child,
    url,
    origin: new URL(url).origin,
    token: new URL(url).searchParams.get('token') ?? '',
    startMs,
    output: () => output,
    kill: () => killHard(child),
    async stop() {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
