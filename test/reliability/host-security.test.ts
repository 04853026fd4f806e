// Host security beyond the existing host tests (electron/host/start-host.test.ts against a fake
// service, test/host.e2e.test.ts against the real CLI): here the running host process with the
// real project service is swept with every route x every way of presenting a bad credential, the
// WebSocket's variants, traversal through the URL *and* through the API's image ids (a save must
// never write outside the folder), the sidecar folder, symlink loops, and the CLI's bind rules
// for IPv6 and named addresses.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ApiError } from '../../shared/api/errors';
import { connectApi, rawRequest } from '../support/host';
import { buildHostBundle, launchHost, spawnHost, waitForExit } from './support/host-launcher';
import type { BundledHost } from './support/host-launcher';

const TOKEN = 'security-sweep-token-0123456789abcdef';
const SECRET = 'SECRET-OUTSIDE-THE-FOLDER-42';

let base: string;
let folder: string;
let bundle: string;
let host: BundledHost;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-security-'));
  folder = join(base, 'photos');
  await mkdir(join(folder, 'sub'), { recursive: true });
  await sharp({ create: { width: 32, height: 24, channels: 3, background: '#208040' } }).jpeg().toFile(join(folder, 'photo.jpg'));
  await sharp({ create: { width: 32, height: 24, channels: 3, background: '#802040' } }).png().toFile(join(folder, 'sub', 'inner.png'));
  await writeFile(join(base, 'secret.txt'), SECRET);
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } }).jpeg().toFile(join(base, 'outside.jpg'));
  await symlink(join(base, 'outside.jpg'), join(folder, 'link-out.jpg'));
  await symlink(base, join(folder, 'parent-link'));
  await symlink(join(folder, 'loop'), join(folder, 'loop')); // a link to itself
  await symlink('.', join(folder, 'sub', 'self')); // a directory loop
  bundle = await buildHostBundle();
  host = await launchHost(bundle, folder, { token: TOKEN });
  // Something in the sidecar folder to try to read.
  const api = await connectApi(host.url);
  await api.saveCategory({ name: SECRET });
  api.close();
});

afterAll(async () => {
  await host?.kill();
  if (bundle) await rm(bundle, { force: true });
  if (base) await rm(base, { recursive: true, force: true });
});

const ROUTES = ['/', '/index.html', '/assets/', '/images/photo.jpg', '/images/photo.jpg?maxSide=8', '/images/sub/inner.png', '/api', '/favicon.ico', '/nope'];

