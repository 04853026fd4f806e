// The host in-process against a fake service: routes, token checks, traversal refusals, images,
// the WebSocket API and events. The real service and a real child process are covered in test/.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ApiError } from '../../shared/api/errors';
import { connectApi, rawRequest } from '../../test/support/host';
import type { RawResponse } from '../../test/support/host';
import { startHost } from './start-host';
import type { RunningHost } from './start-host';
import { createFakeService } from './test-fake-service';
import type { FakeService } from './test-fake-service';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-FOLDER';

let base: string;
let folder: string;
let staticDir: string;
let service: FakeService;
let host: RunningHost;

function get(rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return rawRequest(`http://127.0.0.1:${host.port}`, rawPath, { headers, method });
}

const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${host.token}`;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-host-unit-'));
  folder = join(base, 'photos');
  staticDir = join(base, 'renderer');
  await mkdir(join(folder, 'street'), { recursive: true });
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  // 40x20 stored pixels with EXIF orientation 6 (rotate 90° clockwise): a person sees 20x40.
  await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c04020' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(join(folder, 'street', 'rotated cat.jpg'));
  await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } })
    .png()
    .toFile(join(folder, 'alpha.png'));
  await sharp({ create: { width: 30, height: 10, channels: 3, background: '#00ff00' } })
    .tiff()
    .toFile(join(folder, 'scan.tif'));
  await writeFile(join(base, 'secret.txt'), SECRET);
  await symlink(join(base, 'secret.txt'), join(folder, 'escape.jpg'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>MaskPilot</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  // The fake lists the escaping symlink as an image: the host must refuse it even if a service would not.
  service = createFakeService(folder, ['street/rotated cat.jpg', 'alpha.png', 'scan.tif', 'escape.jpg']);
  host = await startHost({ folder, service, staticDir, token: 'test-token-0123456789abcdef' });
});

afterAll(async () => {
  await host?.close();
  await rm(base, { recursive: true, force: true });
});

describe('token', () => {
  test.each(['/', '/index.html', '/assets/app.js', '/images/alpha.png', '/images/alpha.png?maxSide=10', '/api', '/favicon.ico'])(
    '%s without a token or with a wrong one is 401',
    async (path) => {
      expect((await get(path)).status).toBe(401);
      const separator = path.includes('?') ? '&' : '?';
      expect((await get(`${path}${separator}token=wrong-token-0123456789abcdef`)).status).toBe(401);
      expect((await get(path, { Authorization: 'Bearer wrong-token-0123456789abcdef' })).status).toBe(401);
      expect((await get(path, { Cookie: `maskpilot_token_${host.port}=wrong` })).status).toBe(401);
    },
  );

  test('the page loads with ?token=, sets an HttpOnly cookie, and the cookie then opens assets and images', async () => {
    const page = await get(withToken('/'));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^maskpilot_token_${host.port}=test-token-0123456789abcdef;`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const pair = cookie.split(';')[0];
    const asset = await get('/assets/app.js', { Cookie: pair });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.body.toString()).toBe('console.log("app");');
    expect((await get('/images/alpha.png', { Cookie: pair })).status).toBe(200);
  });

  test('a Bearer header works like the query parameter', async () => {
    expect((await get('/images/alpha.png', { Authorization: `Bearer ${host.token}` })).status).toBe(200);
  });

  test('the app page carries a CSP and every response carries nosniff and no-referrer', async () => {
    const page = await get(withToken('/'));
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).toContain("frame-ancestors 'none'");
    for (const response of [page, await get('/'), await get(withToken('/images/alpha.png'))]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  test('only GET and HEAD are served', async () => {
    expect((await get(withToken('/'), {}, 'POST')).status).toBe(405);
    expect((await get(withToken('/images/alpha.png'), {}, 'DELETE')).status).toBe(405);
    const head = await get(withToken('/images/alpha.png'), {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });
});

describe('paths', () => {
  test.each([
    '/images/../secret.txt',
    '/images/../../secret.txt',
    '/images/%2e%2e/secret.txt',
    '/images/%2E%2E/secret.txt',
    '/images/..%2fsecret.txt',
    '/images/%2e%2e%2fsecret.txt',
    '/images/street/..%2f..%2fsecret.txt',
    '/images/%252e%252e/secret.txt',
    '/images/%252e%252e%252fsecret.txt',
    '/images/..%5csecret.txt',
    '/images/..\\secret.txt',
    '/images/street%5c..%5c..%5csecret.txt',
    '/images/%2f' + encodeURIComponent('etc/passwd'),
    '/images//etc/passwd',
    `/images/${encodeURIComponent('/etc/passwd')}`,
    '/images/C:%5cWindows%5cwin.ini',
    '/images/C:/Windows/win.ini',
    '/images/alpha.png%00.txt',
    '/images/alpha.png%00',
    '/images/escape.jpg',
    '/images/escape.jpg?maxSide=10',
    '/images/%E0%A4%A',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '//etc/passwd',
  ])('%s is refused and never returns the file', async (path) => {
    const response = await get(withToken(path));
    expect([400, 403, 404]).toContain(response.status);
    expect(response.body.toString()).not.toContain(SECRET);
    expect(response.body.toString()).not.toContain('root:');
  });

  test('an absolute path in the URL of a real file outside the folder is refused', async () => {
    const response = await get(withToken(`/images/${encodeURIComponent(join(base, 'secret.txt'))}`));
    expect(response.status).toBe(403);
    expect(response.body.toString()).not.toContain(SECRET);
  });
});

describe('images', () => {
  test('the original is served as it is on disk with its content type and cache headers', async () => {
    const response = await get(withToken('/images/street/rotated%20cat.jpg'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.body.equals(await readFile(join(folder, 'street', 'rotated cat.jpg')))).toBe(true);
    expect(response.headers.etag).toBeTruthy();
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(response.headers['cache-control']).toContain('max-age');
    const again = await get(withToken('/images/street/rotated%20cat.jpg'), { 'If-None-Match': String(response.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  test('maxSide returns a downscaled JPEG with EXIF orientation applied', async () => {
    const response = await get(withToken('/images/street/rotated%20cat.jpg?maxSide=10'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(response.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 5, 10]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  test('maxSide keeps transparency as PNG, never enlarges, and differs in ETag from the original', async () => {
    const small = await get(withToken('/images/alpha.png?maxSide=150'));
    expect(small.headers['content-type']).toBe('image/png');
    const meta = await sharp(small.body).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([150, 100, true]);
    const big = await sharp((await get(withToken('/images/alpha.png?maxSide=4000'))).body).metadata();
    expect([big.width, big.height]).toEqual([300, 200]);
    const original = await get(withToken('/images/alpha.png'));
    expect(original.headers.etag).not.toBe(small.headers.etag);
  });

  test('a format browsers cannot show (TIFF) is converted, even without maxSide', async () => {
    const response = await get(withToken('/images/scan.tif'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(response.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 30, 10]);
  });

  test.each(['0', '-5', '1.5', 'abc', '99999'])('maxSide=%s is a 400', async (value) => {
    expect((await get(withToken(`/images/alpha.png?maxSide=${value}`))).status).toBe(400);
  });

  test('an image id the service does not know is 404', async () => {
    expect((await get(withToken('/images/nope.jpg'))).status).toBe(404);
  });
});

describe('WebSocket API', () => {
  function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => {
        socket.close();
        reject(new Error('the upgrade was accepted'));
      });
      socket.on('error', () => {});
    });
  }

  test('without the token, with a wrong one, or from another site the upgrade is refused', async () => {
    const api = `ws://127.0.0.1:${host.port}/api`;
    expect(await refusedStatus(api)).toBe(401);
    expect(await refusedStatus(`${api}?token=wrong-token-0123456789abcdef`)).toBe(401);
    expect(await refusedStatus(api, { Authorization: 'Bearer nope-nope-nope-nope-nope' })).toBe(401);
    expect(await refusedStatus(`${api}?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(`ws://127.0.0.1:${host.port}/other?token=${host.token}`)).toBe(404);
  });

  test('a refused upgrade gets its 401 and then the connection is closed by the host', async () => {
    const socket = connectTcp({ host: '127.0.0.1', port: host.port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write(
      'GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
  });

  test('calls reach the service and events reach every connected client', async () => {
    const first = await connectApi(host.url);
    const second = await connectApi(host.url);
    try {
      const seen: string[] = [];
      second.on('onDidChangeAnnotations', (payload) => seen.push(`${payload.imageId}@${payload.revision}`));
      expect(await first.getProject({})).toMatchObject({ name: 'fake', imageCount: 4 });
      const { revision } = await first.saveAnnotations({ imageId: 'alpha.png', instances: [] });
      await expect.poll(() => seen).toEqual([`alpha.png@${revision}`]);
      const error = await first.getImage({ imageId: 'missing.jpg' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('NOT_FOUND');
    } finally {
      first.close();
      second.close();
    }
  });

  test('a frame over the size bound closes that connection and rejects its pending call', async () => {
    const small = await startHost({ folder, service, staticDir, maxMessageBytes: 4096, log: () => {} });
    try {
      const client = await connectApi(small.url);
      const error = await client.importCoco({ json: 'x'.repeat(10_000) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('DISCONNECTED');
      expect((error as ApiError).message).toContain('1009');
      client.close();
    } finally {
      await small.close();
    }
  });

  test('one client cannot pile up unbounded work: at most 32 of its calls run at once, all finish', async () => {
    const slow = createFakeService(folder, ['alpha.png']);
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    slow.getModelStatus = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((release) => gates.push(release));
      running -= 1;
      return { backend: 'none', backendNotes: [], modelVersion: null, lastLatencyMs: null, ready: false };
    };
    const limited = await startHost({ folder, service: slow, staticDir });
    const client = await connectApi(limited.url);
    try {
      const calls = Array.from({ length: 100 }, () => client.getModelStatus({}));
      const settled = Promise.allSettled(calls);
      await expect.poll(() => running).toBe(32);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(running).toBe(32);
      // Release in waves; paused frames are read again as replies go out.
      while (gates.length > 0 || running > 0) {
        for (const release of gates.splice(0)) release();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const outcomes = await settled;
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(100);
      expect(peak).toBe(32);
    } finally {
      client.close();
      await limited.close();
    }
  });

  test('a frame that is not a request closes the connection as a protocol violation', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    socket.send('{"hello":"world"}');
    expect(await closed).toBe(1008);
  });
});

describe('binding and lifecycle', () => {
  test('a non-loopback address is refused without allowRemote', async () => {
    const error = await startHost({ folder, service, staticDir, host: '0.0.0.0' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toContain('--allow-remote');
  });

  test('with allowRemote it binds and logs a warning; the URL still points at loopback', async () => {
    const lines: string[] = [];
    const remote = await startHost({ folder, service, staticDir, host: '0.0.0.0', allowRemote: true, log: (line) => lines.push(line) });
    try {
      expect(lines.join('\n')).toMatch(/WARNING: binding to 0\.0\.0\.0/);
      expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    } finally {
      await remote.close();
    }
  });

  test('without a service it opens the folder itself with the real project service', async () => {
    const own = await startHost({ folder, staticDir });
    const client = await connectApi(own.url);
    try {
      const { images } = await client.listImages({ offset: 0, limit: 10 });
      expect(images.map((image) => image.id)).toContain('alpha.png');
      const thumbnail = await rawRequest(new URL(own.url).origin, `/images/alpha.png?maxSide=20&token=${own.token}`);
      expect(thumbnail.status).toBe(200);
      expect((await sharp(thumbnail.body).metadata()).width).toBe(20);
    } finally {
      client.close();
      await own.close();
    }
  });

  test('a weak fixed token is refused', async () => {
    await expect(startHost({ folder, service, staticDir, token: 'short' })).rejects.toThrow(/16 to 256/);
  });

  test('without a built renderer the page explains how to build it', async () => {
    const bare = await startHost({ folder, service, staticDir: join(base, 'not-built') });
    try {
      const response = await rawRequest(`http://127.0.0.1:${bare.port}`, `/?token=${bare.token}`);
      expect(response.status).toBe(503);
      expect(response.body.toString()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });

  test('close() drops WebSocket clients and frees the port; a service passed in is not closed', async () => {
    const own = await startHost({ folder, service, staticDir });
    const client = await connectApi(own.url);
    const dropped = new Promise<number>((resolve) => client.socket.once('close', (code: number) => resolve(code)));
    await own.close();
    expect(await dropped).toBe(1001);
    expect(service.closed).toBe(false);
    const refused = await fetch(`http://127.0.0.1:${own.port}/`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).toBe('refused');
  });
});
