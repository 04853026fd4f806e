// Turns a path that came from outside (a URL, an image id, a protocol request) into an absolute
// path that is guaranteed to lie inside a root folder. Used by the headless host for images and
// the app's own assets, and by the Electron protocol handler.
//
// Two layers: the relative path is checked lexically (no '..', no absolute or Windows paths, no NUL,
// no backslashes), then both the root and the candidate are resolved with realpath and compared, so
// a symlink inside the folder that points outside is refused as well.
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ApiError } from '../../shared/api/errors';

/** Characters a Windows path could use to escape: backslash separators and drive letters (C:). */
const WINDOWS_DRIVE = /^[a-zA-Z]:/;

/**
 * Checks a project-relative POSIX path ("a/b.jpg") without touching the disk and returns its
 * segments. Throws ApiError FORBIDDEN for anything that could name a file outside the root.
 */
export function splitRelativePath(relativePosixPath: string): string[] {
  if (typeof relativePosixPath !== 'string' || relativePosixPath.length === 0) {
    throw forbidden('empty path', relativePosixPath);
  }
  if (relativePosixPath.includes('\0')) throw forbidden('path contains a NUL byte', relativePosixPath);
  if (relativePosixPath.includes('\\')) throw forbidden('path contains a backslash', relativePosixPath);
  if (relativePosixPath.startsWith('/')) throw forbidden('absolute paths are not allowed', relativePosixPath);
  if (WINDOWS_DRIVE.test(relativePosixPath)) throw forbidden('drive-letter paths are not allowed', relativePosixPath);
  const segments = relativePosixPath.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw forbidden(`path segment '${segment}' is not allowed`, relativePosixPath);
    }
  }
  return segments;
}

/**
 * The real absolute path of `relativePosixPath` inside `root`, after following every symlink.
 * Throws ApiError FORBIDDEN when the path is malformed or resolves outside the root, and
 * NOT_FOUND when it does not exist (including a broken symlink).
 */
export async function resolveInsideFolder(root: string, relativePosixPath: string): Promise<string> {
  const segments = splitRelativePath(relativePosixPath);
  const realRoot = await realpath(root);
  let realTarget: string;
  try {
    realTarget = await realpath(join(realRoot, ...segments));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') {
      throw new ApiError('NOT_FOUND', `no such file: ${relativePosixPath}`, { path: relativePosixPath });
    }
    throw new ApiError('IO_ERROR', `cannot resolve ${relativePosixPath}: ${(error as Error).message}`, { path: relativePosixPath });
  }
  if (!isInside(realRoot, realTarget)) {
    throw forbidden('path resolves outside the folder', relativePosixPath);
  }
  return realTarget;
}

/** True when `candidate` is `root` itself or lies beneath it (both absolute, already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return candidate === root || candidate.startsWith(prefix);
}

function forbidden(reason: string, path: unknown): ApiError {
  return new ApiError('FORBIDDEN', `refused path: ${reason}`, { path: String(path) });
}
