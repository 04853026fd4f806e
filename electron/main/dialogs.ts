// Native dialogs and the file flows behind File > Import/Export COCO. Each flow reports its
// outcome in a message box; an error leaves the project as it was (import validates everything
// before saving anything; export writes the file atomically).
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import { ApiError } from '../../shared/api/errors';
import { writeFileAtomic } from '../services/atomic-write';
import type { ProjectSession } from './project-session';

/** Largest COCO file the importer reads (bytes); larger files are refused before reading. */
const MAX_COCO_BYTES = 512 * 1024 * 1024;

export async function chooseFolder(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Open a photo folder',
    properties: ['openDirectory'],
  });
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
}

export async function importCocoFlow(window: BrowserWindow, projects: ProjectSession): Promise<void> {
  const chosen = await dialog.showOpenDialog(window, {
    title: 'Import COCO annotations',
    properties: ['openFile'],
    filters: [{ name: 'COCO JSON', extensions: ['json'] }],
  });
  if (chosen.canceled || chosen.filePaths.length === 0) return;
  const file = chosen.filePaths[0];
  await reportOutcome(window, 'Import COCO', async () => {
    if ((await stat(file)).size > MAX_COCO_BYTES) {
      throw new ApiError('INVALID_ARGUMENT', `${basename(file)} is larger than ${MAX_COCO_BYTES / 1024 / 1024} MiB`);
    }
    const json = await readFile(file, 'utf8');
    const result = await (await projects.api()).importCoco({ json });
    const skipped = result.skippedImages.length
      ? `\n${result.skippedImages.length} image(s) of the file are not in this folder and were skipped.`
      : '';
    return `Imported ${result.annotationCount} annotation(s) on ${result.imageCount} image(s) from ${basename(file)}.${skipped}`;
  });
}

export async function exportCocoFlow(window: BrowserWindow, projects: ProjectSession): Promise<void> {
  const project = await projects.api();
  const { name } = await project.getProject({});
  const chosen = await dialog.showSaveDialog(window, {
    title: 'Export COCO annotations',
    defaultPath: `${name}.coco.json`,
    filters: [{ name: 'COCO JSON', extensions: ['json'] }],
  });
  if (chosen.canceled || !chosen.filePath) return;
  const file = chosen.filePath;
  await reportOutcome(window, 'Export COCO', async () => {
    const result = await project.exportCoco({ onlyAccepted: true }); // reviewed instances only, like the UI's button
    await writeFileAtomic(file, result.json);
    return `Exported ${result.annotationCount} annotation(s) on ${result.imageCount} image(s) to ${basename(file)}.`;
  });
}

/** Runs a flow and shows its summary, or its error with the code a user can search for. */
async function reportOutcome(window: BrowserWindow, title: string, run: () => Promise<string>): Promise<void> {
  try {
    const summary = await run();
    await dialog.showMessageBox(window, { type: 'info', title, message: summary });
  } catch (error) {
    await showError(window, title, error);
  }
}

export async function showError(window: BrowserWindow | null, title: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? ` (${error.code})` : '';
  const options = { type: 'error' as const, title, message: `${title} failed${code}`, detail: message };
  if (window && !window.isDestroyed()) await dialog.showMessageBox(window, options);
  else await dialog.showMessageBox(options);
}
