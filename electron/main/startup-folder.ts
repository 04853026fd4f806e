// Which folder the app opens at start: one named on the command line, else the folder open when
// the app last quit, else the bundled sample photos (first start). The last folder is remembered
// in userData. No electron import: unit-tested everywhere.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { writeFileAtomic } from '../services/atomic-write';

/**
 * The folder argument of a command line: the first argument after the app's own ones that is not a
 * switch. `appArgCount` is how many leading entries are the executable (and, unpackaged, the main
 * script): 1 packaged, 2 in development.
 */
export function folderFromArgv(argv: readonly string[], appArgCount: number, cwd: string): string | null {
  const candidate = argv.slice(appArgCount).find((arg) => arg !== '' && !arg.startsWith('-'));
  if (candidate === undefined) return null;
  return isAbsolute(candidate) ? candidate : resolve(cwd, candidate);
}

export async function readLastFolder(file: string): Promise<string | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    const folder = typeof value === 'object' && value !== null ? (value as { folder?: unknown }).folder : undefined;
    return typeof folder === 'string' && isAbsolute(folder) ? folder : null;
  } catch {
    return null;
  }
}

export async function saveLastFolder(file: string, folder: string): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify({ folder })}\n`);
}

/** Candidates in the order they should be tried; folders that no longer exist are skipped. */
export async function startupFolders(options: { argvFolder: string | null; lastFolder: string | null; sampleFolder: string }): Promise<string[]> {
  const candidates = [options.argvFolder, options.lastFolder, options.sampleFolder].filter((folder): folder is string => folder !== null);
  const unique = [...new Set(candidates)];
  const present = await Promise.all(unique.map((folder) => stat(folder).then((info) => info.isDirectory(), () => false)));
  // A command-line folder that does not exist is still tried, so its error is shown to the user.
  return unique.filter((folder, index) => present[index] || folder === options.argvFolder);
}
