// The preload of the main window (sandboxed, context-isolated). It exposes exactly the bridge of
// shared/api/bridge.ts as `window.maskpilot`: a port of the generic channel whose requests (methods
// on the allowlist only, checked here and again in main) go to main with ipcRenderer.invoke and
// whose responses and events come back to the page's listeners; menu commands; image URLs. The
// renderer never gets ipcRenderer itself. Bundled into one CommonJS file: sandboxed preloads
// cannot import modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { isApiEventName, isApiMethodName } from '../../shared/api/contract';
import type { Unsubscribe } from '../../shared/api/contract';
import { isAppCommand } from '../../shared/api/bridge';
import type { AppCommand, MaskPilotBridge } from '../../shared/api/bridge';
import { isPlainObject } from '../../shared/api/schema';
import type { ClientMessage, ResponseMessage } from '../../shared/api/wire';
import { COMMAND_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../ipc/channels';
import { buildImageUrl } from '../ipc/image-url';

// One IPC listener per channel fans out to the renderer's subscribers, so a subscriber never
// receives the IpcRendererEvent (which would expose `sender`, i.e. ipcRenderer).
const messageListeners = new Set<(message: unknown) => void>();
const commandListeners = new Set<(command: AppCommand) => void>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, message: unknown) => {
  if (!isPlainObject(message) || message.type !== 'event' || !isApiEventName(message.event)) return;
  deliverMessage({ type: 'event', event: message.event, payload: message.payload });
});

ipcRenderer.on(COMMAND_CHANNEL, (_event: IpcRendererEvent, command: unknown) => {
  if (!isAppCommand(command)) return;
  for (const listener of [...commandListeners]) deliver(() => listener(command));
});

function deliverMessage(message: unknown): void {
  for (const listener of [...messageListeners]) deliver(() => listener(message));
}

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

function refuse(id: number, method: unknown): void {
  const reply: ResponseMessage = { type: 'response', id, ok: false, error: { code: 'FORBIDDEN', message: `method '${String(method)}' is not on the API allowlist` } };
  queueMicrotask(() => deliverMessage(reply));
}

const bridge: MaskPilotBridge = {
  transport: 'electron',

  post(message: ClientMessage): void {
    if (!isPlainObject(message) || typeof message.id !== 'number') return;
    const id = message.id;
    if (message.type === 'cancel') {
      void ipcRenderer.invoke(INVOKE_CHANNEL, { type: 'cancel', id }).catch(() => undefined);
      return;
    }
    if (message.type !== 'request') return;
    const method = message.method;
    if (!isApiMethodName(method)) return refuse(id, method);
    // Only the fields of a request travel, rebuilt here: nothing else the page attached reaches main.
    const request: ClientMessage = { type: 'request', id, method, params: message.params ?? {} };
    ipcRenderer.invoke(INVOKE_CHANNEL, request).then(
      (reply: unknown) => {
        if (reply !== null && reply !== undefined) deliverMessage(reply);
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        const failed: ResponseMessage = { type: 'response', id, ok: false, error: { code: 'DISCONNECTED', message: `IPC failed before ${method} replied: ${reason}` } };
        deliverMessage(failed);
      },
    );
  },

  onMessage(listener: (message: unknown) => void): Unsubscribe {
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    messageListeners.add(listener);
    return () => {
      messageListeners.delete(listener);
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
