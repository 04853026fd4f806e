// Crash-safe file replacement: a reader (or a process restarted after SIGKILL or a power cut)
// sees either the old content or the new content of a file, never a mix or a truncated file.
// Recipe: write a temp file in the same directory (rename is only atomic within one file
// system), fsync it, rename it over the target, then fsync the directory so the rename itself
// is durable.
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Temp files end with this suffix; the pid inside tells whether their writer is still alive. */
const TEMP_SUFFIX = '.mp-tmp';
// "<target name>.<pid>-<counter>-<random hex>.mp-tmp"
const TEMP_PATTERN = /\.(\d+)-\d+-[0-9a-f]+\.mp-tmp$/;

let tempCounter = 0;

/** A temp name unique per call: pid (across processes), counter and random bytes (within one). */
function tempPathFor(target: string): string {
  tempCounter += 1;
  const unique = `${process.pid}-${tempCounter}-${randomBytes(4).toString('hex')}`;
  return join(dirname(target), `.${basename(target)}.${unique}${TEMP_SUFFIX}`);
}

/**
 * Replaces `target` with `data` atomically and durably. Resolves only after the directory entry
 * has been fsynced. On failure the temp file is removed and the target is left untouched.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
    await fsyncDirectory(dirname(target));
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** fsync of a directory makes a rename inside it durable (POSIX); some platforms refuse it. */
async function fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
  } catch {
    return; // Windows cannot open directories; its rename is durable enough via the file sync.
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files left in `directory` by writers that died mid-write (killed processes).
 * Temp files of live processes (including this one) are kept: they may be in flight.
 * Returns the names removed. A missing directory is not an error.
 */
export async function removeStaleTempFiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    await unlink(join(directory, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

/** True for names produced by writeFileAtomic's temp files (so scans can ignore them). */
export function isAtomicTempFile(name: string): boolean {
  return TEMP_PATTERN.test(name);
}
