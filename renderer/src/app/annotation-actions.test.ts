import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { rleFromPolygons } from '../editing/mask-sync';
import { addInstances, removeInstances } from '../state/commands';
import { createImageDocument, deriveStatus } from '../state/document';
import { createEditorStore } from '../state/store';
import { orderedInstances } from '../state/document';
import { hitTest } from '../tools/hit-test';
import { acceptShownProposals, assignCategory, cycleSelection, decide, finishImage, keyTarget } from './annotation-actions';
import { fakeActionContext } from './actions/fake-context';
import { actionById, isEnabled } from './actions/registry';
import { dispatchKey } from './keyboard';
import { allProposalsInOrder, displayOrder, shownProposals, visibilityOf } from '../state/visibility';

const SIZE = 100;
let slot = 0;
/** A proposal on a square of its own (none overlaps another unless `square` says so). */
const proposal = (id: string, score: number, overrides: Partial<Instance> = {}, square?: [number, number, number]): Instance => {
  const [x, y, side] = square ?? [(slot % 10) * 10, Math.floor(slot / 10) * 10, 8];
  slot += 1;
  const polygons = [[x, y, x + side, y, x + side, y + side, x, y + side]];
  return { id, polygons, rle: rleFromPolygons(polygons, SIZE, SIZE), score, status: 'proposed', source: 'model', categoryId: null, modelVersion: 'v1', ...overrides };
};

function setup(instances: Instance[]) {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', SIZE, SIZE, 'inProgress', instances), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg', scoreThreshold: 0.5 });
  const status = (id: string) => store.getState().document.images['a.jpg'].instances[id].status;
  const selected = () => store.getState().session.selection?.instanceId ?? null;
  const target = () => keyTarget(store.getState())?.id ?? null;
  return { store, status, selected, target };
}

