// The browser client against a real in-process host (fake service), with the `ws` package standing
// in for the browser's WebSocket: connecting, image URLs, drops, reconnects and resumed events.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ApiError } from '../../../shared/api/errors';
import { startHost } from '../../../electron/host/start-host';
import type { RunningHost } from '../../../electron/host/start-host';
import { createFakeService } from '../../../electron/host/test-fake-service';
import type { FakeService } from '../../../electron/host/test-fake-service';
import type { AppClient } from './app-client';
import { createBrowserClient } from './browser-client';
import { hostImageUrl } from './image-url';
import type { WebSocketLike } from './reconnecting-socket';

const TOKEN = 'browser-client-test-token-0123';
let base: string;
let service: FakeService;
let host: RunningHost;
const clients: AppClient[] = [];

const createSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;
const fast = { createSocket, initialDelayMs: 20, maxDelayMs: 200 };

function pageAt(port: number, search = `?token=${TOKEN}`) {
  return { protocol: 'http:', host: `127.0.0.1:${port}`, search };
}

async function connect(search?: string, connectTimeoutMs = 5000): Promise<AppClient> {
  const client = await createBrowserClient({ location: pageAt(host.port, search), socket: fast, connectTimeoutMs });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-client-'));
  service = createFakeService(base, ['a.jpg', 'street/b c.jpg']);
  host = await startHost({ folder: base, service, token: TOKEN, staticDir: join(base, 'no-ui') });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await host.close();
  await rm(base, { recursive: true, force: true });
});

describe('hostImageUrl', () => {
  test('encodes each path segment, keeps the separators, adds token and maxSide', () => {
    expect(hostImageUrl('street/b c#1?.jpg', 'tok', { maxSide: 256 })).toBe('/images/street/b%20c%231%3F.jpg?token=tok&maxSide=256');
    expect(hostImageUrl('a.jpg', null)).toBe('/images/a.jpg');
    expect(hostImageUrl('x/../y.jpg', 't')).toBe('/images/x/../y.jpg?token=t');
  });
});

describe('createBrowserClient', () => {
  test('connects with the page token and calls the API', async () => {
    const client = await connect();
    expect(client.transport).toBe('websocket');
    expect(client.connectionState()).toBe('open');
    expect(await client.getProject({})).toMatchObject({ name: 'fake', imageCount: 2 });
    expect(client.imageUrl('street/b c.jpg', { maxSide: 64 })).toBe(`/images/street/b%20c.jpg?token=${TOKEN}&maxSide=64`);
  });

  test('an image URL it builds is served by the host', async () => {
    const client = await connect();
    const url = client.imageUrl('a.jpg');
    const response = await fetch(`http://127.0.0.1:${host.port}${url}`);
    // a.jpg does not exist on disk: the host got past the token and the path checks to the file lookup.
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('no such image');
  });

  test('without a valid token it rejects at once, saying the host refuses the token, without printing it', async () => {
    const started = Date.now();
    const error = await connect('?token=wrong-token-wrong-token', 5000).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(4000); // told by the host's 401, not by the timeout
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('UNAUTHORIZED');
    expect((error as ApiError).message).toContain('does not accept this page');
    expect((error as ApiError).message).not.toContain('wrong-token-wrong-token');
  });

  test('after a restart with a new token the old page ends in "refused" instead of reconnecting forever', async () => {
    const client = await connect();
    const port = host.port;
    await host.close();
    await expect.poll(() => client.connectionState()).toBe('reconnecting');
    host = await startHost({ folder: base, service, token: 'another-token-0123456789', port, staticDir: join(base, 'no-ui') });
    await expect.poll(() => client.connectionState(), { timeout: 8000 }).toBe('refused');
    const error = await client.getProject({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    // Put the usual host back for the tests after this one.
    await host.close();
    host = await startHost({ folder: base, service, token: TOKEN, port, staticDir: join(base, 'no-ui') });
  });

  test('after the host restarts, the client reconnects by itself and events resume', async () => {
    const client = await connect();
    const states: string[] = [];
    client.onConnectionChange((state) => states.push(state));
    const seen: string[] = [];
    client.on('onDidChangeAnnotations', ({ imageId, revision }) => seen.push(`${imageId}@${revision}`));

    // A call in flight when the host dies is rejected, not left hanging.
    service.getProject = () => new Promise(() => {});
    const inFlight = client.getProject({}).catch((caught: unknown) => caught);
    await host.close();
    const dropped = await inFlight;
    expect(dropped).toBeInstanceOf(ApiError);
    expect((dropped as ApiError).code).toBe('DISCONNECTED');
    expect((dropped as ApiError).message).toContain('getProject');

    const fresh = createFakeService(base, ['a.jpg']);
    host = await startHost({ folder: base, service: fresh, token: TOKEN, port: host.port, staticDir: join(base, 'no-ui') });
    await expect.poll(() => client.connectionState(), { timeout: 5000 }).toBe('open');
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');

    await client.saveAnnotations({ imageId: 'a.jpg', instances: [] });
    await expect.poll(() => seen).toEqual(['a.jpg@1']);
    service = fresh;
  });

  test('calls made while reconnecting wait for the connection instead of failing', async () => {
    const client = await connect();
    const port = host.port;
    await host.close();
    await expect.poll(() => client.connectionState()).toBe('reconnecting');
    host = await startHost({ folder: base, service, token: TOKEN, port, staticDir: join(base, 'no-ui') });
    // Issued at once: either queued until open or sent on the new socket; both must succeed.
    await expect.poll(() => client.getModelStatus({}).then((status) => status.backend), { timeout: 5000 }).toBe('none');
  });

  test('close() stops reconnecting and rejects later calls', async () => {
    const client = await connect();
    client.close();
    expect(client.connectionState()).toBe('closed');
    const error = await client.getProject({}).catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe('DISCONNECTED');
  });
});
