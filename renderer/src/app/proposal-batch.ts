// What "Propose" does to an image that already has instances. A new batch of proposals replaces the
// ones still undecided (status 'proposed'): proposing again, e.g. after a fine-tune made a better
// model version active, refreshes the suggestions instead of piling a second copy on top. A new
// proposal that matches an instance the annotator has already decided on (accepted, edited,
// rejected, drawn or clicked) is left out: the decision stands and the duplicate would only have to
// be rejected again. One command, so a single undo brings the previous proposals back.
import type { Instance } from '../../../shared/api/types';
import { DUPLICATE_IOU, maskOverlaps } from '../editing/duplicates';
import { addInstances, mergeCommands, removeInstances, type Command } from '../state/commands';
import type { ImageDocument } from '../state/document';

export interface ProposalBatch {
  command: Command | null;
  /** Proposals added. */
  added: number;
  /** Undecided proposals the batch replaced. */
  replaced: number;
  /** New proposals left out because they match a decided instance. */
  skipped: number;
}

/**
 * The command adding `proposals` (as returned by the model) to `document`. Each gets status
 * 'proposed' and an id unused in the document (`newId` makes one when the model's id is taken).
 */
export function proposalBatch(document: ImageDocument, proposals: readonly Instance[], newId: () => string): ProposalBatch {
  const undecided = document.order.filter((id) => document.instances[id]?.status === 'proposed');
  const decided = document.order.map((id) => document.instances[id]).filter((instance): instance is Instance => instance !== undefined && instance.status !== 'proposed');
  const overlaps = maskOverlaps(proposals, decided);
  const taken = new Set(document.order);
  const fresh: Instance[] = [];
  let skipped = 0;
  proposals.forEach((proposal, index) => {
    if (overlaps.length > 0 && overlaps[index].some((iou) => iou >= DUPLICATE_IOU)) {
      skipped += 1;
      return;
    }
    let id = proposal.id;
    while (taken.has(id)) id = newId();
    taken.add(id);
    fresh.push({ ...proposal, id, status: 'proposed' });
  });
  const label = undecided.length > 0 ? `Propose again (${fresh.length})` : `Propose (${fresh.length})`;
  const commands = [removeInstances(document, undecided, label), addInstances(document, fresh, label)].filter((command): command is Command => command !== null);
  return { command: mergeCommands(commands, label), added: fresh.length, replaced: undecided.length, skipped };
}
