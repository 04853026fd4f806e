// Serves the built renderer (dist/renderer): the app page and its hashed assets, nothing else.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { resolveInsideFolder } from '../services/safe-path';
import { appPageContentSecurityPolicy, sendHtmlError } from './http-responses';
import { decodeRelativePath } from './url-path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface AppPageOptions {
  /** Absolute path of the built renderer. */
  staticDir: string;
  /** Extra headers for the app page only (the auth cookie). */
  pageHeaders: Record<string, string>;
}

/**
 * Serves `rawPath` ("/", "/assets/index-abc.js") from the built renderer. Throws ApiError
 * (FORBIDDEN / NOT_FOUND) for the router to turn into a status code.
 */
export async function serveAppFile(request: IncomingMessage, response: ServerResponse, rawPath: string, options: AppPageOptions): Promise<void> {
  const isPage = rawPath === '/' || rawPath === '/index.html';
  if (isPage && !(await isFile(join(options.staticDir, 'index.html')))) {
    sendHtmlError(
      response,
      503,
      'MaskPilot UI is not built',
      `The headless host serves the built page from <code>dist/renderer</code>, which is missing. Run <code>npm run build</code> in the MaskPilot folder, then reload.`,
    );
    return;
  }
  const relative = isPage ? 'index.html' : decodeRelativePath(rawPath.slice(1));
  const file = await resolveInsideFolder(options.staticDir, relative);
  const info = await stat(file);
  if (!info.isFile()) throw new ApiError('NOT_FOUND', 'not a file');

  response.setHeader('Content-Type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  response.setHeader('Content-Length', String(info.size));
  if (isPage || extname(file) === '.html') {
    response.setHeader('Content-Security-Policy', appPageContentSecurityPolicy());
    response.setHeader('Cache-Control', 'no-cache');
    for (const [name, value] of Object.entries(options.pageHeaders)) response.setHeader(name, value);
  } else if (relative.startsWith('assets/')) {
    // Vite puts a content hash in every asset name: a new build means new names.
    response.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  } else {
    response.setHeader('Cache-Control', 'no-cache');
  }
  await streamFile(request, response, file);
}

/** Pipes a file to the response; a read error mid-way aborts the response instead of hanging it. */
export function streamFile(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
  if (request.method === 'HEAD') {
    response.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      response.destroy();
      resolve();
    });
    response.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(response);
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
