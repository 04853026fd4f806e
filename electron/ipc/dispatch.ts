// One IPC call from arrival to reply: validate, call the service, fold the outcome into an
// envelope. Main registers this with ipcMain.handle; it never rejects, so nothing relies on
// Electron forwarding thrown errors (it forwards only their message).
import type { MaskPilotApi } from '../../shared/api/contract';
import type { BridgeEnvelope } from '../../shared/api/bridge';
import { errorEnvelope, settleAsEnvelope } from './envelope';
import type { SenderInfo, SenderPolicy } from './sender';
import { validateInvoke } from './validate-invoke';

/** Erased view of the API for dispatch by name (validation has already matched params to method). */
type ApiByName = Record<string, (params: Record<string, unknown>) => Promise<unknown>>;

export interface DispatchContext {
  sender: SenderInfo;
  policy: SenderPolicy;
  /** The open project's API; rejects (e.g. NOT_FOUND) while no folder is open. */
  api(): Promise<MaskPilotApi>;
}

export async function dispatchInvoke(channel: string, args: readonly unknown[], context: DispatchContext): Promise<BridgeEnvelope> {
  const check = validateInvoke(channel, args, context.sender, context.policy);
  if (!check.ok) return errorEnvelope(check.error);
  return settleAsEnvelope(async () => {
    const api = (await context.api()) as unknown as ApiByName;
    return api[check.method](check.params);
  });
}
