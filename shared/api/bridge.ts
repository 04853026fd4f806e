// What the Electron preload exposes to the renderer as `window.maskpilot`: a port of the generic
// channel (channel.ts), which the renderer's client turns into the API proxy, plus menu commands
// and image URLs. The preload implements it over ipcRenderer. Only structured-clone-safe data and
// functions cross contextBridge, and a thrown error would lose its code, so errors travel inside
// response messages, never as rejections.
import type { Unsubscribe } from './contract';
import type { ImageId } from './types';
import type { ClientMessage } from './wire';

/**
 * Commands the desktop shell's menus send to the renderer (the renderer owns undo history,
 * camera, panels and the import and export dialogs). A renderer that does not know a command ignores it.
 */
export const APP_COMMANDS = ['undo', 'redo', 'zoomIn', 'zoomOut', 'zoomFit', 'showModelVersions', 'startFineTune', 'importAnnotations', 'exportDataset'] as const;

export type AppCommand = (typeof APP_COMMANDS)[number];

export function isAppCommand(value: unknown): value is AppCommand {
  return typeof value === 'string' && (APP_COMMANDS as readonly string[]).includes(value);
}

export interface MaskPilotBridge {
  /** Which shell this is; lets the renderer show "desktop" vs "browser" where it matters. */
  readonly transport: 'electron';
  /**
   * Sends one channel message to main: a request for a method on the API allowlist, or a cancel.
   * Anything else never leaves the page (a request off the list is answered FORBIDDEN at once).
   */
  post(message: ClientMessage): void;
  /** Receives responses to the posted requests and the API's events (unknown event names are dropped). */
  onMessage(listener: (message: unknown) => void): Unsubscribe;
  /** Subscribes to menu commands (undo, zoom, ...). */
  onCommand(listener: (command: AppCommand) => void): Unsubscribe;
  /** URL of an image served by the shell's image protocol; `maxSide` asks for a downscaled copy (pixels). */
  imageUrl(imageId: ImageId, options?: { maxSide?: number }): string;
}
