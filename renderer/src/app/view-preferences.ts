// View preferences kept in the browser between sessions (not part of the annotations): how many
// proposals are shown at a time. Storage may be disabled or hold junk; both fall back to the default.
import type { EditorStore } from '../state/store';
import { PROPOSAL_LIMITS } from '../state/visibility';

const PROPOSAL_LIMIT_KEY = 'maskpilot.proposalLimit';

/** The stored proposal limit if it is one the toolbar offers, else null. */
export function readProposalLimit(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): number | null {
  try {
    const value = Number(storage?.getItem(PROPOSAL_LIMIT_KEY) ?? Number.NaN);
    return PROPOSAL_LIMITS.includes(value) ? value : null;
  } catch {
    return null;
  }
}

/** Applies the stored limit to the session, then stores every change of it. Returns the unsubscriber. */
export function keepProposalLimit(store: EditorStore, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeStorage()): () => void {
  const stored = readProposalLimit(storage);
  if (stored !== null) store.getState().actions.setSession({ proposalLimit: stored });
  let last = store.getState().session.proposalLimit;
  return store.subscribe((state) => {
    if (state.session.proposalLimit === last) return;
    last = state.session.proposalLimit;
    try {
      storage?.setItem(PROPOSAL_LIMIT_KEY, String(last));
    } catch {
      // a preference only
    }
  });
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
