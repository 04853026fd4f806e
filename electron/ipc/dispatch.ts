// The Electron IPC end of the generic channel (shared/api/channel.ts), main's side: every message
// the preload sends with ipcRenderer.invoke passes here. The sending frame is checked first (only
// the app's own page in its main window), then the channel's server answers it with the API of
// the folder that page was loaded for: a method on the allowlist, parameters of its schema in the
// method table, then the service. The reply is the response message; nothing rejects, so nothing
// relies on Electron forwarding thrown errors (it forwards only their message).
// Pure (no electron import) so it is unit-tested everywhere.
import { createChannelServer } from '../../shared/api/channel';
import { checkApiCall } from '../../shared/api/contract';
import type { MaskPilotApi } from '../../shared/api/contract';
import { ApiError, serializeError } from '../../shared/api/errors';
import { isPlainObject } from '../../shared/api/schema';
import type { ResponseMessage } from '../../shared/api/wire';
import { isTrustedSender } from './sender';
import type { SenderInfo, SenderPolicy } from './sender';

export interface IpcDispatchOptions {
  /** Read per message: the main window may be recreated. */
  policy(): SenderPolicy;
  /** The open project's API for the page at `pageUrl` (its URL names its folder session); rejects (e.g. NOT_FOUND) while no folder is open. */
  api(pageUrl: string | null): Promise<MaskPilotApi>;
  onInternalError?(method: string, error: unknown): void;
}

/** Answers one IPC message: the response to a request, null for a cancel or a message without an id. */
type IpcDispatcher = (message: unknown, sender: SenderInfo) => Promise<ResponseMessage | null>;

export function createIpcDispatcher(options: IpcDispatchOptions): IpcDispatcher {
  const server = createChannelServer<string | null>({
    service: (pageUrl) => options.api(pageUrl),
    check: checkApiCall,
    onInternalError: options.onInternalError,
  });
  return async (message, sender) => {
    if (!isTrustedSender(sender, options.policy())) {
      const error = new ApiError('FORBIDDEN', 'IPC call from an untrusted frame was refused', { url: sender.url ?? null });
      return isPlainObject(message) && typeof message.id === 'number' ? { type: 'response', id: message.id, ok: false, error: serializeError(error) } : null;
    }
    let response: ResponseMessage | null = null;
    await server.receive(
      message,
      (reply) => {
        if (reply.type === 'response') response = reply;
      },
      sender.url,
    );
    return response;
  };
}
