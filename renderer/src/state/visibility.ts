// Which instances of an image are drawn, hit-tested and reachable by Tab / A / R. A model returns
// about a hundred overlapping proposals per image, most scoring above .9, so a threshold alone leaves
// the canvas unreadable. Pending proposals are shown best first, at most `proposalLimit` at a time
// (the AR@10 view of the image): deciding one (accept, reject, edit) lets the next one in.
import type { Instance } from '../../../shared/api/types';
import { orderedInstances, type ImageDocument } from './document';
import type { SessionState } from './session';

export type VisibilitySettings = Pick<SessionState, 'scoreThreshold' | 'showRejected' | 'proposalLimit'>;

/** The proposal limits the toolbar offers; 0 shows every proposal above the threshold. */
export const PROPOSAL_LIMITS: readonly number[] = [5, 10, 20, 50, 0];

/** Pending proposals at or above the threshold, best score first (sort is stable: ties keep the document's order). */
export function rankedProposals(document: ImageDocument, settings: Pick<SessionState, 'scoreThreshold'>): Instance[] {
  return orderedInstances(document)
    .filter((instance) => instance.status === 'proposed' && (instance.score ?? 1) >= settings.scoreThreshold)
    .sort((a, b) => (b.score ?? 1) - (a.score ?? 1));
}

/** The pending proposals on show: the best `proposalLimit` of those above the threshold. */
export function shownProposals(document: ImageDocument, settings: VisibilitySettings): Instance[] {
  const ranked = rankedProposals(document, settings);
  return settings.proposalLimit > 0 ? ranked.slice(0, settings.proposalLimit) : ranked;
}

/** A predicate for one image: decided instances always, rejected ones on request, proposals while shown. */
export function visibilityOf(document: ImageDocument, settings: VisibilitySettings): (instance: Instance) => boolean {
  const shown = new Set(shownProposals(document, settings).map((instance) => instance.id));
  return (instance) => {
    if (instance.status === 'rejected') return settings.showRejected;
    if (instance.status === 'proposed') return shown.has(instance.id);
    return true;
  };
}
