// The bundled sample photos ship with the app (read-only once packaged, tracked by git in the
// repository), so they are never annotated in place: the first time they are opened they are copied
// to ~/.maskpilot/sample-photos (or $MASKPILOT_HOME/sample-photos), and later opens use that copy
// and its annotations. The headless host and the desktop app share the copy.
import { existsSync } from 'node:fs';
import { cp, mkdir, realpath, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { SIDECAR_DIR_NAME } from './project/folder-scan';

/** Where working copies live: $MASKPILOT_HOME, else ~/.maskpilot. */
function maskpilotHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.MASKPILOT_HOME ?? join(homedir(), '.maskpilot'));
}

/**
 * The folder to open for `folder`: itself, unless it is the bundled sample folder, in which case the
 * working copy under `home` (made on first use, without any sidecar folder the bundle might hold).
 */
export async function workingFolderFor(folder: string, bundledSampleFolder: string, home: string = maskpilotHome()): Promise<string> {
  const [real, bundled] = await Promise.all([realpath(folder).catch(() => null), realpath(bundledSampleFolder).catch(() => null)]);
  if (real === null || bundled === null || real !== bundled) return folder;
  const copy = join(home, 'sample-photos');
  if (!existsSync(copy)) {
    await mkdir(dirname(copy), { recursive: true });
    // Copy to a temporary name first, so a copy cut short is never taken for a finished one.
    const partial = `${copy}.partial-${process.pid}`;
    await cp(bundled, partial, { recursive: true, filter: (source) => !source.split(sep).includes(SIDECAR_DIR_NAME) });
    await rename(partial, copy).catch(async (error: unknown) => {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(copy)) throw error; // else another process finished first: use its copy
    });
  }
  return copy;
}
