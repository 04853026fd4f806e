// The segment tool's interaction as a state machine, driven with synthetic pointer info (image
// pixels, camera scale 1) and keys against a real store and a fake model that answers when told:
// what is asked (all clicks, box, previousMask, scale), what is shown, what commit / cancel / undo do.
import { describe, expect, test } from 'vitest';
import { polygonsToRle, toCocoRle } from '../../../../shared/geometry';
import type { FlatPolygon, Instance, SegmentBox, SegmentClick } from '../../../../shared/api/types';
import { fakeActionContext } from '../../app/actions/fake-context';
import { actionById, performAction } from '../../app/actions/registry';
import { dispatchKey } from '../../app/keyboard';
import { setStatus } from '../../state/commands';
import { createImageDocument } from '../../state/document';
import { createEditorStore } from '../../state/store';
import type { PointerInfo } from '../state-node';
import { SEGMENT_ACCEPT_SCORE } from './prompt';

interface Asked {
  imageId: string;
  clicks: SegmentClick[];
  box?: SegmentBox;
  previousMask?: Instance['rle'];
  scaleIndex?: number;
}

const maskOf = (polygons: FlatPolygon[]) => toCocoRle(polygonsToRle(polygons, 100, 100));
/** The fake model's n-th answer: a triangle growing with n, so every answer's mask differs. */
const answerPolygons = (n: number): FlatPolygon[] => [[40, 40, 50 + n, 40, 50 + n, 50 + n]];
const rleOf = (n: number) => maskOf(answerPolygons(n));

const existing: Instance = {
  id: 'old',
  polygons: [[0, 0, 10, 0, 10, 10]],
  rle: maskOf([[0, 0, 10, 0, 10, 10]]),
  score: 0.9,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
};

/** A model that holds every request until answered; answer n is instance `m<n>` with mask rleOf(n). */
function fakeModel() {
  const asked: Asked[] = [];
  const waiting: { resolve: (value: { instance: Instance | null; latencyMs: number }) => void; reject: (error: Error) => void }[] = [];
  let score = 0.9;
  const model = {
    asked,
    setScore: (value: number) => void (score = value),
    get waiting() {
      return waiting.length;
    },
    api: {
      segmentAt: (params: Asked) => {
        asked.push(structuredClone(params));
        return new Promise<{ instance: Instance | null; latencyMs: number }>((resolve, reject) => waiting.push({ resolve, reject }));
      },
    },
    /** Answers the oldest request (with no object when `found` is false) and lets the tool react. */
    async answer(found = true) {
      const request = waiting.shift();
      if (!request) throw new Error('nothing asked');
      const n = asked.length - waiting.length;
      request.resolve({
        instance: found ? { ...existing, id: `m${n}`, score, source: 'click', polygons: answerPolygons(n), rle: rleOf(n) } : null,
        latencyMs: 5,
      });
      await settle();
    },
    async fail() {
      waiting.shift()?.reject(new Error('model crashed'));
      await settle();
    },
  };
  return model;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function at(x: number, y: number, modifiers: Partial<PointerInfo> = {}): PointerInfo {
  return { point: { x, y }, screen: { x, y }, button: 0, shiftKey: false, altKey: false, ctrlKey: false, ...modifiers };
}

function setup() {
  const model = fakeModel();
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 100, 100, 'inProgress', [existing]), 1);
  store.getState().actions.setSession({ currentImageId: 'a.jpg', camera: { x: 0, y: 0, scale: 1 } });
  const context = fakeActionContext(store, model.api);
  const { toolbox } = context;
  toolbox.setTool('segment');
  const click = (x: number, y: number, modifiers: Partial<PointerInfo> = {}) => {
    toolbox.pointerDown(at(x, y, modifiers));
    toolbox.pointerUp(at(x, y, modifiers));
  };
  const key = (name: string, modifiers: { ctrlKey?: boolean; shiftKey?: boolean } = {}) =>
    dispatchKey(context, { key: name, ctrlKey: false, shiftKey: false, altKey: false, ...modifiers });
  const doc = () => store.getState().document.images['a.jpg'];
  const added = () => doc().order.filter((id) => id !== 'old').map((id) => doc().instances[id]);
  const view = () => store.getState().ephemeral.segment;
  const history = () => store.getState().history['a.jpg'] ?? { undo: [], redo: [] };
  const notice = () => store.getState().sync.notice?.text ?? '';
  return { model, store, toolbox, context, click, key, doc, added, view, history, notice };
}

