// Wires the pure IPC gate (electron/ipc) to ipcMain, and main -> renderer messages to the window.
import { BrowserWindow, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import type { ApiEventName, ApiEvents } from '../../shared/api/contract';
import type { AppCommand } from '../../shared/api/bridge';
import type { EventMessage } from '../../shared/api/wire';
import { appPageSession } from '../ipc/app-request';
import { COMMAND_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../ipc/channels';
import { createIpcDispatcher } from '../ipc/dispatch';
import type { SenderInfo } from '../ipc/sender';
import { APP_ORIGIN } from './content-security-policy';
import type { ProjectSession } from './project-session';

/** What main knows about the frame behind an IPC message. */
function senderInfoOf(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return {
    url: frame ? frame.url : null,
    isMainFrame: frame !== null && frame.parent === null,
    windowId: BrowserWindow.fromWebContents(event.sender)?.id ?? null,
  };
}

/** Registers the one invoke handler. `mainWindowId()` is read per call (the window may be recreated). */
export function handleApiCalls(projects: ProjectSession, mainWindowId: () => number | null): void {
  const dispatch = createIpcDispatcher({
    policy: () => ({ mainWindowId: mainWindowId(), allowedOrigins: [APP_ORIGIN] }),
    // The page's URL names the folder session it was loaded for (appPageUrl).
    api: (pageUrl) => projects.api(appPageSession(pageUrl)),
    onInternalError: (method, error) => console.error(`maskpilot: ${method} failed:`, error),
  });
  ipcMain.handle(INVOKE_CHANNEL, (event, message: unknown) => dispatch(message, senderInfoOf(event)));
}

export function sendEvent<E extends ApiEventName>(window: BrowserWindow | null, event: E, payload: ApiEvents[E]): void {
  const message: EventMessage = { type: 'event', event, payload };
  if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
}

export function sendCommand(window: BrowserWindow | null, command: AppCommand): void {
  if (window && !window.isDestroyed()) window.webContents.send(COMMAND_CHANNEL, command);
}
