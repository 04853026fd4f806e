// Proposing on opening an image: an image opened while another is still being proposed is proposed
// when that one ends, unless the user left it or put something on it meanwhile.
import { describe, expect, test, vi } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { createImageDocument } from '../state/document';
import { createEditorStore } from '../state/store';
import { createProposals, type ProposalsDeps } from './proposals';

const square = (id: string): Instance => ({ id, polygons: [[1, 1, 5, 1, 5, 5, 1, 5]], rle: { size: [10, 10], counts: '0' }, score: 0.9, status: 'proposed', source: 'model', categoryId: null, modelVersion: 'v1' });

function setup() {
  const store = createEditorStore();
  const { actions } = store.getState();
  for (const id of ['a.jpg', 'b.jpg']) actions.loadImageDocument(createImageDocument(id, 10, 10, 'unvisited', []), 0);
  actions.setCatalog({ modelStatus: { backend: 'wasm', backendNotes: [], modelVersion: 'v1', lastLatencyMs: null, ready: true } });
  const pending = new Map<string, (instances: Instance[]) => void>();
  const client = {
    propose: vi.fn(({ imageId }: { imageId: string }) => new Promise<{ instances: Instance[]; latencyMs: number }>((resolve) => pending.set(imageId, (instances) => resolve({ instances, latencyMs: 5 })))),
    proposeAll: vi.fn(),
    cancelJob: vi.fn(),
  };
  const proposals = createProposals({ store, client: client as unknown as ProposalsDeps['client'], reportLatency: () => {} });
  const open = (id: string) => actions.setSession({ currentImageId: id });
  const count = (id: string) => store.getState().document.images[id].order.length;
  return { store, client, proposals, pending, open, count };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('propose on open', () => {
  test('an image opened while another is proposed gets its proposals once that ends', async () => {
    const { client, proposals, pending, open, count } = setup();
    open('a.jpg');
    const first = proposals.proposeOnOpen('a.jpg');
    open('b.jpg');
    await proposals.proposeOnOpen('b.jpg');
    expect(client.propose).toHaveBeenCalledTimes(1);
    pending.get('a.jpg')!([square('p1')]);
    await first;
    await settle();
    expect(client.propose).toHaveBeenLastCalledWith({ imageId: 'b.jpg' });
    pending.get('b.jpg')!([square('p2')]);
    await settle();
    expect(count('a.jpg')).toBe(1);
    expect(count('b.jpg')).toBe(1);
  });

  test('not when the user moved on from it meanwhile', async () => {
    const { client, proposals, pending, open } = setup();
    open('a.jpg');
    const first = proposals.proposeOnOpen('a.jpg');
    open('b.jpg');
    await proposals.proposeOnOpen('b.jpg');
    open('a.jpg');
    pending.get('a.jpg')!([]);
    await first;
    await settle();
    expect(client.propose).toHaveBeenCalledTimes(1);
  });
});