/** Ways of presenting a token that is not the token. */
function badCredentials(port: number): { name: string; query: string; headers: Record<string, string> }[] {
  return [
    { name: 'none', query: '', headers: {} },
    { name: 'empty query token', query: 'token=', headers: {} },
    { name: 'wrong query token', query: 'token=wrong-token-0123456789abcdef', headers: {} },
    { name: 'token prefix', query: `token=${TOKEN.slice(0, -1)}`, headers: {} },
    { name: 'token plus a character', query: `token=${TOKEN}x`, headers: {} },
    { name: 'token in upper case', query: `token=${TOKEN.toUpperCase()}`, headers: {} },
    { name: 'token under another parameter name', query: `Token=${TOKEN}&access_token=${TOKEN}`, headers: {} },
    { name: 'wrong Bearer', query: '', headers: { Authorization: 'Bearer wrong-token-0123456789abcdef' } },
    { name: 'Basic with the token as password', query: '', headers: { Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` } },
    { name: 'cookie of another port', query: '', headers: { Cookie: `maskpilot_token_${port + 1}=${TOKEN}` } },
    { name: 'wrong cookie', query: '', headers: { Cookie: `maskpilot_token_${port}=wrong` } },
    { name: 'token in a custom header', query: '', headers: { 'X-Token': TOKEN } },
  ];
}

describe('without the token', () => {
  test('every route refuses every bad credential with 401 and leaks nothing', { timeout: 120_000 }, async () => {
    const port = Number(new URL(host.origin).port);
    for (const route of ROUTES) {
      for (const credential of badCredentials(port)) {
        for (const method of ['GET', 'HEAD']) {
          const separator = route.includes('?') ? '&' : '?';
          const path = credential.query ? `${route}${separator}${credential.query}` : route;
          const response = await rawRequest(host.origin, path, { method, headers: credential.headers });
          expect(response.status, `${method} ${route} with ${credential.name}`).toBe(401);
          expect(response.headers['set-cookie'], `${route} with ${credential.name}`).toBeUndefined();
          expect(String(response.headers['content-type'] ?? '')).not.toMatch(/^image\//);
        }
      }
      // Control: the same route with the token is not refused for want of it.
      const separator = route.includes('?') ? '&' : '?';
      expect((await rawRequest(host.origin, `${route}${separator}token=${TOKEN}`)).status, `${route} with the token`).not.toBe(401);
      expect((await rawRequest(host.origin, route, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).not.toBe(401);
    }
  });

  test('the WebSocket refuses every bad credential, other paths and other origins; nothing is answered', { timeout: 120_000 }, async () => {
    const port = Number(new URL(host.origin).port);
    const attempt = (path: string, headers: Record<string, string>) =>
      new Promise<number | 'open'>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
        socket.on('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.on('open', () => {
          resolve('open');
          socket.close();
        });
        socket.on('error', () => resolve(0));
      });
    for (const credential of badCredentials(port)) {
      const path = credential.query ? `/api?${credential.query}` : '/api';
      expect(await attempt(path, credential.headers), credential.name).toBe(401);
    }
    expect(await attempt(`/api/?token=${TOKEN}`, {})).toBe(404);
    expect(await attempt(`/API?token=${TOKEN}`, {})).toBe(404);
    expect(await attempt(`/images/photo.jpg?token=${TOKEN}`, {})).toBe(404);
    expect(await attempt(`/api?token=${TOKEN}`, { Origin: 'http://127.0.0.1.evil.example' })).toBe(403);
    expect(await attempt(`/api?token=${TOKEN}`, { Origin: 'null' })).toBe(403);
    expect(await attempt(`/api?token=${TOKEN}`, {})).toBe('open');
  });
});

describe('path confinement', () => {
  const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${TOKEN}`;

  test.each([
    '/images/..%255csecret.txt',
    '/images/%2e%2e%5csecret.txt',
    '/images/%5c%5cserver%5cshare%5csecret.txt',
    '/images/\\\\server\\share\\secret.txt',
    '/images/%EF%BC%8E%EF%BC%8E/secret.txt',
    '/images/..;/secret.txt',
    '/images/..../secret.txt',
    '/images/sub/../../secret.txt',
    '/images/sub/%2e%2e/%2e%2e/secret.txt',
    '/images/parent-link/secret.txt',
    '/images/parent-link/outside.jpg',
    '/images/parent-link/outside.jpg?maxSide=8',
    '/images/link-out.jpg',
    '/images/link-out.jpg?maxSide=8',
    '/images/loop',
    '/images/sub/self/self/self/inner.png',
    '/images/.maskpilot/project.json',
    '/images/.maskpilot/index.json',
    '/images/%2emaskpilot/project.json',
    '/images/photo.jpg/..%2f..%2fsecret.txt',
    '/images/C%3a%5cWindows%5cwin.ini',
    '/images/file%3a%2f%2f%2fetc%2fpasswd',
  ])('%s is refused and never returns what is outside the images', async (path) => {
    const response = await rawRequest(host.origin, withToken(path));
    expect([400, 403, 404]).toContain(response.status);
    const body = response.body.toString('latin1');
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('root:');
    expect(String(response.headers['content-type'])).not.toMatch(/^image\//);
  });

  test('image ids sent through the API cannot reach outside the folder, and a save never writes there', { timeout: 120_000 }, async () => {
    const api = await connectApi(host.url);
    const outsideBefore = readdirSync(base).sort();
    try {
      const hostile = [
        '../secret.txt',
        '../outside.jpg',
        `${base}/outside.jpg`,
        '/etc/passwd',
        '..\\secret.txt',
        'C:\\Windows\\win.ini',
        'sub/../../secret.txt',
        'parent-link/outside.jpg',
        'link-out.jpg',
        '.maskpilot/project.json',
        'photo.jpg\u0000.png',
        '',
      ];
      for (const imageId of hostile) {
        for (const call of [
          () => api.getImage({ imageId }),
          () => api.getAnnotations({ imageId }),
          () => api.saveAnnotations({ imageId, instances: [] }),
          () => api.propose({ imageId }),
        ]) {
          const error = await call().then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error, JSON.stringify(imageId)).toBeInstanceOf(ApiError);
          expect(['NOT_FOUND', 'FORBIDDEN', 'INVALID_ARGUMENT', 'MODEL_UNAVAILABLE'], `${JSON.stringify(imageId)}: ${(error as ApiError).message}`).toContain(
            (error as ApiError).code,
          );
          expect((error as ApiError).message).not.toContain(SECRET);
        }
      }
      // The listed images are exactly those inside the folder (no link out, no loop, no sidecar).
      const listed = (await api.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id);
      expect(listed.filter((id) => id.startsWith('.maskpilot') || id.startsWith('parent-link') || id === 'loop')).toEqual([]);
      expect(listed).toContain('photo.jpg');
    } finally {
      api.close();
    }
    expect(readdirSync(base).sort()).toEqual(outsideBefore);
    expect(existsSync(join(base, '.maskpilot'))).toBe(false);
    expect((await readdir(join(folder, '.maskpilot', 'annotations'))).filter((name) => !name.startsWith('.'))).toEqual([]);
  });
});

describe('binding (CLI)', () => {
  async function refusal(bind: string): Promise<{ code: number | string | null; output: string }> {
    const child = spawnHost(bundle, folder, { token: TOKEN, args: ['--bind', bind] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await waitForExit(child);
    clearTimeout(timer);
    return { code, output };
  }

  test.each(['::', '0.0.0.0', '192.0.2.10', '::ffff:192.0.2.10', 'example.com', '127.0.0.1.nip.io'])(
    '--bind %s without --allow-remote is refused before listening, naming the flag',
    { timeout: 90_000 },
    async (bind) => {
      const { code, output } = await refusal(bind);
      expect(code).not.toBe(0);
      expect(output).toContain('--allow-remote');
      expect(output).not.toContain('MaskPilot is serving');
    },
  );

  test.each(['::1', 'localhost', '127.0.0.2'])('--bind %s (loopback) serves without a warning', { timeout: 90_000 }, async (bind) => {
    const local = await launchHost(bundle, folder, { token: TOKEN, args: ['--bind', bind] });
    try {
      expect(local.output()).not.toMatch(/WARNING/);
      expect(local.url).toMatch(/^http:\/\/(localhost|127\.0\.0\.2|\[::1\]):\d+\//);
    } finally {
      expect(await local.stop()).toBe(0);
    }
  });

  test('--bind :: --allow-remote listens on every interface and prints the warning', { timeout: 90_000 }, async () => {
    const remote = await launchHost(bundle, folder, { token: TOKEN, args: ['--bind', '::', '--allow-remote'] });
    try {
      expect(remote.output()).toMatch(/WARNING: binding to ::/);
      expect((await rawRequest(remote.origin, '/')).status).toBe(401);
    } finally {
      expect(await remote.stop()).toBe(0);
    }
  });
});
