// The client inside Electron: the preload's `window.maskpilot` bridge, unwrapped. Calls resolve
// with envelopes over IPC (so error codes survive); here they become results or ApiErrors.
import { API_METHOD_NAMES } from '../../../shared/api/contract';
import type { ApiMethodName, MaskPilotApi } from '../../../shared/api/contract';
import type { MaskPilotBridge } from '../../../shared/api/bridge';
import { deserializeError } from '../../../shared/api/errors';
import type { AppClient } from './app-client';

export function createBridgeClient(bridge: MaskPilotBridge): AppClient {
  const call = async (method: ApiMethodName, params: unknown): Promise<unknown> => {
    const envelope = await bridge.invoke(method, params as never);
    if (envelope.ok) return envelope.result;
    throw deserializeError(envelope.error);
  };
  const api: Record<string, (params: unknown) => Promise<unknown>> = {};
  for (const method of API_METHOD_NAMES) api[method] = (params) => call(method, params);
  return {
    // Every method of the contract was filled in by the loop above.
    ...(api as unknown as MaskPilotApi),
    transport: 'electron',
    on: (event, listener) => bridge.on(event, listener),
    onCommand: (listener) => bridge.onCommand(listener),
    imageUrl: (imageId, options) => bridge.imageUrl(imageId, options),
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    close: () => {},
  };
}

/** The preload's bridge when running inside Electron, else null. */
export function findBridge(scope: object = globalThis): MaskPilotBridge | null {
  const candidate = (scope as { maskpilot?: Partial<MaskPilotBridge> }).maskpilot;
  return candidate && candidate.transport === 'electron' && typeof candidate.invoke === 'function' ? (candidate as MaskPilotBridge) : null;
}