describe('segment tool: clicks refine one pending result', () => {
  test('a left click asks with one positive click; the result is pending (drawn, not in the document)', async () => {
    const { model, click, view, added, history } = setup();
    click(70.4, 69.6);
    expect(model.asked).toEqual([{ imageId: 'a.jpg', clicks: [{ x: 70, y: 70, positive: true }], scaleIndex: 0 }]);
    expect(view()).toMatchObject({ clicks: [{ x: 70, y: 70, positive: true }], result: null, pending: true });
    await model.answer();
    expect(view()).toMatchObject({ pending: false, commitStatus: 'accepted', result: { id: 'm1', score: 0.9 } });
    expect(added()).toEqual([]);
    expect(history().undo).toHaveLength(0);
  });

  test('right click and Alt+click are negative; each refinement sends every click so far and the current mask', async () => {
    const { model, click, view } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    expect(model.asked[1]).toEqual({ imageId: 'a.jpg', clicks: [{ x: 70, y: 70, positive: true }, { x: 90, y: 90, positive: false }], previousMask: rleOf(1), scaleIndex: 0 });
    await model.answer();
    click(60, 80, { altKey: true });
    expect(model.asked[2].clicks.map((c) => c.positive)).toEqual([true, false, false]);
    expect(model.asked[2].previousMask).toEqual(rleOf(2));
    await model.answer();
    click(75, 75);
    expect(model.asked[3].clicks).toHaveLength(4);
    expect(model.asked[3].previousMask).toEqual(rleOf(3));
    await model.answer();
    expect(view()?.result?.id).toBe('m4');
  });

  test('Backspace takes back the last click and asks again with the rest; with none left the interaction ends', async () => {
    const { model, click, key, view, added } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    await model.answer();
    expect(key('Backspace')).toBe(true);
    // Shown at once: the answer already known for one click; asked again exactly as that click was.
    expect(view()).toMatchObject({ clicks: [{ x: 70, y: 70, positive: true }], result: { id: 'm1' }, pending: true });
    expect(model.asked[2]).toEqual({ imageId: 'a.jpg', clicks: [{ x: 70, y: 70, positive: true }], scaleIndex: 0 });
    await model.answer();
    expect(view()?.result?.id).toBe('m3');
    expect(key('Backspace')).toBe(true);
    expect(view()).toBeNull();
    expect(model.asked).toHaveLength(3);
    expect(added()).toEqual([]);
    expect(key('Backspace')).toBe(false); // nothing open: the key is not the tool's
  });

  test('Enter adds the result as one accepted instance; one Ctrl+Z removes it', async () => {
    const { model, click, key, added, history, store, view } = setup();
    store.getState().actions.execute(setStatus(store.getState().document.images['a.jpg'], ['old'], 'accepted', 'Accept'));
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    await model.answer();
    expect(key('Enter')).toBe(true);
    expect(view()).toBeNull();
    expect(added()).toMatchObject([{ id: 'm2', source: 'click', status: 'accepted', score: 0.9 }]);
    // The session goes with it, so the click model can learn from the user's own clicks.
    expect(added()[0].prompt).toEqual({ clicks: [{ x: 70, y: 70, positive: true }, { x: 90, y: 90, positive: false }] });
    expect(history().undo.map((command) => command.label)).toEqual(['Accept', 'Click to segment']);
    expect(store.getState().session.selection?.instanceId).toBe('m2');
    expect(key('z', { ctrlKey: true })).toBe(true);
    expect(added()).toEqual([]);
    expect(store.getState().document.images['a.jpg'].instances.old.status).toBe('accepted'); // the earlier action is untouched
  });

  test('Escape cancels everything: nothing added, history (undo and redo) exactly as before', async () => {
    const { model, click, key, added, history, store, view } = setup();
    const actions = store.getState().actions;
    actions.execute(setStatus(store.getState().document.images['a.jpg'], ['old'], 'accepted', 'Accept'));
    actions.execute(setStatus(store.getState().document.images['a.jpg'], ['old'], 'rejected', 'Reject'));
    actions.undo();
    const before = history();
    click(70, 70);
    await model.answer();
    click(20, 20, { button: 2 });
    await model.answer();
    expect(key('Escape')).toBe(true);
    expect(view()).toBeNull();
    expect(added()).toEqual([]);
    expect(history()).toBe(before);
    // Undo now undoes the last thing done before the interaction, as it would have without it.
    key('z', { ctrlKey: true });
    expect(store.getState().document.images['a.jpg'].instances.old.status).toBe('proposed');
  });

  test('Ctrl+Z inside the interaction takes back the last click, not an earlier document change', async () => {
    const { model, click, key, store, view, history } = setup();
    store.getState().actions.execute(setStatus(store.getState().document.images['a.jpg'], ['old'], 'accepted', 'Accept'));
    click(70, 70);
    await model.answer();
    click(20, 20, { button: 2 });
    await model.answer();
    expect(actionById('undo').enabled?.(store.getState())).toBe(true);
    key('z', { ctrlKey: true });
    expect(view()?.clicks).toHaveLength(1);
    expect(history().undo).toHaveLength(1);
    expect(store.getState().document.images['a.jpg'].instances.old.status).toBe('accepted');
  });

  test(`a result scoring below ${SEGMENT_ACCEPT_SCORE} is added as proposed, and the user is told`, async () => {
    const { model, click, key, added, view, notice } = setup();
    model.setScore(0.31);
    click(70, 70);
    await model.answer();
    expect(view()?.commitStatus).toBe('proposed');
    key('Enter');
    expect(added()).toMatchObject([{ status: 'proposed', score: 0.31 }]);
    expect(notice()).toMatch(/proposed, not accepted: score 0\.31 is below 0\.50/);
  });

  test('adding a result that covers an instance already there says so (it is added: the user asked for it)', async () => {
    const { model, click, key, added, notice } = setup();
    click(45, 45);
    await model.answer();
    key('Enter');
    expect(notice()).toBe('Added (score 0.90).');
    click(45, 45);
    await model.answer(); // a slightly larger triangle over the first
    key('Enter');
    expect(added()).toHaveLength(2);
    expect(notice()).toMatch(/It covers an instance already there \(mask IoU 0\.\d\d\); Ctrl\+Z takes it back/);
  });

  test('switching tool or image commits the open interaction', async () => {
    const { model, click, added, toolbox } = setup();
    click(70, 70);
    await model.answer();
    toolbox.setTool('select');
    expect(added()).toHaveLength(1);
    toolbox.setTool('segment');
    click(30, 30);
    await model.answer();
    toolbox.active().deactivate(); // what opening another image does
    expect(added()).toHaveLength(2);
  });
});

