// The preload of the main window (sandboxed, context-isolated). It exposes exactly the bridge of
// shared/api/bridge.ts as `window.maskpilot`: API calls by name (allowlist checked here and again
// in main), API event subscription, menu commands, and image URLs. The renderer never gets
// ipcRenderer itself. Bundled into one CommonJS file: sandboxed preloads cannot import modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { isApiEventName, isApiMethodName } from '../../shared/api/contract';
import type { ApiEventName, ApiEvents, ApiMethodName, ApiParams, ApiResult, Unsubscribe } from '../../shared/api/contract';
import { isAppCommand } from '../../shared/api/bridge';
import type { AppCommand, BridgeEnvelope, MaskPilotBridge } from '../../shared/api/bridge';
import { COMMAND_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../ipc/channels';
import { buildImageUrl } from '../ipc/image-url';

type AnyListener = (payload: unknown) => void;

// One IPC listener per channel fans out to the renderer's subscribers, so a subscriber never
// receives the IpcRendererEvent (which would expose `sender`, i.e. ipcRenderer).
const eventListeners = new Map<ApiEventName, Set<AnyListener>>();
const commandListeners = new Set<(command: AppCommand) => void>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isApiEventName(name)) return;
  for (const listener of [...(eventListeners.get(name) ?? [])]) deliver(() => listener(payload));
});

ipcRenderer.on(COMMAND_CHANNEL, (_event: IpcRendererEvent, command: unknown) => {
  if (!isAppCommand(command)) return;
  for (const listener of [...commandListeners]) deliver(() => listener(command));
});

/** A throwing subscriber must not starve the others; its error still surfaces in the console. */
function deliver(run: () => void): void {
  try {
    run();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

const bridge: MaskPilotBridge = {
  transport: 'electron',

  invoke<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<BridgeEnvelope<ApiResult<M>>> {
    if (!isApiMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'FORBIDDEN', message: `method '${String(method)}' is not on the API allowlist` },
      });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, params ?? {}) as Promise<BridgeEnvelope<ApiResult<M>>>;
  },

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    if (!isApiEventName(event)) throw new Error(`unknown event '${String(event)}'`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    let listeners = eventListeners.get(event);
    if (!listeners) eventListeners.set(event, (listeners = new Set()));
    const erased = listener as AnyListener;
    listeners.add(erased);
    return () => {
      listeners.delete(erased);
    };
  },

  onCommand(listener: (command: AppCommand) => void): Unsubscribe {
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    commandListeners.add(listener);
    return () => {
      commandListeners.delete(listener);
    };
  },

  imageUrl(imageId: string, options?: { maxSide?: number }): string {
    return buildImageUrl(imageId, options);
  },
};

contextBridge.exposeInMainWorld('maskpilot', bridge);
