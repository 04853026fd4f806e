// Envelopes: the only shape a reply takes across IPC. A handler never throws into ipcMain (Electron
// would forward only the message and lose the code), it resolves with {ok:false, error} instead.
import { serializeError } from '../../shared/api/errors';
import type { BridgeEnvelope } from '../../shared/api/bridge';
import type { ApiError } from '../../shared/api/errors';

export type { BridgeEnvelope } from '../../shared/api/bridge';

export function okEnvelope<T>(result: T): BridgeEnvelope<T> {
  return { ok: true, result };
}

export function errorEnvelope(error: ApiError | unknown): BridgeEnvelope<never> {
  return { ok: false, error: serializeError(error) };
}

/** Runs `work` and folds both outcomes into an envelope; never rejects. */
export async function settleAsEnvelope<T>(work: () => Promise<T>): Promise<BridgeEnvelope<T>> {
  try {
    return okEnvelope(await work());
  } catch (error) {
    return errorEnvelope(error);
  }
}