describe('segment tool: requests are sequential, nothing lost or out of order', () => {
  test('clicks made while the model runs are kept and sent together in the next request', async () => {
    const { model, click, view } = setup();
    click(70, 70);
    click(90, 90, { button: 2 });
    click(60, 60);
    expect(model.waiting).toBe(1);
    expect(view()?.clicks).toHaveLength(3); // all drawn at once
    await model.answer();
    expect(view()?.result?.id).toBe('m1'); // shown meanwhile
    expect(model.asked[1]).toMatchObject({ clicks: [{ x: 70 }, { x: 90 }, { x: 60 }], previousMask: rleOf(1) });
    await model.answer();
    expect(view()).toMatchObject({ result: { id: 'm2' }, pending: false });
    expect(model.asked).toHaveLength(2);
  });

  test('an answer made stale by Backspace is dropped', async () => {
    const { model, click, key, view } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    key('Backspace');
    await model.answer(); // the two-click answer arrives after its click was taken back
    expect(view()?.result?.id).toBe('m1');
    expect(model.asked[2].clicks).toEqual([{ x: 70, y: 70, positive: true }]);
    await model.answer();
    expect(view()?.result?.id).toBe('m3');
  });

  test('Enter while the model runs adds the answer to every click once it arrives; a new interaction waits its turn', async () => {
    const { model, click, key, added, view } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    key('Enter');
    expect(added()).toEqual([]);
    click(20, 20); // a new object, clicked before the first was added
    expect(view()?.clicks).toEqual([{ x: 20, y: 20, positive: true }]);
    expect(model.waiting).toBe(1);
    await model.answer();
    expect(added().map((instance) => instance.id)).toEqual(['m2']);
    expect(model.asked[2].clicks).toEqual([{ x: 20, y: 20, positive: true }]);
    expect(model.asked[2].previousMask).toBeUndefined();
  });

  test('Ctrl+Z right after Enter, before the answer landed, adds nothing', async () => {
    const { model, click, key, added } = setup();
    click(70, 70);
    key('Enter');
    key('z', { ctrlKey: true });
    await model.answer();
    expect(added()).toEqual([]);
  });

  test('a failed request is reported; the click stays and Enter adds the last good result', async () => {
    const { model, click, key, added, notice, view } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    await model.fail();
    expect(notice()).toMatch(/Segmenting failed: model crashed/);
    expect(view()).toMatchObject({ clicks: [{}, {}], pending: false, result: { id: 'm1' } });
    key('Enter');
    expect(added().map((instance) => instance.id)).toEqual(['m1']);
  });
});

