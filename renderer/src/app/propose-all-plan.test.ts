import { describe, expect, test } from 'vitest';
import type { ImageRecord } from '../../../shared/api/types';
import { planProposeAll, proposeAllEndText, skippedText } from './propose-all-plan';

const record = (id: string, overrides: Partial<ImageRecord> = {}): ImageRecord => ({ id, fileSize: 1, status: 'unvisited', instanceCount: 0, proposedCount: 0, ...overrides });

describe('propose all says why it skips images', () => {
  const records = Object.fromEntries(
    [
      record('new.jpg'),
      record('done.jpg', { status: 'done', instanceCount: 3 }),
      record('kept.jpg', { status: 'inProgress', instanceCount: 40, proposedCount: 38 }),
      record('review.jpg', { status: 'inProgress', instanceCount: 100, proposedCount: 100 }),
      record('opened.jpg', { status: 'inProgress' }),
      record('broken.jpg', { problem: { code: 'DECODE_FAILED', message: 'bad' } }),
    ].map((value, index) => [index, value]),
  );

  test('skip reasons by the host’s rule (only never-opened images with nothing saved are proposed)', () => {
    const plan = planProposeAll(records, 7);
    expect(plan).toEqual({ total: 7, eligible: 1, skipped: { decided: 2, proposed: 1, opened: 1, unreadable: 1 }, unknown: 1 });
    expect(skippedText(plan)).toBe('5 images skipped: 2 already decided, 1 already proposed, waiting for review, 1 opened before (Propose does one), 1 unreadable');
  });

  test('the end notice: proposed count from the host, skip reasons from the plan', () => {
    const plan = planProposeAll({ 0: record('a', { status: 'done', instanceCount: 1 }) }, 1);
    expect(proposeAllEndText('finished', '0 images proposed', plan)).toBe('Propose all finished: 0 images proposed; 1 image skipped: 1 already decided');
    expect(proposeAllEndText('cancelled', '3 images proposed; 1 failed (first: x: y)', null)).toBe('Propose all cancelled: 3 images proposed; 1 failed (first: x: y)');
    expect(proposeAllEndText('failed', 'model crashed', null)).toBe('Propose all failed: model crashed');
  });
});
