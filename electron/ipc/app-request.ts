// From an app:// request URL to a file of the built renderer (dist/renderer). Each path segment is
// decoded on its own and must stay one segment (no encoded '/' or '\'); the result then passes the
// lexical check of safe-path. The renderer folder is the app's own bundle (inside app.asar when
// packaged, where realpath is not available), so the lexical check is the guard here.
import { ApiError } from '../../shared/api/errors';
import { splitRelativePath } from '../services/safe-path';
import { APP_HOST, APP_SCHEME } from './channels';

/** Project-relative POSIX path of the requested renderer file; "/" means index.html. */
export function appAssetPath(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'malformed app URL', { url });
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname.toLowerCase() !== APP_HOST || parsed.port !== '' || parsed.username !== '') {
    throw new ApiError('FORBIDDEN', 'not a URL of the app', { url });
  }
  const rawSegments = parsed.pathname.split('/').slice(1);
  if (rawSegments.length === 1 && rawSegments[0] === '') return 'index.html';
  const segments = rawSegments.map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new ApiError('INVALID_ARGUMENT', 'malformed percent-encoding in app URL', { url });
    }
    if (decoded.includes('/')) throw new ApiError('FORBIDDEN', 'encoded slash in app URL', { url });
    return decoded;
  });
  const relative = segments.join('/');
  splitRelativePath(relative);
  return relative;
}

/**
 * The page URL of the app for one opened folder: `session` counts folder switches, so main can tell
 * a call from the page of the previous folder (still running while the new one loads) from a call
 * of the current page, by the sender frame's URL, which the page cannot forge.
 */
export function appPageUrl(session: number): string {
  return `${APP_SCHEME}://${APP_HOST}/index.html?session=${session}`;
}

/** The session number of an app page URL, or null when it has none (or is not an app URL). */
export function appPageSession(url: string | null): number | null {
  if (url === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname.toLowerCase() !== APP_HOST) return null;
  const value = parsed.searchParams.get('session');
  return value !== null && /^\d{1,9}$/.test(value) ? Number(value) : null;
}
