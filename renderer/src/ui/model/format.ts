// How the model panel writes numbers, times and fine-tune phases for the user.
import type { FineTuneProgress } from '../../../../shared/api/types';

/** AR as COCO papers write it: ".284"; an em dash when unknown. */
export function formatAr(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(3).replace(/^0(?=\.)/, '');
}

/** "45 s", "3 min 20 s", "1 h 05 min"; an em dash when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A creation time in the user's locale, short; "bundled" for versions that came with the app. */
export function formatCreated(iso: string | null): string {
  if (!iso) return 'bundled';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const PHASES: Record<FineTuneProgress['phase'], string> = {
  collecting: 'Collecting corrections',
  features: 'Computing features',
  training: 'Training',
  evaluating: 'Evaluating on held-out images',
  finished: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export function phaseLabel(phase: FineTuneProgress['phase']): string {
  return PHASES[phase] ?? phase;
}

/** "Training · step 12/40 · ETA 8 s · 14.2 samples/s" (parts that are unknown are left out). */
export function progressLine(progress: FineTuneProgress): string {
  const parts = [phaseLabel(progress.phase)];
  if (progress.totalSteps > 0) parts.push(`step ${progress.step}/${progress.totalSteps}`);
  if (progress.etaSeconds !== null && progress.phase !== 'finished') parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  if (progress.samplesPerSecond !== null) parts.push(`${progress.samplesPerSecond.toFixed(1)} samples/s`);
  return parts.join(' · ');
}
