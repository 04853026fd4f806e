// The tools as state machines, driven with synthetic pointer info (image pixels) against a real
// store: what a gesture commits, what Escape leaves behind, what the model calls return.
import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { createImageDocument } from '../state/document';
import { createEditorStore } from '../state/store';
import { createToolbox } from './toolbox';
import type { ToolContext } from './editor';
import type { PointerInfo } from './state-node';

const square: Instance = {
  id: 'sq',
  polygons: [[10, 10, 50, 10, 50, 50, 10, 50]],
  rle: { size: [100, 100], counts: 'x' },
  score: 0.9,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
};

function at(x: number, y: number, modifiers: Partial<PointerInfo> = {}): PointerInfo {
  // Camera scale 1 at origin: screen = image.
  return { point: { x, y }, screen: { x, y }, button: 0, shiftKey: false, altKey: false, ctrlKey: false, ...modifiers };
}

function setup(api: ToolContext['api'] = { segmentAt: async () => ({ instance: null, latencyMs: 1 }) }) {
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 100, 100, 'inProgress', [square]), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg' });
  const latencies: number[] = [];
  const toolbox = createToolbox({ store, api, reportLatency: (ms) => latencies.push(ms) });
  const doc = () => store.getState().document.images['a.jpg'];
  const history = () => store.getState().history['a.jpg'];
  return { store, toolbox, doc, history, latencies };
}

const key = (name: string, shiftKey = false) => ({ key: name, shiftKey, ctrlKey: false, altKey: false });

describe('select tool', () => {
  test('dragging a vertex previews while moving and commits one command on release', () => {
    const { toolbox, doc, history, store } = setup();
    toolbox.pointerDown(at(30, 30)); // select the instance
    toolbox.pointerUp(at(30, 30));
    toolbox.pointerDown(at(50, 10)); // its vertex 1
    for (let step = 1; step <= 5; step++) toolbox.pointerMove(at(50 + step * 2, 10 + step));
    expect(store.getState().ephemeral.dragPreview?.polygons[0].slice(2, 4)).toEqual([60, 15]);
    expect(doc().instances.sq.polygons).toEqual(square.polygons); // nothing committed yet
    toolbox.pointerUp(at(60, 15));
    expect(doc().instances.sq.polygons[0]).toEqual([10, 10, 60, 15, 50, 50, 10, 50]);
    expect(doc().instances.sq.status).toBe('edited');
    expect(doc().instances.sq.rle.size).toEqual([100, 100]);
    expect(doc().instances.sq.rle.counts).not.toBe('x'); // recomputed from the polygon
    expect(history().undo).toHaveLength(1);
    expect(store.getState().ephemeral.dragPreview).toBeNull();
    store.getState().actions.undo();
    expect(doc().instances.sq).toEqual(square);
  });

  test('Escape mid-drag drops the preview and commits nothing', () => {
    const { toolbox, doc, history, store } = setup();
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerUp(at(30, 30));
    toolbox.pointerDown(at(10, 10));
    toolbox.pointerMove(at(20, 20));
    expect(toolbox.keyDown(key('Escape'))).toBe(true);
    toolbox.pointerUp(at(20, 20));
    expect(doc().instances.sq).toBe(square);
    expect(history().undo).toHaveLength(0);
    expect(store.getState().ephemeral.dragPreview).toBeNull();
  });

  test('alt-click on an edge inserts a vertex there; Delete removes the selected vertex', () => {
    const { toolbox, doc, store } = setup();
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerUp(at(30, 30));
    toolbox.pointerDown(at(30, 11, { altKey: true })); // near the top edge
    toolbox.pointerUp(at(30, 11));
    expect(doc().instances.sq.polygons[0]).toEqual([10, 10, 30, 10, 50, 10, 50, 50, 10, 50]);
    expect(store.getState().session.selection?.vertex).toEqual({ ring: 0, index: 1 });
    expect(toolbox.keyDown(key('Delete'))).toBe(true);
    expect(doc().instances.sq.polygons[0]).toEqual([10, 10, 50, 10, 50, 50, 10, 50]);
  });

  test('deleting vertices below a triangle removes the instance (undoably)', () => {
    const { toolbox, doc, store } = setup();
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerUp(at(30, 30));
    for (const [x, y] of [
      [10, 10],
      [50, 10],
    ]) {
      toolbox.pointerDown(at(x, y));
      toolbox.pointerUp(at(x, y));
      toolbox.keyDown(key('Delete'));
      if (doc().instances.sq) continue;
    }
    expect(doc().instances.sq).toBeUndefined();
    store.getState().actions.undo();
    expect(doc().instances.sq.polygons[0]).toHaveLength(6);
  });

  test('dragging the body moves the whole instance, kept inside the image', () => {
    const { toolbox, doc } = setup();
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerMove(at(35, 30));
    toolbox.pointerMove(at(130, 30)); // far right: clamped so the square stays inside (width 100)
    toolbox.pointerUp(at(130, 30));
    expect(doc().instances.sq.polygons[0]).toEqual([60, 10, 100, 10, 100, 50, 60, 50]);
  });
});

