// What an instance's status means where several layers decide on it (fine-tuning, evaluation,
// export, the learning loop), kept once.
import type { Instance, InstanceStatus } from './types';

/**
 * The annotator stands behind the instance: accepted as proposed, or edited. These are the ground
 * truth of fine-tuning and evaluation and what an export writes; 'proposed' is undecided and
 * 'rejected' a hard negative.
 */
export function isAcceptedOrEdited(instance: Pick<Instance, 'status'>): boolean {
  return instance.status === 'accepted' || instance.status === 'edited';
}

/** The statuses an export writes: accepted and edited, plus proposed when onlyAccepted is false; never rejected. */
export function exportedStatuses(onlyAccepted: boolean | undefined): ReadonlySet<InstanceStatus> {
  return new Set<InstanceStatus>(onlyAccepted === false ? ['accepted', 'edited', 'proposed'] : ['accepted', 'edited']);
}
