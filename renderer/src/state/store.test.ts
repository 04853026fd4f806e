import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { addInstances, invertCommand, applyCommand, removeInstances, setStatus, updateInstances } from './commands';
import { createImageDocument, deriveStatus, orderedInstances } from './document';
import { createEditorStore } from './store';

function instance(id: string, overrides: Partial<Instance> = {}): Instance {
  return {
    id,
    polygons: [[0, 0, 10, 0, 10, 10]],
    rle: { size: [20, 20], counts: 'x' },
    score: 0.9,
    status: 'proposed',
    source: 'model',
    categoryId: null,
    modelVersion: 'v1',
    ...overrides,
  };
}

function storeWith(instances: Instance[]) {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 20, 20, 'unvisited', instances), 3);
  store.getState().actions.setSession({ currentImageId: 'a.jpg' });
  return store;
}

const doc = (store: ReturnType<typeof createEditorStore>) => store.getState().document.images['a.jpg'];

describe('commands', () => {
  test('applying a command and then its inverse restores the document exactly', () => {
    const document = createImageDocument('a.jpg', 20, 20, 'unvisited', [instance('1'), instance('2'), instance('3')]);
    const state = { images: { 'a.jpg': document }, categories: {} };
    const command = removeInstances(document, ['1', '3'], 'Delete')!;
    const after = applyCommand(state, command);
    expect(after.images['a.jpg'].order).toEqual(['2']);
    const restored = applyCommand(after, invertCommand(command));
    expect(restored.images['a.jpg'].order).toEqual(['1', '2', '3']);
    expect(restored.images['a.jpg'].instances).toEqual(document.instances);
  });

  test('a change whose "before" does not match the document is refused, not applied silently', () => {
    const document = createImageDocument('a.jpg', 20, 20, 'unvisited', [instance('1')]);
    const state = { images: { 'a.jpg': document }, categories: {} };
    const stale = setStatus(document, ['1'], 'accepted', 'Accept')!;
    const moved = applyCommand(state, stale);
    expect(() => applyCommand(moved, stale)).toThrow(/another state/);
  });

  test('adding an instance whose id exists is an error', () => {
    const document = createImageDocument('a.jpg', 20, 20, 'unvisited', [instance('1')]);
    expect(() => addInstances(document, [instance('1')], 'Add')).toThrow(/already exists/);
  });

  test('an update that changes nothing yields no command (no empty undo steps)', () => {
    const document = createImageDocument('a.jpg', 20, 20, 'unvisited', [instance('1', { status: 'accepted' })]);
    expect(setStatus(document, ['1'], 'accepted', 'Accept')).toBeNull();
    expect(updateInstances(document, ['missing'], (i) => ({ ...i, score: 0 }), 'x')).toBeNull();
  });

  test('status is derived: in progress while proposals wait, done once all are decided', () => {
    const document = createImageDocument('a.jpg', 20, 20, 'unvisited', [instance('1'), instance('2', { status: 'accepted' })]);
    expect(deriveStatus(document)).toBe('inProgress');
    const decided = applyCommand({ images: { 'a.jpg': document }, categories: {} }, setStatus(document, ['1'], 'rejected', 'Reject')!);
    expect(deriveStatus(decided.images['a.jpg'])).toBe('done');
  });
});

