// Reads what `maskpilot import --from <path>` names into the files importAnnotations takes: one
// file (a COCO .json, a LabelMe .json), or a folder's text files that an import may read (.json,
// .yaml, .txt; see shared/formats/import-files.ts), named by their path inside the folder (POSIX),
// as a browser names the files of a chosen folder. Images and other files are never read. Hidden
// folders (.maskpilot, .git) and MaskPilot's own exports are skipped; symlinks are not followed.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { isImportCandidate } from '../../shared/formats';
import type { ImportFile } from '../../shared/formats';
import { EXPORT_MARKER_NAME } from './project/folder-scan';

/** At most this many bytes are read in all (an import's text is bounded at ~200 M characters anyway). */
const MAX_SOURCE_BYTES = 400 * 1024 * 1024;
/** At most this many files (a YOLO dataset holds one label file per image). */
const MAX_SOURCE_FILES = 200_000;

export async function readImportSource(path: string): Promise<ImportFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ApiError('NOT_FOUND', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`, { path });
  }
  if (info.isFile()) {
    if (info.size > MAX_SOURCE_BYTES) throw new ApiError('INVALID_ARGUMENT', `${path} is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB`, { path });
    return [{ name: basename(path), text: await readFile(path, 'utf8') }];
  }
  if (!info.isDirectory()) throw new ApiError('INVALID_ARGUMENT', `${path} is neither a file nor a folder`, { path });

  const names: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    const entries = await readdir(relativeDir === '' ? path : join(path, ...relativeDir.split('/')), { withFileTypes: true });
    if (relativeDir !== '' && entries.some((entry) => entry.name === EXPORT_MARKER_NAME)) continue;
    for (const entry of entries) {
      const name = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory() && !entry.name.startsWith('.')) pending.push(name);
      else if (entry.isFile() && isImportCandidate(entry.name)) names.push(name);
    }
    if (names.length > MAX_SOURCE_FILES) throw new ApiError('INVALID_ARGUMENT', `${path} holds more than ${MAX_SOURCE_FILES} .json, .yaml and .txt files`, { path });
  }
  if (names.length === 0) {
    throw new ApiError('INVALID_ARGUMENT', `${path} holds no .json, .yaml or .txt files: expected a COCO .json file, LabelMe .json files, or a YOLO segmentation dataset (data.yaml and labels/*.txt)`, { path });
  }
  names.sort();
  const files: ImportFile[] = [];
  let bytes = 0;
  for (const name of names) {
    const file = join(path, ...name.split('/'));
    bytes += (await stat(file)).size;
    if (bytes > MAX_SOURCE_BYTES) throw new ApiError('INVALID_ARGUMENT', `the .json, .yaml and .txt files of ${path} are larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB together`, { path });
    files.push({ name, text: await readFile(file, 'utf8') });
  }
  return files;
}
