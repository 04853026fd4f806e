// What counts as a correction when an image is saved: the signal that the model has something new to
// learn from. Compared with the previously saved state of the image, a correction is each instance
// that newly becomes accepted, edited or rejected (a decision on a proposal, or a change of decision),
// and each new instance drawn by hand or by click. Undecided proposals and unchanged instances count
// nothing, so re-saving the same image never inflates the count.
import type { ImageAnnotations, Instance, InstanceStatus } from '../../../../shared/api/types';

const DECIDED: ReadonlySet<InstanceStatus> = new Set(['accepted', 'edited', 'rejected']);

export function countCorrections(previous: ImageAnnotations | null, next: ImageAnnotations): number {
  const before = new Map<string, Instance>((previous?.instances ?? []).map((instance) => [instance.id, instance]));
  let count = 0;
  for (const instance of next.instances) {
    const old = before.get(instance.id);
    const newlyDecided = DECIDED.has(instance.status) && old?.status !== instance.status;
    const newlyDrawn = old === undefined && instance.source !== 'model';
    if (newlyDecided || newlyDrawn) count += 1;
  }
  return count;
}
