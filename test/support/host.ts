// Test support for the headless host: run it as a real child process (so tests can SIGKILL it
// mid-flight), copy a photo folder to a temp dir, and talk to its API from Node over WebSocket.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import WebSocket from 'ws';
import { createRpcClient } from '../../shared/api/rpc-client';
import type { MessageTransport, RpcClient } from '../../shared/api/rpc-client';
import { repoRoot } from './shared-data';

export const cliEntry = resolve(repoRoot, 'bin/maskpilot.mjs');

/** The line `maskpilot host` prints once it listens; the URL carries the token. */
const SERVING_LINE = /MaskPilot is serving (.+) at (http:\/\/\S+)/;

export interface HostProcessOptions {
  /** Port to bind; 0 (default) picks a free one. restart() reuses the port it got. */
  port?: number;
  /** Fixed token; by default the host makes one and restart() reuses it. */
  token?: string;
  /** More CLI arguments, e.g. ['--no-model']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the serving line (ms); tsx compiles the sources on a cold start. */
  startTimeoutMs?: number;
}

export interface HostProcess {
  readonly folder: string;
  /** Page URL with the token, e.g. http://127.0.0.1:41234/?token=... */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGKILL: no chance to flush or clean up, like a crash or power cut. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a graceful exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Kills the current process (SIGKILL) and starts a new one on the same folder, port and token. */
  restart(): Promise<void>;
}

export async function startHostProcess(folder: string, options: HostProcessOptions = {}): Promise<HostProcess> {
  let current = await launch(folder, options.port ?? 0, options.token, options);
  const handle: HostProcess = {
    folder,
    get url() {
      return current.url;
    },
    get origin() {
      return new URL(current.url).origin;
    },
    get token() {
      return current.token;
    },
    get port() {
      return current.port;
    },
    get pid() {
      return current.child.pid ?? -1;
    },
    output: () => current.output(),
    kill: () => killHard(current.child),
    async stop() {
      if (current.child.exitCode !== null || current.child.signalCode !== null) return current.child.exitCode;
      const exited = waitForExit(current.child);
      current.child.kill('SIGTERM');
      return exited;
    },
    async restart() {
      await killHard(current.child);
      current = await launch(folder, current.port, current.token, options);
    },
  };
  return handle;
}

interface Launched {
  child: ChildProcess;
  url: string;
  token: string;
  port: number;
  output(): string;
}

async function launch(folder: string, port: number, token: string | undefined, options: HostProcessOptions): Promise<Launched> {
  const args = [cliEntry, 'host', folder, '--port', String(port), ...(token ? [`--token=${token}`] : []), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectUrl(new Error(`host did not print its URL within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = SERVING_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolveUrl(match[2]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rejectUrl(new Error(`host exited (code ${code}, signal ${signal}) before serving; output:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return { child, url, token: parsed.searchParams.get('token') ?? '', port: Number(parsed.port), output: () => output };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = waitForExit(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

/** A private copy of `source` as <tmp>/<prefix>XXXXXX/photos, so tests can write sidecars freely. Remove it with removeTempFolder. */
export async function copyFolderToTemp(source: string, prefix = 'maskpilot-host-'): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), prefix));
  const target = join(base, 'photos');
  await cp(source, target, { recursive: true });
  return target;
}

/** Removes a folder made by copyFolderToTemp (its temp parent included); refuses anything else. */
export async function removeTempFolder(folder: string): Promise<void> {
  const parent = resolve(folder, '..');
  if (dirname(parent) !== resolve(tmpdir()) || basename(folder) !== 'photos') {
    throw new Error(`refusing to remove ${parent}: not a folder made by copyFolderToTemp`);
  }
  await rm(parent, { recursive: true, force: true });
}

/** The host's WebSocket URL for a page URL (same host, /api, same token). */
export function apiUrlFor(pageUrl: string): string {
  const page = new URL(pageUrl);
  return `ws://${page.host}/api?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`;
}

/** Opens a WebSocket to the host's API and wraps it in the typed client. Rejects if the upgrade is refused. */
export async function connectApi(pageUrl: string): Promise<RpcClient & { socket: WebSocket }> {
  const socket = new WebSocket(apiUrlFor(pageUrl));
  await new Promise<void>((resolveOpen, rejectOpen) => {
    socket.once('open', () => resolveOpen());
    socket.once('unexpected-response', (_request, response) => rejectOpen(new Error(`WebSocket refused: HTTP ${response.statusCode}`)));
    socket.once('error', rejectOpen);
  });
  const transport: MessageTransport = {
    send: (text) => socket.send(text),
    onMessage: (listener) => socket.on('message', (data: Buffer) => listener(data.toString('utf8'))),
    onClose: (listener) => socket.on('close', (code: number, reason: Buffer) => listener(`WebSocket closed ${code} ${reason.toString()}`.trim())),
    close: () => socket.close(),
  };
  return Object.assign(createRpcClient(transport), { socket });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request with the path sent byte for byte. fetch() would normalise '..' and '%2e%2e'
 * away before sending, which would hide exactly what traversal tests need to send.
 */
export function rawRequest(origin: string, rawPath: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolveResponse, rejectResponse) => {
    const request = httpRequest({ host: hostname, port: Number(port), path: rawPath, method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolveResponse({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', rejectResponse);
    request.end();
  });
}

/**
 * Request targets that try to leave the folder: '..' plain, percent-encoded, double-encoded,
 * with encoded slashes, backslashes and Windows paths, absolute paths and NUL bytes. `name` is a
 * file that exists one level above the folder (e.g. a secret planted by the test).
 */
export function traversalPaths(name: string, absoluteOutside: string): string[] {
  const encodedName = encodeURIComponent(name);
  return [
    `/images/../${encodedName}`,
    `/images/%2e%2e/${encodedName}`,
    `/images/%2E%2E/${encodedName}`,
    `/images/.%2e/${encodedName}`,
    `/images/..%2f${encodedName}`,
    `/images/%2e%2e%2f${encodedName}`,
    `/images/%252e%252e/${encodedName}`,
    `/images/%252e%252e%252f${encodedName}`,
    `/images/..%5c${encodedName}`,
    `/images/..\\${encodedName}`,
    `/images/%c0%ae%c0%ae/${encodedName}`,
    `/images/${encodeURIComponent(absoluteOutside)}`,
    `/images/${absoluteOutside}`,
    `/images//${absoluteOutside}`,
    '/images/C:%5cWindows%5cwin.ini',
    '/images/C:/Windows/win.ini',
    `/images/${encodedName}%00.jpg`,
    `/../${encodedName}`,
    `/%2e%2e/${encodedName}`,
    `/assets/../../${encodedName}`,
    `/assets/%2e%2e/%2e%2e/${encodedName}`,
    `/${encodeURIComponent(absoluteOutside)}`,
  ];
}
