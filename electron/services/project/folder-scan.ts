// Finds the images of a photo folder. Reads directory entries only (no stat per regular file, no
// decoding), so 10,000 files scan in tens of milliseconds; sizes are read later, lazily.
// Symlinks are resolved so nothing outside the folder is ever listed: a link to a file inside
// is listed under the link's path, a broken link is listed (with problem BROKEN_LINK), links to
// anything outside and links to directories (cycles, duplicates) are skipped.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ImageId } from '../../../shared/api/types';
import { hasImageExtension } from '../image-formats';
import { sortByNaturalPath } from './natural-sort';

export const SIDECAR_DIR_NAME = '.maskpilot';
/**
 * A dataset MaskPilot exported (exportDataset writes them under exports/ in the folder) holds this
 * file; the scan skips such folders, so the images an export copies never join the project.
 */
export const EXPORT_MARKER_NAME = '.maskpilot-export.json';

export interface ScannedImage {
  id: ImageId;
  /** True for a symlink whose target does not exist. */
  brokenLink: boolean;
}

interface ScanResult {
  /** Natural-sorted by id. */
  images: ScannedImage[];
  /** Symlinks skipped because they lead outside the folder (relative POSIX paths), for diagnostics. */
  skippedLinks: string[];
}

export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Scans `folder` recursively. `folder` must exist and be a directory. */
export async function scanFolder(folder: string): Promise<ScanResult> {
  const root = await realpath(folder);
  const images: ScannedImage[] = [];
  const skippedLinks: string[] = [];
  // Explicit stack instead of recursion: deep trees cannot overflow the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    const absoluteDir = relativeDir === '' ? root : join(root, ...relativeDir.split('/'));
    let entries;
    try {
      entries = await readdir(absoluteDir, { withFileTypes: true });
    } catch {
      continue; // An unreadable subfolder is skipped rather than failing the whole open.
    }
    if (relativeDir !== '' && entries.some((entry) => entry.name === EXPORT_MARKER_NAME)) continue;
    for (const entry of entries) {
      const name = entry.name;
      const id = relativeDir === '' ? name : `${relativeDir}/${name}`;
      if (entry.isDirectory()) {
        // Hidden folders hold other tools' state (.git, .thumbnails) and our own sidecar.
        if (!name.startsWith('.')) pending.push(id);
      } else if (entry.isFile()) {
        if (hasImageExtension(name)) images.push({ id, brokenLink: false });
      } else if (entry.isSymbolicLink() && hasImageExtension(name)) {
        const verdict = await classifyLink(root, join(absoluteDir, name));
        if (verdict === 'file') images.push({ id, brokenLink: false });
        else if (verdict === 'broken') images.push({ id, brokenLink: true });
        else skippedLinks.push(id);
      }
    }
  }
  return { images: sortByNaturalPath(images, (image) => image.id), skippedLinks };
}

async function classifyLink(root: string, linkPath: string): Promise<'file' | 'broken' | 'skip'> {
  let target: string;
  try {
    target = await realpath(linkPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ELOOP' ? 'broken' : 'skip';
  }
  if (!isInside(root, target)) return 'skip';
  try {
    return (await stat(target)).isFile() ? 'file' : 'skip';
  } catch {
    return 'broken';
  }
}
