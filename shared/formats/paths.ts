// POSIX path arithmetic for dataset files (shared/ has no node:path). Every path here is relative,
// uses "/" and never starts with "/": image ids ("street/img_001.jpg") and paths inside an export.
import { ApiError } from '../api/errors';

/** "street/img_001.jpg" -> "street/img_001"; a name without an extension is returned as it is. */
export function withoutExtension(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
}

/** "street/img_001.jpg" -> "street"; "" for a path without a folder. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** "street/img_001.jpg" -> "img_001.jpg". */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `relative` resolved against `folder`: backslashes become slashes, "." parts go, ".." parts climb.
 * Returns null when the result would leave the root (more ".." than folders) or is absolute
 * ("/x", "C:/x"): such references cannot name an image of the project.
 */
export function resolveRelative(folder: string, relative: string): string | null {
  const cleaned = relative.replace(/\\/g, '/');
  if (cleaned.startsWith('/') || /^[A-Za-z]:\//.test(cleaned)) return null;
  const parts = folder === '' ? [] : folder.split('/');
  for (const part of cleaned.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.length === 0 ? null : parts.join('/');
}

/**
 * Files named after their image's path without its extension ("a.jpg" and "a.png" both give
 * "a.txt") must not collide: throws INVALID_ARGUMENT naming both images, so an export never
 * overwrites one image's labels with another's.
 */
export function assertDistinctPaths(pathsByImage: ReadonlyArray<{ fileName: string; path: string }>): void {
  const owner = new Map<string, string>();
  for (const { fileName, path } of pathsByImage) {
    const key = path.toLowerCase(); // case-insensitive file systems (macOS, Windows) collide too
    const other = owner.get(key);
    if (other !== undefined) {
      throw new ApiError('INVALID_ARGUMENT', `images '${other}' and '${fileName}' would both be written to '${path}'; rename one of them`, {
        images: [other, fileName],
        path,
      });
    }
    owner.set(key, fileName);
  }
}