describe('decisions follow one visible rule', () => {
  test('A accepts the key target and keeps it selected, so a category key lands on it ("A then 4")', () => {
    const { store, status, selected, target } = setup([proposal('low', 0.6), proposal('best', 0.95), proposal('hidden', 0.2), proposal('mid', 0.8)]);
    expect(target()).toBe('best'); // nothing selected: the first in Tab order
    expect(decide(store, 'accepted')).toBe(true);
    expect(status('best')).toBe('accepted');
    expect(selected()).toBe('best');
    assignCategory(store, 4);
    expect(store.getState().document.images['a.jpg'].instances.best.categoryId).toBe(4);
    expect(store.getState().document.images['a.jpg'].instances.mid.categoryId).toBeNull();
    expect(selected()).toBe('best');
  });

  test("A accepts with the category the app suggests (one key); a category key right after overrides it; undo takes both back", () => {
    const { store, status } = setup([proposal('best', 0.95, { suggestedCategoryId: 2, suggestionConfidence: 0.9 }), proposal('next', 0.9, { suggestedCategoryId: 99 })]);
    store.getState().actions.setCategories([
      { id: 2, name: 'dog', color: '#ff0000' },
      { id: 3, name: 'cat', color: '#00ff00' },
    ]);
    const category = (id: string) => store.getState().document.images['a.jpg'].instances[id].categoryId;
    decide(store, 'accepted');
    expect([status('best'), category('best')]).toEqual(['accepted', 2]);
    assignCategory(store, 3);
    expect(category('best')).toBe(3);
    store.getState().actions.undo();
    store.getState().actions.undo();
    expect([status('best'), category('best')]).toEqual(['proposed', null]);
    // A suggestion of a category the project no longer has is ignored.
    store.getState().actions.setSession({ selection: { instanceId: 'next', vertex: null } });
    decide(store, 'accepted');
    expect([status('next'), category('next')]).toEqual(['accepted', null]);
  });

  test('R rejects the key target and clears the selection: the next proposal in Tab order becomes the target', () => {
    const { store, status, selected, target } = setup([proposal('low', 0.6), proposal('best', 0.95), proposal('hidden', 0.2), proposal('mid', 0.8)]);
    decide(store, 'rejected');
    expect(status('best')).toBe('rejected');
    expect(selected()).toBeNull();
    expect(target()).toBe('mid');
    decide(store, 'rejected');
    decide(store, 'rejected');
    expect(status('low')).toBe('rejected');
    expect(target()).toBeNull(); // 'hidden' is below the threshold: nothing left to act on
    expect(decide(store, 'accepted')).toBe(false);
    expect(status('hidden')).toBe('proposed');
  });

  test('Tab moves on from the key target: after A it goes to the next proposal; Shift+Tab goes back', () => {
    const { store, selected } = setup([proposal('a', 0.9), proposal('b', 0.7, { status: 'accepted' }), proposal('c', 0.6), proposal('d', 0.55), proposal('e', 0.1)]);
    cycleSelection(store, 1); // nothing selected, target 'a': Tab moves on to 'c'
    expect(selected()).toBe('c');
    cycleSelection(store, 1);
    expect(selected()).toBe('d');
    cycleSelection(store, 1);
    expect(selected()).toBe('a'); // wraps; 'b' is decided, 'e' below the threshold
    decide(store, 'accepted'); // 'a' stays selected but leaves the proposals
    cycleSelection(store, 1);
    expect(selected()).toBe('c');
    store.getState().actions.setSession({ selection: null });
    cycleSelection(store, -1); // Shift+Tab from the first: the last
    expect(selected()).toBe('d');
  });

  test('with no proposal left, Tab walks the decided instances', () => {
    const { store, selected } = setup([proposal('x', 0.9, { status: 'accepted' }), proposal('y', 0.8, { status: 'edited' }), proposal('z', 0.7, { status: 'rejected' })]);
    cycleSelection(store, 1);
    expect(selected()).toBe('y');
    cycleSelection(store, 1);
    expect(selected()).toBe('x');
  });

  test('while a segment result is open the decision keys wait (and say so)', () => {
    const { store, status } = setup([proposal('p', 0.9)]);
    store.getState().actions.setEphemeral({ segment: { imageId: 'a.jpg', clicks: [{ x: 1, y: 1, positive: true }], box: null, scaleIndex: 0, result: null, pending: true, commitStatus: null } });
    expect(decide(store, 'rejected')).toBe(false);
    expect(status('p')).toBe('proposed');
    expect(store.getState().sync.notice?.text).toMatch(/Enter adds it/);
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

  test('finish image rejects every undecided proposal (hidden ones too) in one undo step', () => {
    const { store, status } = setup([proposal('k', 0.9, { status: 'accepted' }), proposal('a', 0.8), proposal('low', 0.1), proposal('b', 0.7)]);
    store.getState().actions.setSession({ proposalLimit: 1, selection: { instanceId: 'a', vertex: null } });
    expect(finishImage(store)).toBe(true);
    expect(['k', 'a', 'low', 'b'].map(status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);
    expect(store.getState().session.selection).toBeNull();
    expect(store.getState().history['a.jpg'].undo.map((command) => command.label)).toEqual(['Finish image (reject 3 undecided)']);
    store.getState().actions.undo();
    expect(['k', 'a', 'low', 'b'].map(status)).toEqual(['accepted', 'proposed', 'proposed', 'proposed']);
    expect(finishImage(store)).toBe(true);
    expect(finishImage(store)).toBe(false); // done already: nothing to do
  });

  test('finish image on an image with nothing on it marks it done, saved as done; one undo takes the mark back; the key and the action agree', () => {
    const { store } = setup([]);
    const document = () => store.getState().document.images['a.jpg'];
    expect(deriveStatus(document())).toBe('inProgress');
    const action = actionById('finishImage');
    expect(isEnabled(action, store.getState())).toBe(true);
    const context = fakeActionContext(store);
    expect(dispatchKey(context, { key: 'Enter', ctrlKey: true, shiftKey: false, altKey: false })).toBe(true);
    expect(deriveStatus(document())).toBe('done');
    expect(store.getState().history['a.jpg'].undo.map((command) => command.label)).toEqual(['Finish image (nothing on it)']);
    expect(store.getState().sync.notice?.text).toMatch(/^Image done with nothing on it/);
    expect(isEnabled(action, store.getState())).toBe(false);
    store.getState().actions.undo();
    expect(deriveStatus(document())).toBe('inProgress');
    store.getState().actions.redo();
    expect(deriveStatus(document())).toBe('done');
    // Something drawn later decides by itself; deleting it leaves the image done, as marked.
    const drawn = { ...proposal('d', 0.9), status: 'accepted' as const };
    store.getState().actions.execute(addInstances(document(), [drawn], 'Draw'));
    expect(deriveStatus(document())).toBe('done');
    store.getState().actions.execute(removeInstances(document(), ['d'], 'Delete'));
    expect(deriveStatus(document())).toBe('done');
  });

  test('an empty image saved as done loads as done; a proposal arriving makes it in progress until finished again', () => {
    const store = createEditorStore();
    store.getState().actions.loadImageDocument(createImageDocument('e.jpg', SIZE, SIZE, 'done', []), 2);
    store.getState().actions.setSession({ currentImageId: 'e.jpg' });
    const document = () => store.getState().document.images['e.jpg'];
    expect(deriveStatus(document())).toBe('done');
    expect(finishImage(store)).toBe(false);
    store.getState().actions.execute(addInstances(document(), [proposal('p', 0.9)], 'Propose'));
    expect(deriveStatus(document())).toBe('inProgress');
    expect(finishImage(store)).toBe(true);
    expect(deriveStatus(document())).toBe('done');
  });
});

describe('display order: diverse first', () => {
  test('near-copies of a better proposal come after every distinct object; Show top N and Tab follow that order', () => {
    const big: [number, number, number] = [10, 10, 60];
    const { store, selected } = setup([
      proposal('object', 0.99, {}, big),
      proposal('copy1', 0.98, {}, [11, 10, 60]),
      proposal('copy2', 0.97, {}, [10, 12, 59]),
      proposal('small', 0.6, {}, [80, 80, 10]),
      proposal('other', 0.55, {}, [75, 2, 12]),
    ]);
    store.getState().actions.setSession({ proposalLimit: 3 });
    const document = store.getState().document.images['a.jpg'];
    expect(displayOrder(document)).toEqual(['object', 'small', 'other', 'copy1', 'copy2']);
    const visible = visibilityOf(document, store.getState().session);
    expect(orderedInstances(document).filter(visible).map((instance) => instance.id)).toEqual(['object', 'small', 'other']);
    cycleSelection(store, 1);
    expect(selected()).toBe('small');
    // Accepting the object keeps its copies behind the other objects (the order is computed once per proposal set).
    store.getState().actions.setSession({ selection: null });
    decide(store, 'accepted');
    expect(store.getState().document.images['a.jpg'].instances.object.status).toBe('accepted');
    store.getState().actions.setSession({ selection: null });
    const after = store.getState().document.images['a.jpg'];
    expect(displayOrder(after)).toBe(displayOrder(document));
    expect(shownProposals(after, store.getState().session).map((instance) => instance.id)).toEqual(['small', 'other', 'copy1']);
    expect(keyTarget(store.getState())?.id).toBe('small');
  });

  test('the instance list puts the shown proposals first: a distinct object below the threshold comes after near-copies above it', () => {
    const big: [number, number, number] = [10, 10, 60];
    const { store } = setup([proposal('object', 0.99, {}, big), proposal('copy', 0.9, {}, [11, 10, 60]), proposal('faint', 0.1, {}, [80, 80, 10])]);
    const document = store.getState().document.images['a.jpg'];
    // Display order: the faint distinct object ranks before the copy; the list follows the threshold first.
    expect(displayOrder(document)).toEqual(['object', 'faint', 'copy']);
    expect(allProposalsInOrder(document, { scoreThreshold: 0.5 }).map((instance) => instance.id)).toEqual(['object', 'copy', 'faint']);
    expect(shownProposals(document, { ...store.getState().session, scoreThreshold: 0.5 }).map((instance) => instance.id)).toEqual(['object', 'copy']);
    expect(allProposalsInOrder(document, { scoreThreshold: 0 }).map((instance) => instance.id)).toEqual(['object', 'faint', 'copy']);
  });

  test('the order is computed once per proposal set: the same array while only statuses change', () => {
    const { store } = setup([proposal('a', 0.9), proposal('b', 0.8)]);
    const first = displayOrder(store.getState().document.images['a.jpg']);
    decide(store, 'rejected');
    expect(displayOrder(store.getState().document.images['a.jpg'])).toBe(first);
  });
});

describe('visibility', () => {
  test('only the first proposalLimit pending proposals are shown; deciding one lets the next in', () => {
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
    decide(store, 'rejected'); // the first
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
