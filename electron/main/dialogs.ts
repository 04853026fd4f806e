// Native dialogs: choosing a folder to open, and errors in a message box. Import and export are the
// renderer's dialogs (File > Import Annotations…, Export Annotations… send it commands).
import { dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import { ApiError } from '../../shared/api/errors';

export async function chooseFolder(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Open a photo folder',
    properties: ['openDirectory'],
  });
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
}

export async function showError(window: BrowserWindow | null, title: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? ` (${error.code})` : '';
  const options = { type: 'error' as const, title, message: `${title} failed${code}`, detail: message };
  if (window && !window.isDestroyed()) await dialog.showMessageBox(window, options);
  else await dialog.showMessageBox(options);
}
