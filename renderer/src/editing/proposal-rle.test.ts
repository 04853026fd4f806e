// The learning loop measures how far the annotator moved each model proposal: the first geometric
// edit of a model proposal keeps its proposed mask as proposalRle, and nothing replaces it later.
import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { createImageDocument } from '../state/document';
import { createEditorStore } from '../state/store';
import { createToolbox } from '../tools/toolbox';
import type { PointerInfo } from '../tools/state-node';
import { editPolygons } from './instance-edits';
import { rleFromPolygons } from './mask-sync';

const proposedRle = rleFromPolygons([[10, 10, 50, 10, 50, 50, 10, 50]], 100, 100);
const proposal: Instance = {
  id: 'p',
  polygons: [[10, 10, 50, 10, 50, 50, 10, 50]],
  rle: proposedRle,
  score: 0.9,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'deepmask-bundled',
};

const at = (x: number, y: number): PointerInfo => ({ point: { x, y }, screen: { x, y }, button: 0, shiftKey: false, altKey: false, ctrlKey: false });

function setup(instances: Instance[]) {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 100, 100, 'inProgress', instances), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg' });
  const toolbox = createToolbox({ store, api: { segmentAt: async () => ({ instance: null, latencyMs: 1 }) }, reportLatency: () => {} });
  const doc = () => store.getState().document.images['a.jpg'];
  return { store, toolbox, doc };
}

describe('proposalRle', () => {
  test('a vertex drag on a model proposal keeps the proposed mask and marks it edited', () => {
    const { toolbox, doc } = setup([proposal]);
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerUp(at(30, 30));
    toolbox.pointerDown(at(50, 10));
    for (let step = 1; step <= 5; step++) toolbox.pointerMove(at(50 + step * 2, 10 - step));
    toolbox.pointerUp(at(60, 5));
    const edited = doc().instances.p;
    expect(edited.status).toBe('edited');
    expect(edited.proposalRle).toEqual(proposedRle);
    expect(edited.rle.counts).not.toBe(proposedRle.counts);
  });

  test('translating keeps the proposed mask too', () => {
    const { toolbox, doc } = setup([proposal]);
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerMove(at(35, 30));
    toolbox.pointerMove(at(40, 30));
    toolbox.pointerUp(at(40, 30));
    expect(doc().instances.p.polygons[0][0]).toBe(20);
    expect(doc().instances.p.proposalRle).toEqual(proposedRle);
  });

  test('a second edit never overwrites it; undo of the first edit removes it again', () => {
    const { store, doc } = setup([proposal]);
    store.getState().actions.execute(editPolygons(doc(), 'p', [[10, 10, 70, 10, 50, 50, 10, 50]], 'Move vertex'));
    const afterFirst = doc().instances.p.rle;
    store.getState().actions.execute(editPolygons(doc(), 'p', [[10, 10, 70, 10, 80, 80, 10, 50]], 'Move vertex'));
    expect(doc().instances.p.proposalRle).toEqual(proposedRle);
    expect(doc().instances.p.proposalRle).not.toEqual(afterFirst);
    store.getState().actions.undo();
    store.getState().actions.undo();
    expect(doc().instances.p).toEqual(proposal);
    expect('proposalRle' in doc().instances.p).toBe(false);
  });

  test('an existing proposalRle (loaded from disk) is kept as it is', () => {
    const earlier = rleFromPolygons([[0, 0, 20, 0, 20, 20]], 100, 100);
    const { store, doc } = setup([{ ...proposal, status: 'edited', proposalRle: earlier }]);
    store.getState().actions.execute(editPolygons(doc(), 'p', [[10, 10, 70, 10, 50, 50, 10, 50]], 'Move vertex'));
    expect(doc().instances.p.proposalRle).toBe(earlier);
  });

  test('hand-drawn and click-to-segment instances get none', () => {
    const manual: Instance = { ...proposal, id: 'm', source: 'manual', score: null, status: 'accepted', modelVersion: null };
    const click: Instance = { ...proposal, id: 'c', source: 'click', status: 'accepted' };
    const { store, doc } = setup([manual, click]);
    store.getState().actions.execute(editPolygons(doc(), 'm', [[10, 10, 70, 10, 50, 50]], 'Move vertex'));
    store.getState().actions.execute(editPolygons(doc(), 'c', [[10, 10, 70, 10, 50, 50]], 'Move vertex'));
    expect(doc().instances.m.proposalRle).toBeUndefined();
    expect(doc().instances.c.proposalRle).toBeUndefined();
    expect(doc().instances.m.status).toBe('edited');
  });
});
