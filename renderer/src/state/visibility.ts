// Which instances of an image are drawn, hit-tested and reachable by Tab / A / R. A model returns
// about a hundred overlapping proposals per image, most scoring above .9, so a threshold alone leaves
// the canvas unreadable. Pending proposals are shown in a diverse order (shared/proposals: greedy NMS
// at mask IoU 0.5 by score, the near-copies after every distinct object), at most `proposalLimit` at
// a time: deciding one (accept, reject, edit) lets the next one in. Tab walks the same order.
import type { Instance } from '../../../shared/api/types';
import { fromCocoRle } from '../../../shared/geometry';
import { diverseOrder } from '../../../shared/proposals/diverse-order';
import { orderedInstances, type ImageDocument } from './document';
import type { SessionState } from './session';

export type VisibilitySettings = Pick<SessionState, 'scoreThreshold' | 'showRejected' | 'proposalLimit'>;

/** The proposal limits the toolbar offers; 0 shows every proposal above the threshold. */
export const PROPOSAL_LIMITS: readonly number[] = [5, 10, 20, 50, 0];

/**
 * Ids of an image's scored instances (model proposals and click results, whatever their status
 * now) in display order: diverse ones best first, then the near-copies best first. Decided ones
 * stay in the ranking, so the near-copies of an accepted object stay behind the other objects.
 * Decoding the masks costs, so the order is kept per image and recomputed only when the set of
 * scored instances changes (a new batch), never per render, decision or edit.
 */
const orderCache = new Map<string, { signature: string; order: string[] }>();
/** Images whose order is kept (the least recently ranked is dropped first). */
const ORDERS_KEPT = 64;
/** The same order by `instances` object: skips even building the signature while nothing changed. */
const orderByInstances = new WeakMap<ImageDocument['instances'], string[]>();

export function displayOrder(document: ImageDocument): string[] {
  const known = orderByInstances.get(document.instances);
  if (known) return known;
  const scored = orderedInstances(document).filter((instance) => instance.score !== null);
  const signature = scored.map((instance) => `${instance.id}:${instance.score}`).join('|');
  const cached = orderCache.get(document.imageId);
  let order: string[];
  if (cached && cached.signature === signature) order = cached.order;
  else {
    order = rankDiverse(scored);
    orderCache.delete(document.imageId);
    orderCache.set(document.imageId, { signature, order });
    if (orderCache.size > ORDERS_KEPT) orderCache.delete(orderCache.keys().next().value!);
  }
  orderByInstances.set(document.instances, order);
  return order;
}

function rankDiverse(scored: readonly Instance[]): string[] {
  try {
    // The mask the model proposed (an edited instance keeps it), so an edit does not reorder the rest.
    const items = scored.map((instance) => ({ rle: fromCocoRle(instance.proposalRle ?? instance.rle), score: instance.score ?? 0 }));
    return diverseOrder(items).map((index) => scored[index].id);
  } catch {
    // A mask that cannot be read: score order (stable), rather than no proposals at all.
    return [...scored].sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).map((instance) => instance.id);
  }
}

/** Pending proposals at or above the threshold, in display order (diverse first). */
export function rankedProposals(document: ImageDocument, settings: Pick<SessionState, 'scoreThreshold'>): Instance[] {
  const ranked: Instance[] = [];
  for (const id of displayOrder(document)) {
    const instance = document.instances[id];
    if (instance && instance.status === 'proposed' && (instance.score ?? 1) >= settings.scoreThreshold) ranked.push(instance);
  }
  // Proposals without a score (none come from the model, but a file may hold some) after the rest.
  for (const instance of orderedInstances(document)) if (instance.status === 'proposed' && instance.score === null) ranked.push(instance);
  return ranked;
}

/**
 * Every pending proposal in the instance list's order: those at or above the threshold in display
 * (Tab) order, so the shown ones come first, then those below it in display order.
 */
export function allProposalsInOrder(document: ImageDocument, settings: Pick<SessionState, 'scoreThreshold'>): Instance[] {
  const above = rankedProposals(document, settings);
  const listed = new Set(above.map((instance) => instance.id));
  return [...above, ...rankedProposals(document, { scoreThreshold: -Infinity }).filter((instance) => !listed.has(instance.id))];
}

/** The pending proposals on show: the first `proposalLimit` of those above the threshold. */
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
