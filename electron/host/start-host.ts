// The headless host: the built renderer over HTTP and the API over WebSocket, for one opened
// folder, behind one token. Loopback only unless the caller explicitly allows remote clients.
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ApiError, httpStatusOf, serializeError } from '../../shared/api/errors';
import { createApiSocketServer } from './api-socket';
import { assertUsableToken, authorizeRequest, cookieNameFor, generateToken, tokenCookie } from './auth';
import { isLoopbackAddress, urlHostFor } from './bind-address';
import type { HostService } from './host-service';
import { sendText, setCommonSecurityHeaders } from './http-responses';
import { serveImage } from './image-route';
import { serveAppFile } from './static-files';
import { decodeRelativePath, parseRequestTarget } from './url-path';

export const DEFAULT_STATIC_DIR = resolve(fileURLToPath(import.meta.url), '../../../dist/renderer');

export interface HostOptions {
  /** The photo folder to serve. */
  folder: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Address to bind; anything but loopback needs `allowRemote`. */
  host?: string;
  allowRemote?: boolean;
  /** Fixed token (16+ URL-safe characters); a random one otherwise. */
  token?: string;
  /** The project service; when omitted the host opens `folder` itself (and closes it on close()). */
  service?: HostService;
  /** The built renderer. */
  staticDir?: string;
  /** Frames larger than this close the WebSocket (bytes). Default 64 MiB (COCO imports travel as text). */
  maxMessageBytes?: number;
  /** Where warnings and internal errors go; defaults to stderr. */
  log?: (line: string) => void;
}

export interface RunningHost {
  /** The URL to open, token included: http://127.0.0.1:PORT/?token=... */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!isLoopbackAddress(host)) {
    if (!options.allowRemote) {
      throw new ApiError(
        'FORBIDDEN',
        `refusing to bind to ${host}: it is not a loopback address, so other machines could reach the host. Pass --allow-remote (allowRemote) if you mean it.`,
      );
    }
    log(`WARNING: binding to ${host}: anyone who can reach this address and has the token can read the folder's photos and change its annotations. Traffic is not encrypted.`);
  }
  const token = options.token ?? generateToken();
  assertUsableToken(token);

  const realFolder = await realpath(options.folder).catch(() => {
    throw new ApiError('NOT_FOUND', `folder not found: ${options.folder}`);
  });
  const ownsService = options.service === undefined;
  const service = options.service ?? (await openOwnService(realFolder));
  const staticDir = resolve(options.staticDir ?? DEFAULT_STATIC_DIR);

  const sockets = createApiSocketServer({
    service,
    maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
    maxBufferedBytes: 32 * 1024 * 1024,
    maxInFlightPerClient: 32,
    heartbeatSeconds: 30,
    onInternalError: (method, error) => log(`internal error in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });

  let cookieName = '';
  const server = createServer((request, response) => {
    void handleHttp(request, response).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      sendText(response, 500, 'internal error');
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setCommonSecurityHeaders(response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(response, 405, 'method not allowed');
      return;
    }
    try {
      const { rawPath, url } = parseRequestTarget(request.url);
      const source = authorizeRequest(request, url, token, cookieName);
      if (source === null) {
        response.setHeader('WWW-Authenticate', 'Bearer realm="maskpilot"');
        sendText(response, 401, 'MaskPilot: missing or wrong token. Open the URL printed by `maskpilot host` (it ends in ?token=...).');
        return;
      }
      if (rawPath === '/api') {
        sendText(response, 426, 'the API speaks WebSocket at /api');
      } else if (rawPath.startsWith('/images/')) {
        const imageId = decodeRelativePath(rawPath.slice('/images/'.length));
        await serveImage(request, response, imageId, url.searchParams.get('maxSide'), {
          realFolder,
          resolveImageFile: (id) => service.resolveImageFile(id),
          problemOf: (id) => service.getImage({ imageId: id }).then((image) => image.problem, () => undefined),
        });
      } else if (rawPath === '/favicon.ico' && !existsSync(join(staticDir, 'favicon.ico'))) {
        // Browsers ask for it unprompted; an empty answer keeps a 404 out of the page's console.
        response.statusCode = 204;
        response.end();
      } else {
        await serveAppFile(request, response, rawPath, { staticDir, pageHeaders: { 'Set-Cookie': tokenCookie(cookieName, token) } });
      }
    } catch (error) {
      const { code, message } = serializeError(error);
      if (code === 'INTERNAL' || code === 'IO_ERROR') log(`request for ${(request.url ?? '?').split('?')[0]} failed: ${message}`); // never log the query: it holds the token
      // Plain text with nosniff: an image id echoed in a message can never run as HTML.
      sendText(response, httpStatusOf(code), `${code}: ${message}`);
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      // Answer, then destroy the socket once the answer is flushed: no WebSocket, no keep-alive.
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`, () =>
        socket.destroy(),
      );
    };
    let target: ReturnType<typeof parseRequestTarget>;
    try {
      target = parseRequestTarget(request.url);
    } catch {
      refuse(400, 'Bad Request');
      return;
    }
    if (target.rawPath !== '/api') return refuse(404, 'Not Found');
    if (authorizeRequest(request, target.url, token, cookieName) === null) return refuse(401, 'Unauthorized');
    // A page on another site may not drive the API with this browser's cookie (cross-site WebSocket hijacking).
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}` && origin !== `https://${request.headers.host ?? ''}`) {
      return refuse(403, 'Forbidden');
    }
    sockets.accept(request, socket, head);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch(async (error: unknown) => {
    await sockets.close();
    if (ownsService) await service.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  cookieName = cookieNameFor(port);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHostFor(host)}:${port}/?token=${token}`,
    token,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        await sockets.close();
        server.closeAllConnections();
        await stopped;
        if (ownsService) await service.close();
      })();
      return closing;
    },
  };
}

/** Opens the folder with the project service (loaded lazily so hosts given a service never load it). */
async function openOwnService(folder: string): Promise<HostService> {
  const { openProject } = await import('../services/project');
  return openProject(folder);
}