describe('segment tool: box, scale and what must not happen', () => {
  test('a drag draws a box and asks for the object in it; further clicks refine it with the box kept', async () => {
    const { model, toolbox, click, store, view } = setup();
    toolbox.pointerDown(at(30, 30));
    toolbox.pointerMove(at(32, 32)); // within the click tolerance: still a click
    expect(store.getState().ephemeral.segmentBoxDraft).toBeNull();
    toolbox.pointerMove(at(60, 50));
    expect(store.getState().ephemeral.segmentBoxDraft).toEqual({ x1: 30, y1: 30, x2: 60, y2: 50 });
    toolbox.pointerMove(at(200, 80)); // clamped to the image
    toolbox.pointerUp(at(200, 80));
    expect(store.getState().ephemeral.segmentBoxDraft).toBeNull();
    expect(model.asked).toEqual([{ imageId: 'a.jpg', clicks: [], box: { x1: 30, y1: 30, x2: 100, y2: 80 }, scaleIndex: 0 }]);
    await model.answer();
    click(50, 50, { button: 2 });
    expect(model.asked[1]).toMatchObject({ clicks: [{ x: 50, y: 50, positive: false }], box: { x1: 30, y1: 30, x2: 100, y2: 80 }, previousMask: rleOf(1) });
    await model.answer();
    expect(view()?.box).toEqual({ x1: 30, y1: 30, x2: 100, y2: 80 });
  });

  test('Shift+click and ] / [ step the scale of a single click; the result is replaced, not added twice', async () => {
    const { model, click, key, view, added } = setup();
    click(70, 70);
    await model.answer();
    click(10, 90, { shiftKey: true }); // wherever it lands, the scale of the interaction's click
    expect(model.asked[1]).toEqual({ imageId: 'a.jpg', clicks: [{ x: 70, y: 70, positive: true }], scaleIndex: 1 });
    await model.answer();
    expect(key(']')).toBe(true);
    await model.answer();
    expect(key('[')).toBe(true);
    await model.answer();
    expect(model.asked.map((asked) => asked.scaleIndex)).toEqual([0, 1, 2, 1]);
    expect(view()).toMatchObject({ scaleIndex: 1, result: { id: 'm4' } });
    key('Enter');
    expect(added()).toHaveLength(1);
  });

  test('Shift+click with no interaction open asks nothing and adds nothing (no silent duplicate)', async () => {
    const { model, click, key, added, notice } = setup();
    click(70, 70);
    await model.answer();
    key('Enter');
    click(70, 70, { shiftKey: true });
    expect(model.asked).toHaveLength(1);
    expect(added()).toHaveLength(1);
    expect(notice()).toMatch(/click the object first/);
  });

  test('a first click that is negative, or outside the image, starts nothing', () => {
    const { model, click, view } = setup();
    click(50, 50, { button: 2 });
    click(150, 50);
    expect(model.asked).toEqual([]);
    expect(view()).toBeNull();
  });

  test('a model that finds nothing: the interaction stays open, Enter adds nothing', async () => {
    const { model, click, key, view, added, notice } = setup();
    click(70, 70);
    await model.answer(false);
    expect(notice()).toMatch(/No object found/);
    expect(view()).toMatchObject({ result: null, pending: false });
    key('Enter');
    expect(added()).toEqual([]);
  });

  test('the toolbar undo button does what Ctrl+Z does', async () => {
    const { model, click, context, view } = setup();
    click(70, 70);
    await model.answer();
    click(90, 90, { button: 2 });
    performAction(actionById('undo'), context);
    expect(view()?.clicks).toHaveLength(1);
  });
});
