import { describe, expect, test } from 'vitest';
import type { ProposeAllOutcome } from '../../../shared/api/types';
import { proposeAllEndText, skippedText } from './propose-all-summary';

const outcome = (overrides: Partial<ProposeAllOutcome> = {}): ProposeAllOutcome => ({
  proposed: 0,
  failed: 0,
  skipped: { decided: 0, proposed: 0, opened: 0, unreadable: 0, damaged: 0, changed: 0 },
  notReached: 0,
  ...overrides,
});

describe('propose all says what it did, from the host’s account', () => {
  test('skip reasons in the annotator’s words, in a fixed order, only those that happened', () => {
    const skipped = { decided: 2, proposed: 1, opened: 1, unreadable: 1, damaged: 1, changed: 1 };
    expect(skippedText(outcome({ skipped }))).toBe(
      '7 images skipped: 2 already decided, 1 already proposed, waiting for review, 1 opened before (Propose does one), 1 unreadable, 1 with a damaged annotation file (kept aside), 1 saved meanwhile (your work kept)',
    );
    expect(skippedText(outcome())).toBe('');
  });

  test('the end notice: proposed, skipped, failed (first named by the host), not reached; a hint when nothing was proposed', () => {
    const skipped = { ...outcome().skipped, decided: 1 };
    expect(proposeAllEndText({ state: 'finished', message: '0 images proposed', proposeAll: outcome({ skipped }) })).toBe(
      'Propose all finished: 0 images proposed; 1 image skipped: 1 already decided. Propose (toolbar) proposes the open image again.',
    );
    expect(proposeAllEndText({ state: 'cancelled', message: '3 images proposed; 1 failed (first: x: y)', proposeAll: outcome({ proposed: 3, failed: 1, notReached: 4, skipped }) })).toBe(
      'Propose all cancelled: 3 images proposed; 1 image skipped: 1 already decided; 1 failed (first: x: y); 4 images not reached',
    );
    expect(proposeAllEndText({ state: 'failed', message: 'model crashed' })).toBe('Propose all failed: model crashed');
  });
});
