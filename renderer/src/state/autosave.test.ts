import { afterEach, describe, expect, test, vi } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { ImageAnnotations, Instance } from '../../../shared/api/types';
import { createAutosave } from './autosave';
import { setStatus } from './commands';
import { createImageDocument } from './document';
import { createEditorStore } from './store';

const proposal: Instance = {
  id: 'p1',
  polygons: [[0, 0, 4, 0, 4, 4]],
  rle: { size: [8, 8], counts: 'x' },
  score: 0.8,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v1',
};

/** A fake disk with revisions, like the project service: refuses a stale baseRevision. */
function fakeApi(initial: ImageAnnotations) {
  let saved = initial;
  const calls: { baseRevision?: number; status?: string }[] = [];
  return {
    calls,
    get saved() {
      return saved;
    },
    bumpElsewhere(instances: Instance[]) {
      saved = { ...saved, instances, revision: saved.revision + 1 };
    },
    failNext: 0,
    async saveAnnotations(params: { imageId: string; instances: Instance[]; status?: ImageAnnotations['status']; baseRevision?: number }) {
      calls.push({ baseRevision: params.baseRevision, status: params.status });
      if (this.failNext > 0) {
        this.failNext--;
        throw new ApiError('IO_ERROR', 'disk full');
      }
      if (params.baseRevision !== undefined && params.baseRevision !== saved.revision) throw new ApiError('CONFLICT', 'stale');
      saved = { ...saved, instances: params.instances, status: params.status ?? saved.status, revision: saved.revision + 1 };
      return { revision: saved.revision };
    },
    async getAnnotations() {
      return saved;
    },
  };
}

function setup() {
  const api = fakeApi({ imageId: 'a.jpg', width: 8, height: 8, status: 'inProgress', instances: [proposal], revision: 2 });
  const store = createEditorStore();
  store.getState().actions.loadImageDocument(createImageDocument('a.jpg', 8, 8, 'inProgress', [proposal]), 2);
  store.getState().actions.setSession({ currentImageId: 'a.jpg' });
  const autosave = createAutosave(store, api, { delayMs: 20 });
  const doc = () => store.getState().document.images['a.jpg'];
  return { api, store, autosave, doc };
}

afterEach(() => vi.useRealTimers());

describe('autosave', () => {
  test('a change is saved once, after the quiet period, with the base revision and derived status', async () => {
    const { api, store, autosave, doc } = setup();
    store.getState().actions.execute(setStatus(doc(), ['p1'], 'accepted', 'Accept'));
    expect(store.getState().sync.saveStates['a.jpg']).toBe('dirty');
    await autosave.flushAll();
    expect(api.calls).toEqual([{ baseRevision: 2, status: 'done' }]);
    expect(api.saved.instances[0].status).toBe('accepted');
    expect(store.getState().sync.saveStates['a.jpg']).toBe('saved');
    expect(store.getState().sync.revisions['a.jpg']).toBe(3);
    autosave.dispose();
  });

  test('undo is saved too: disk follows the document', async () => {
    const { api, store, autosave, doc } = setup();
    store.getState().actions.execute(setStatus(doc(), ['p1'], 'rejected', 'Reject'));
    await autosave.flushAll();
    store.getState().actions.undo();
    await autosave.flushAll();
    expect(api.saved.instances[0].status).toBe('proposed');
    expect(api.calls.map((call) => call.baseRevision)).toEqual([2, 3]);
    autosave.dispose();
  });

  test('on CONFLICT the image is reloaded from disk and the user is told', async () => {
    const { api, store, autosave, doc } = setup();
    api.bumpElsewhere([{ ...proposal, status: 'rejected' }]);
    store.getState().actions.execute(setStatus(doc(), ['p1'], 'accepted', 'Accept'));
    await autosave.flushAll();
    expect(doc().instances['p1'].status).toBe('rejected');
    expect(store.getState().sync.revisions['a.jpg']).toBe(3);
    expect(store.getState().sync.notice?.text).toMatch(/changed elsewhere/);
    autosave.dispose();
  });

  test('a failed save keeps the change and retries until it lands', async () => {
    const { api, store, autosave, doc } = setup();
    api.failNext = 1;
    store.getState().actions.execute(setStatus(doc(), ['p1'], 'accepted', 'Accept'));
    await autosave.flushAll();
    expect(store.getState().sync.saveStates['a.jpg']).toBe('error');
    expect(doc().instances['p1'].status).toBe('accepted');
    await vi.waitFor(() => expect(store.getState().sync.saveStates['a.jpg']).toBe('saved'), { timeout: 5000 });
    expect(api.saved.instances[0].status).toBe('accepted');
    autosave.dispose();
  });
});
