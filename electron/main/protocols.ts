// The two custom protocols of the app. app:// serves the built renderer (so the page has a real,
// fixed origin, app://maskpilot, instead of file://, which would grant it every local file), with
// the CSP on every response. maskpilot-image:// serves images of the open folder only, each id
// checked lexically and by real path (image-request.ts) and required to be an image of the project.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { protocol } from 'electron';
import type { Session } from 'electron';
import { ApiError } from '../../shared/api/errors';
import { appAssetPath } from '../ipc/app-request';
import { APP_SCHEME, IMAGE_SCHEME } from '../ipc/channels';
import { resolveImageRequest } from '../ipc/image-request';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './content-security-policy';
import { errorResponse, imageResponse } from './image-response';
import type { ProjectSession } from './project-session';

/** Must run before app 'ready': standard + secure gives the schemes real origins and secure-context APIs. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

const ASSET_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export function handleAppProtocol(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    try {
      if (request.method !== 'GET') throw new ApiError('FORBIDDEN', `method ${request.method} is not served`);
      const relative = appAssetPath(request.url);
      const file = join(rendererDir, ...relative.split('/'));
      const bytes = await readFile(file).catch(() => {
        throw new ApiError('NOT_FOUND', `no such app file: ${relative}`);
      });
      return new Response(new Uint8Array(bytes), {
        status: 200,
        headers: {
          'Content-Type': ASSET_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-cache',
        },
      });
    } catch (error) {
      return errorResponse(error, APP_ORIGIN);
    }
  });
}

export function handleImageProtocol(session: Session, projects: ProjectSession): void {
  session.protocol.handle(IMAGE_SCHEME, async (request) => {
    try {
      if (request.method !== 'GET') throw new ApiError('FORBIDDEN', `method ${request.method} is not served`);
      const project = await projects.api();
      const folder = projects.folder;
      if (folder === null) throw new ApiError('NOT_FOUND', 'no folder is open');
      const { imageId, maxSide, file } = await resolveImageRequest(request.url, folder);
      // Inside the folder is necessary, not sufficient: only images of the project are served
      // (never its .maskpilot sidecars or other files that happen to be there).
      await project.resolveImageFile(imageId);
      return await imageResponse(file, maxSide, APP_ORIGIN);
    } catch (error) {
      return errorResponse(error, APP_ORIGIN);
    }
  });
}
