import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { createImageDocument } from '../state/document';
import { createEditorStore } from '../state/store';
import { orderedInstances } from '../state/document';
import { hitTest } from '../tools/hit-test';
import { acceptShownProposals, assignCategory, cycleSelection, decide } from './annotation-actions';
import { visibilityOf } from '../state/visibility';

const proposal = (id: string, score: number, overrides: Partial<Instance> = {}): Instance => ({
  id,
  polygons: [[0, 0, 5, 0, 5, 5]],
  rle: { size: [10, 10], counts: 'x' },
  score,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
  ...overrides,
});

function setup(instances: Instance[]) {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 10, 10, 'inProgress', instances), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg', scoreThreshold: 0.5 });
  const status = (id: string) => store.getState().document.images['a.jpg'].instances[id].status;
  return { store, status };
}

describe('decisions', () => {
  test('A without a selection accepts the best visible proposal, then selects the next best', () => {
    const { store, status } = setup([proposal('low', 0.6), proposal('best', 0.95), proposal('hidden', 0.2), proposal('mid', 0.8)]);
    expect(decide(store, 'accepted')).toBe(true);
    expect(status('best')).toBe('accepted');
    expect(store.getState().session.selection?.instanceId).toBe('mid');
    decide(store, 'rejected');
    expect(status('mid')).toBe('rejected');
    expect(store.getState().session.selection?.instanceId).toBe('low');
    decide(store, 'accepted');
    expect(store.getState().session.selection).toBeNull(); // 'hidden' is below the threshold
    expect(status('hidden')).toBe('proposed');
    expect(decide(store, 'accepted')).toBe(false);
  });

  test('accept shown is one undo step and skips hidden proposals', () => {
    const { store, status } = setup([proposal('a', 0.9), proposal('b', 0.7), proposal('c', 0.3)]);
    expect(acceptShownProposals(store)).toBe(2);
    expect([status('a'), status('b'), status('c')]).toEqual(['accepted', 'accepted', 'proposed']);
    store.getState().actions.undo();
    expect([status('a'), status('b')]).toEqual(['proposed', 'proposed']);
  });

  test('assigning a category to a proposal accepts it; edited instances stay edited', () => {
    const { store, status } = setup([proposal('p', 0.9), proposal('e', 0.9, { status: 'edited' })]);
    store.getState().actions.setSession({ selection: { instanceId: 'p', vertex: null } });
    assignCategory(store, 3);
    expect(status('p')).toBe('accepted');
    expect(store.getState().document.images['a.jpg'].instances.p.categoryId).toBe(3);
    store.getState().actions.setSession({ selection: { instanceId: 'e', vertex: null } });
    assignCategory(store, 4);
    expect(status('e')).toBe('edited');
  });

  test('Tab cycles through pending visible proposals', () => {
    const { store } = setup([proposal('a', 0.9), proposal('b', 0.7, { status: 'accepted' }), proposal('c', 0.6), proposal('d', 0.1)]);
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      cycleSelection(store, 1);
      seen.push(store.getState().session.selection?.instanceId);
    }
    expect(seen).toEqual(['a', 'c', 'a']);
    store.getState().actions.setSession({ selection: null });
    cycleSelection(store, -1); // Shift+Tab with nothing selected: the last one
    expect(store.getState().session.selection?.instanceId).toBe('c');
  });

  test('only the best proposalLimit pending proposals are shown; deciding one lets the next in', () => {
    const scores = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.3];
    const { store, status } = setup(scores.map((score, index) => proposal(`p${index}`, score)));
    store.getState().actions.setSession({ proposalLimit: 3 });
    const shownIds = () => {
      const state = store.getState();
      const document = state.document.images['a.jpg'];
      const visible = visibilityOf(document, state.session);
      return orderedInstances(document).filter((instance) => instance.status === 'proposed' && visible(instance)).map((instance) => instance.id);
    };
    expect(shownIds()).toEqual(['p0', 'p1', 'p2']);
    decide(store, 'rejected'); // the best one
    expect(status('p0')).toBe('rejected');
    expect(shownIds()).toEqual(['p1', 'p2', 'p3']);
    // Tab stays within what is shown
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 6; i++) {
      cycleSelection(store, 1);
      seen.add(store.getState().session.selection?.instanceId);
    }
    expect([...seen].sort()).toEqual(['p1', 'p2', 'p3']);
    // Accept shown accepts those three only, in one step
    expect(acceptShownProposals(store)).toBe(3);
    expect(scores.map((_, index) => status(`p${index}`))).toEqual(['rejected', 'accepted', 'accepted', 'accepted', 'proposed', 'proposed', 'proposed']);
    expect(shownIds()).toEqual(['p4', 'p5']); // p6 is below the threshold
    store.getState().actions.setSession({ proposalLimit: 0, scoreThreshold: 0 });
    expect(shownIds()).toEqual(['p4', 'p5', 'p6']);
  });

  test('hit-testing ignores proposals that are not shown', () => {
    const square = (id: string, score: number): Instance => proposal(id, score, { polygons: [[0, 0, 10, 0, 10, 10, 0, 10]] });
    const { store } = setup([square('shown', 0.9), square('beyond-limit', 0.8)]);
    store.getState().actions.setSession({ proposalLimit: 1 });
    const state = store.getState();
    // 'beyond-limit' is on top in draw order, yet not shown: the click finds 'shown'
    expect(hitTest(state.document.images['a.jpg'], state.session, { x: 5, y: 5 }, 1)).toEqual({ kind: 'instance', instanceId: 'shown' });
  });
});
