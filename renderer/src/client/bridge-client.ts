// The client inside Electron: the API proxy of the generic channel over the preload's
// `window.maskpilot` port (requests and responses over IPC, errors rebuilt as ApiError).
import type { MaskPilotBridge } from '../../../shared/api/bridge';
import { createApiClient } from '../../../shared/api/rpc-client';
import type { AppClient } from './app-client';

export function createBridgeClient(bridge: MaskPilotBridge): AppClient {
  const api = createApiClient({ post: (message) => bridge.post(message), onMessage: (listener) => void bridge.onMessage(listener) });
  return {
    ...api,
    transport: 'electron',
    onCommand: (listener) => bridge.onCommand(listener),
    imageUrl: (imageId, options) => bridge.imageUrl(imageId, options),
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    // The window's page lives as long as the bridge: nothing to end.
    close: () => {},
  };
}

/** The preload's bridge when running inside Electron, else null. */
export function findBridge(scope: object = globalThis): MaskPilotBridge | null {
  const candidate = (scope as { maskpilot?: Partial<MaskPilotBridge> }).maskpilot;
  return candidate && candidate.transport === 'electron' && typeof candidate.post === 'function' && typeof candidate.onMessage === 'function'
    ? (candidate as MaskPilotBridge)
    : null;
}