describe('editor store undo/redo', () => {
  test('unlimited undo and redo walk the exact same states', () => {
    const store = storeWith([instance('1')]);
    const states = [doc(store)];
    for (let i = 0; i < 60; i++) {
      const score = i / 100;
      store.getState().actions.execute(updateInstances(doc(store), ['1'], (x) => ({ ...x, score }), 'Score'));
      states.push(doc(store));
    }
    for (let i = 60; i > 0; i--) {
      expect(store.getState().actions.undo()).toBe(true);
      expect(orderedInstances(doc(store))).toEqual(orderedInstances(states[i - 1]));
    }
    expect(store.getState().actions.undo()).toBe(false);
    for (let i = 1; i <= 60; i++) {
      expect(store.getState().actions.redo()).toBe(true);
      expect(orderedInstances(doc(store))).toEqual(orderedInstances(states[i]));
    }
    expect(store.getState().actions.redo()).toBe(false);
  });

  test('a new command after an undo clears the redo stack', () => {
    const store = storeWith([instance('1'), instance('2')]);
    const { actions } = store.getState();
    actions.execute(setStatus(doc(store), ['1'], 'accepted', 'Accept'));
    actions.undo();
    actions.execute(setStatus(doc(store), ['2'], 'rejected', 'Reject'));
    expect(actions.redo()).toBe(false);
    expect(doc(store).instances['1'].status).toBe('proposed');
    expect(doc(store).instances['2'].status).toBe('rejected');
  });

  test("a model's proposals enter as one batch: one undo removes them all", () => {
    const store = storeWith([instance('manual', { source: 'manual', score: null, status: 'accepted' })]);
    const proposals = Array.from({ length: 25 }, (_, i) => instance(`p${i}`));
    store.getState().actions.execute(addInstances(doc(store), proposals, 'Propose'));
    expect(doc(store).order).toHaveLength(26);
    store.getState().actions.undo();
    expect(doc(store).order).toEqual(['manual']);
    store.getState().actions.redo();
    expect(doc(store).order).toEqual(['manual', ...proposals.map((p) => p.id)]);
  });

  test('undo acts on the current image only', () => {
    const store = storeWith([instance('1')]);
    const { actions } = store.getState();
    actions.loadImageDocument(createImageDocument('b.jpg', 20, 20, 'unvisited', [instance('9')]), 0);
    actions.execute(setStatus(doc(store), ['1'], 'accepted', 'Accept'));
    actions.setSession({ currentImageId: 'b.jpg' });
    expect(actions.undo()).toBe(false);
    expect(doc(store).instances['1'].status).toBe('accepted');
    actions.setSession({ currentImageId: 'a.jpg' });
    expect(actions.undo()).toBe(true);
    expect(doc(store).instances['1'].status).toBe('proposed');
  });

  test('bailing to a mark undoes the whole gesture and leaves nothing to redo', () => {
    const store = storeWith([instance('1')]);
    const { actions } = store.getState();
    actions.execute(setStatus(doc(store), ['1'], 'accepted', 'Accept'));
    const before = doc(store);
    actions.mark('segment');
    actions.execute(addInstances(doc(store), [instance('c1', { source: 'click' })], 'Segment'));
    actions.execute(removeInstances(doc(store), ['c1'], 'Replace'));
    actions.execute(addInstances(doc(store), [instance('c2', { source: 'click' })], 'Segment larger'));
    actions.bailToMark('segment');
    expect(orderedInstances(doc(store))).toEqual(orderedInstances(before));
    expect(actions.redo()).toBe(false);
    expect(actions.undo()).toBe(true); // the accept before the mark is still undoable
    expect(doc(store).instances['1'].status).toBe('proposed');
  });

  test('squashing to a mark makes the gesture one undo step', () => {
    const store = storeWith([instance('1')]);
    const { actions } = store.getState();
    actions.mark('segment');
    actions.execute(addInstances(doc(store), [instance('c1')], 'Segment'));
    actions.execute(setStatus(doc(store), ['c1'], 'accepted', 'Accept'));
    actions.squashToMark('segment', 'Click to segment');
    expect(store.getState().history['a.jpg'].undo).toHaveLength(1);
    actions.undo();
    expect(doc(store).order).toEqual(['1']);
  });

  test('reloading an image from disk drops its history (old commands no longer apply)', () => {
    const store = storeWith([instance('1')]);
    const { actions } = store.getState();
    actions.execute(setStatus(doc(store), ['1'], 'accepted', 'Accept'));
    actions.loadImageDocument(createImageDocument('a.jpg', 20, 20, 'done', [instance('1', { status: 'rejected' })]), 7);
    expect(actions.undo()).toBe(false);
    expect(store.getState().sync.revisions['a.jpg']).toBe(7);
  });
});

describe('unloading', () => {
  test('an unloaded image is forgotten entirely (document, history, sync state)', () => {
    const store = storeWith([instance('1')]);
    store.getState().actions.execute(setStatus(doc(store), ['1'], 'accepted', 'Accept'));
    store.getState().actions.unloadImage('a.jpg');
    const state = store.getState();
    expect(state.document.images['a.jpg']).toBeUndefined();
    expect(state.history['a.jpg']).toBeUndefined();
    expect(state.sync.revisions['a.jpg']).toBeUndefined();
    expect(state.sync.syncedDocuments['a.jpg']).toBeUndefined();
  });
});
