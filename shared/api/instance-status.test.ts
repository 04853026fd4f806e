import { describe, expect, test } from 'vitest';
import { exportedStatuses, isAcceptedOrEdited } from './instance-status';
import type { InstanceStatus } from './types';

describe('instance statuses', () => {
  test('accepted and edited instances are the annotator\'s; proposed and rejected are not', () => {
    const statuses: InstanceStatus[] = ['proposed', 'accepted', 'rejected', 'edited'];
    expect(statuses.filter((status) => isAcceptedOrEdited({ status }))).toEqual(['accepted', 'edited']);
  });

  test('exports write accepted and edited ones, plus proposed ones only when asked; never rejected', () => {
    expect([...exportedStatuses(undefined)].sort()).toEqual(['accepted', 'edited']);
    expect([...exportedStatuses(true)].sort()).toEqual(['accepted', 'edited']);
    expect([...exportedStatuses(false)].sort()).toEqual(['accepted', 'edited', 'proposed']);
  });
});
