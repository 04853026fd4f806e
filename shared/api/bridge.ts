// What the Electron preload exposes to the renderer as `window.maskpilot`. The renderer's client
// wraps it into a MaskPilotClient (unwrapping envelopes into results or ApiErrors); the preload
// implements it over ipcRenderer. Only structured-clone-safe data and functions cross
// contextBridge, and a thrown error would lose its code, so calls resolve with an envelope.
import type { ApiEventName, ApiEvents, ApiMethodName, ApiParams, ApiResult, Unsubscribe } from './contract';
import type { SerializedApiError } from './errors';
import type { ImageId } from './types';

/** The outcome of one call: never a rejection for API errors, so the error code survives IPC. */
export type BridgeEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: SerializedApiError };

/**
 * Commands the desktop shell's menus send to the renderer (the renderer owns undo history,
 * camera and panels). A renderer that does not know a command ignores it.
 */
export type AppCommand =
  | 'undo'
  | 'redo'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'showModelVersions'
  | 'startFineTune';

export const APP_COMMANDS = [
  'undo',
  'redo',
  'zoomIn',
  'zoomOut',
  'zoomFit',
  'showModelVersions',
  'startFineTune',
] as const satisfies readonly AppCommand[];

export function isAppCommand(value: unknown): value is AppCommand {
  return typeof value === 'string' && (APP_COMMANDS as readonly string[]).includes(value);
}

export interface MaskPilotBridge {
  /** Which shell this is; lets the renderer show "desktop" vs "browser" where it matters. */
  readonly transport: 'electron';
  /** Calls one API method. Resolves with an envelope; rejects only if IPC itself broke. */
  invoke<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<BridgeEnvelope<ApiResult<M>>>;
  /** Subscribes to one API event; unknown event names throw at once. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** Subscribes to menu commands (undo, zoom, ...). */
  onCommand(listener: (command: AppCommand) => void): Unsubscribe;
  /** URL of an image served by the shell's image protocol; `maxSide` asks for a downscaled copy (pixels). */
  imageUrl(imageId: ImageId, options?: { maxSide?: number }): string;
}
