// What the side panel and the image list say: the same counts (kept, undecided), and the picker's filter.
import { describe, expect, test } from 'vitest';
import type { Category, Instance, ImageRecord } from '../../../shared/api/types';
import { filterCategories } from './CategoryPicker';
import { reviewText } from './ImageList';
import { instanceCounts } from './InstancePanel';

describe('counts the instance panel and the image list share', () => {
  test('kept = accepted + edited, undecided = proposed; the list row says the same numbers', () => {
    const statuses: Instance['status'][] = ['accepted', 'edited', 'proposed', 'proposed', 'rejected'];
    const counts = instanceCounts(statuses.map((status) => ({ status }) as Instance));
    expect(counts).toEqual({ kept: 2, undecided: 2, rejected: 1 });
    // The host's record: instanceCount = not rejected (4), proposedCount = undecided (2).
    const record: Pick<ImageRecord, 'status' | 'instanceCount' | 'proposedCount'> = { status: 'inProgress', instanceCount: 4, proposedCount: 2 };
    expect(reviewText(record)).toBe(`${counts.kept} kept · ${counts.undecided} undecided`);
    expect(reviewText({ status: 'done', instanceCount: 3, proposedCount: 0 })).toBe('Done · 3 kept');
    expect(reviewText({ status: 'unvisited', instanceCount: 0, proposedCount: 0 })).toBe('Unvisited');
    expect(reviewText({ status: 'inProgress', instanceCount: 0, proposedCount: 0 })).toBe('In progress · 0 kept');
  });
});

describe('category picker filter', () => {
  const categories = ['person', 'dog', 'hot dog', 'airplane', 'Dogsled'].map((name, index): Category => ({ id: index + 1, name, color: '#000000' }));
  test('any case, names that start with the text first, then id order; empty text lists all', () => {
    expect(filterCategories(categories, 'dog').map((category) => category.name)).toEqual(['dog', 'Dogsled', 'hot dog']);
    expect(filterCategories(categories, '  AIR ').map((category) => category.name)).toEqual(['airplane']);
    expect(filterCategories(categories, 'zebra')).toEqual([]);
    expect(filterCategories(categories, '')).toHaveLength(5);
  });
});
