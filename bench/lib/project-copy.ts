// A throwaway project folder for a bench: copies of the chosen images in a fresh temp directory
// (symlinks would not do: the project refuses links that lead outside its folder). The shared
// datasets are only read, never written; the copy is removed by the returned cleanup.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function copyImagesToTempProject(sourceDir: string, fileNames: string[], prefix: string): Promise<{ folder: string; cleanup: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  try {
    for (const name of fileNames) await copyFile(join(sourceDir, name), join(folder, name));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return { folder, cleanup: () => rm(folder, { recursive: true, force: true }) };
}
