// The client of the headless host, for the renderer running in a plain browser: the API over a
// reconnecting WebSocket to the page's own host, images over HTTP from the same host. The token
// comes from the page URL (?token=...), as printed by `maskpilot host`.
import type { Unsubscribe } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { createRpcClient } from '../../../shared/api/rpc-client';
import type { AppClient } from './app-client';
import { hostImageUrl } from './image-url';
import { createReconnectingSocket, redactToken } from './reconnecting-socket';
import type { ConnectionState, ReconnectingSocketOptions } from './reconnecting-socket';

export interface BrowserClientOptions {
  /** Page location to derive host and token from; defaults to `window.location`. */
  location?: { protocol: string; host: string; search: string };
  /** How long the first connection may take before createBrowserClient rejects (ms). */
  connectTimeoutMs?: number;
  socket?: Omit<ReconnectingSocketOptions, 'url'>;
}

/** Connects to the host that served this page; resolves once the WebSocket is open. */
export async function createBrowserClient(options: BrowserClientOptions = {}): Promise<AppClient> {
  const page = options.location ?? window.location;
  // Without ?token= the HttpOnly cookie set on the first authorised page load may still admit us.
  const token = new URLSearchParams(page.search).get('token');
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${page.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  const probeUrl = `${page.protocol}//${page.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const socket = createReconnectingSocket({ checkRefused: () => hostRefusesToken(probeUrl), ...options.socket, url });
  const rpc = createRpcClient(socket);
  try {
    await socket.whenOpen(options.connectTimeoutMs ?? 15_000);
  } catch (error) {
    const refused = socket.state === 'refused';
    rpc.close();
    throw new ApiError(
      refused ? 'UNAUTHORIZED' : 'DISCONNECTED',
      refused
        ? `The MaskPilot host at ${page.host} does not accept this page's access token: it was restarted and printed a new URL. Open that URL (it ends in ?token=…).`
        : `Cannot reach the MaskPilot host at ${redactToken(url)}. Is \`maskpilot host\` still running, and does this page's URL carry the token it printed? (${(error as Error).message})`,
    );
  }

  return {
    ...rpc,
    transport: 'websocket',
    imageUrl: (imageId, imageOptions) => hostImageUrl(imageId, token, imageOptions),
    connectionState: () => socket.state,
    onConnectionChange: (listener: (state: ConnectionState) => void): Unsubscribe => socket.onStateChange(listener),
    close: () => rpc.close(),
  };
}

/**
 * Whether the host answers this page's URL with 401 (a wrong token: it was restarted and made a new
 * one). A plain GET of /api answers 426 with the right token; no answer at all means the host is
 * down (or moved to another port), which is not a refusal: the socket keeps retrying.
 */
export async function hostRefusesToken(probeUrl: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const response = await fetchImpl(probeUrl, { cache: 'no-store', credentials: 'same-origin' });
    return response.status === 401;
  } catch {
    return false;
  }
}