describe('draw tool', () => {
  test('clicking points and closing on the first makes one accepted manual instance', () => {
    const { toolbox, doc, store } = setup();
    toolbox.setTool('draw');
    for (const [x, y] of [
      [60, 60],
      [90, 60],
      [90, 90],
      [61, 61],
    ]) {
      toolbox.pointerDown(at(x, y));
      toolbox.pointerUp(at(x, y));
    }
    const added = doc().order.filter((id) => id !== 'sq');
    expect(added).toHaveLength(1);
    const instance = doc().instances[added[0]];
    expect(instance).toMatchObject({ status: 'accepted', source: 'manual', score: null });
    expect(instance.polygons).toEqual([[60, 60, 90, 60, 90, 90]]);
    expect(store.getState().ephemeral.drawingPoints).toBeNull();
  });

  test('Shift at the first click adds the ring to the selected instance (a hole inside it)', () => {
    const { toolbox, doc, store } = setup();
    store.getState().actions.setSession({ selection: { instanceId: 'sq', vertex: null } });
    toolbox.setTool('draw');
    toolbox.pointerDown(at(20, 20, { shiftKey: true }));
    for (const [x, y] of [
      [40, 20],
      [40, 40],
    ]) {
      toolbox.pointerDown(at(x, y));
    }
    toolbox.keyDown(key('Enter'));
    expect(doc().instances.sq.polygons).toEqual([square.polygons[0], [20, 20, 40, 20, 40, 40]]);
    expect(doc().order).toEqual(['sq']);
  });

  test('Escape abandons the polygon being drawn', () => {
    const { toolbox, doc, store } = setup();
    toolbox.setTool('draw');
    toolbox.pointerDown(at(60, 60));
    toolbox.pointerDown(at(90, 60));
    toolbox.keyDown(key('Escape'));
    expect(store.getState().ephemeral.drawingPoints).toBeNull();
    expect(doc().order).toEqual(['sq']);
  });
});

describe('select tool edge cases', () => {
  test('dragging one vertex leaves the other vertices untouched, even ones outside the image', () => {
    const { toolbox, doc, store } = setup();
    const outside: Instance = { ...square, id: 'out', polygons: [[-0.5, 10, 50, 10, 50, 100.5, 10, 60]] };
    const document = doc();
    store.getState().actions.loadImageDocument({ ...document, instances: { ...document.instances, out: outside }, order: [...document.order, 'out'] }, 2);
    store.getState().actions.setSession({ selection: { instanceId: 'out', vertex: null } });
    toolbox.pointerDown(at(50, 10));
    toolbox.pointerMove(at(55, 12));
    toolbox.pointerMove(at(200, 12)); // beyond the right edge: the vertex stops at x = 100
    toolbox.pointerUp(at(200, 12));
    expect(doc().instances.out.polygons[0]).toEqual([-0.5, 10, 100, 12, 50, 100.5, 10, 60]);
  });
});
