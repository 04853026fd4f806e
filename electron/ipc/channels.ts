// IPC channel names shared by the preload and the main process. One channel per direction:
// every API call goes through INVOKE as a message of the generic channel (shared/api/wire.ts; the
// method name travels as data, checked against the allowlist), every API event through EVENT,
// every menu command through COMMAND.

/** renderer -> main, ipcRenderer.invoke(INVOKE, request or cancel message) -> response message (null for a cancel). */
export const INVOKE_CHANNEL = 'maskpilot:invoke';
/** main -> renderer, webContents.send(EVENT, event message). */
export const EVENT_CHANNEL = 'maskpilot:event';
/** main -> renderer, webContents.send(COMMAND, command) for menu items the renderer carries out. */
export const COMMAND_CHANNEL = 'maskpilot:command';

/** Scheme of the renderer's own files (dist/renderer), a privileged standard scheme. */
export const APP_SCHEME = 'app';
/** Host of every app:// URL; the renderer's origin is app://maskpilot. */
export const APP_HOST = 'maskpilot';
/** Scheme of images of the opened folder. */
export const IMAGE_SCHEME = 'maskpilot-image';
/** Host of every image URL; the image id is the one path segment after it. */
export const IMAGE_HOST = 'project';
