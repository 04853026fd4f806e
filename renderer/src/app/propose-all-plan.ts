// Why "Propose all" leaves images out, said in the annotator's words. The host proposes only images
// never opened and with nothing saved (so no one's work is replaced), and its job reports just
// "N images proposed"; the image list's records tell which images it will skip and why.
import type { ImageRecord } from '../../../shared/api/types';

export type SkipReason = 'decided' | 'proposed' | 'opened' | 'unreadable';

export interface ProposeAllPlan {
  /** Images in the project. */
  total: number;
  /** Images the job will propose, as far as the records fetched so far tell. */
  eligible: number;
  skipped: Record<SkipReason, number>;
  /** Images whose record is not fetched yet (very large folders): the host decides for them. */
  unknown: number;
}

const REASON_TEXT: Record<SkipReason, string> = {
  decided: 'already decided',
  proposed: 'already proposed, waiting for review',
  opened: 'opened before (Propose does one)',
  unreadable: 'unreadable',
};

/** Which images the host's proposeAll job skips (the same rule as the host's): anything opened, saved or unreadable. */
export function skipReason(record: ImageRecord): SkipReason | null {
  if (record.problem) return 'unreadable';
  const kept = record.instanceCount - record.proposedCount;
  if (record.status === 'done' || kept > 0) return 'decided';
  if (record.proposedCount > 0) return 'proposed';
  if (record.status !== 'unvisited') return 'opened';
  return null;
}

export function planProposeAll(records: Record<number, ImageRecord>, total: number): ProposeAllPlan {
  const skipped: Record<SkipReason, number> = { decided: 0, proposed: 0, opened: 0, unreadable: 0 };
  let eligible = 0;
  let known = 0;
  for (let index = 0; index < total; index++) {
    const record = records[index];
    if (!record) continue;
    known += 1;
    const reason = skipReason(record);
    if (reason) skipped[reason] += 1;
    else eligible += 1;
  }
  return { total, eligible, skipped, unknown: total - known };
}

/** "12 images skipped: 10 already decided, 2 unreadable", or '' when none is. */
export function skippedText(plan: ProposeAllPlan): string {
  const parts = (Object.keys(REASON_TEXT) as SkipReason[]).filter((reason) => plan.skipped[reason] > 0).map((reason) => `${plan.skipped[reason]} ${REASON_TEXT[reason]}`);
  const count = Object.values(plan.skipped).reduce((sum, value) => sum + value, 0);
  return count === 0 ? '' : `${count} image${count === 1 ? '' : 's'} skipped: ${parts.join(', ')}`;
}

/** The notice when the job ends: how many were proposed (from the host's message) and why the rest were skipped. */
export function proposeAllEndText(state: string, hostMessage: string | undefined, plan: ProposeAllPlan | null): string {
  const proposed = /^(\d+) images? proposed/.exec(hostMessage ?? '');
  const failed = /; (\d+) failed.*$/.exec(hostMessage ?? '')?.[0] ?? '';
  const head = state === 'finished' ? 'Propose all finished' : `Propose all ${state}`;
  if (!proposed) return `${head}${hostMessage ? `: ${hostMessage}` : ''}${plan && skippedText(plan) ? `; ${skippedText(plan)}` : ''}`;
  const count = Number(proposed[1]);
  const skipped = plan ? skippedText(plan) : '';
  return `${head}: ${count} image${count === 1 ? '' : 's'} proposed${skipped ? `; ${skipped}` : ''}${failed}`;
}
