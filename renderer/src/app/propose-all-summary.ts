// What "Propose all" did, said in the annotator's words, from the job's own account: the host
// proposes only images nobody has worked on (so no one's work is replaced) and its last event
// (JobProgress.proposeAll) says what happened to every image, skipped ones with their reason.
import type { JobProgress, ProposeAllOutcome, ProposeAllSkipReason } from '../../../shared/api/types';

const REASON_TEXT: Record<ProposeAllSkipReason, string> = {
  decided: 'already decided',
  proposed: 'already proposed, waiting for review',
  opened: 'opened before (Propose does one)',
  unreadable: 'unreadable',
  damaged: 'with a damaged annotation file (kept aside)',
  changed: 'saved meanwhile (your work kept)',
};
const REASONS = Object.keys(REASON_TEXT) as ProposeAllSkipReason[];

const images = (count: number) => `${count} image${count === 1 ? '' : 's'}`;

/** "12 images skipped: 10 already decided, 2 unreadable", or '' when none was. */
export function skippedText(outcome: ProposeAllOutcome): string {
  const reasons = REASONS.filter((reason) => outcome.skipped[reason] > 0);
  const count = reasons.reduce((sum, reason) => sum + outcome.skipped[reason], 0);
  return count === 0 ? '' : `${images(count)} skipped: ${reasons.map((reason) => `${outcome.skipped[reason]} ${REASON_TEXT[reason]}`).join(', ')}`;
}

/** The notice when a propose-all job ends: how many images were proposed, skipped and why, failed, not reached. */
export function proposeAllEndText(progress: Pick<JobProgress, 'state' | 'message' | 'proposeAll'>): string {
  const head = progress.state === 'finished' ? 'Propose all finished' : `Propose all ${progress.state}`;
  const outcome = progress.proposeAll;
  // A failed job (or a host from before the outcome was reported) has its message only.
  if (!outcome) return `${head}${progress.message ? `: ${progress.message}` : ''}`;
  const parts = [`${head}: ${images(outcome.proposed)} proposed`];
  const skipped = skippedText(outcome);
  if (skipped) parts.push(skipped);
  // The host's message names the first failure.
  if (outcome.failed > 0) parts.push(/\d+ failed.*$/.exec(progress.message ?? '')?.[0] ?? `${outcome.failed} failed`);
  if (outcome.notReached > 0) parts.push(`${images(outcome.notReached)} not reached`);
  const hint = progress.state === 'finished' && outcome.proposed === 0 && outcome.failed === 0 ? '. Propose (toolbar) proposes the open image again.' : '';
  return `${parts.join('; ')}${hint}`;
}
