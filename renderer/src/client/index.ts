// The renderer's entry to the node side: one typed client over whichever transport this shell has.
import type { AppClient } from './app-client';
import { createBridgeClient, findBridge } from './bridge-client';
import { createBrowserClient } from './browser-client';

export type { AppClient } from './app-client';
export type { ConnectionState } from './reconnecting-socket';
export { createBrowserClient } from './browser-client';
export { createBridgeClient } from './bridge-client';
export { hostImageUrl } from './image-url';

/** Electron's preload bridge (window.maskpilot) when present, else the headless host's WebSocket. */
export async function createClient(): Promise<AppClient> {
  const bridge = findBridge();
  return bridge ? createBridgeClient(bridge) : createBrowserClient();
}
