import { describe, expect, test } from 'vitest';
import type { Instance } from '../../../shared/api/types';
import { ringsToRle, toCocoRle } from '../../../shared/geometry';
import { applyCommand, invertCommand } from '../state/commands';
import { createImageDocument, orderedInstances } from '../state/document';
import { proposalBatch } from './proposal-batch';

const SIZE = 100;

/** An instance whose mask is the rectangle [x0, x1) x [y0, y1). */
function box(id: string, [x0, y0, x1, y1]: [number, number, number, number], overrides: Partial<Instance> = {}): Instance {
  const ring = [x0, y0, x1, y0, x1, y1, x0, y1];
  return {
    id,
    polygons: [ring],
    rle: toCocoRle(ringsToRle([ring], SIZE, SIZE)),
    score: 0.9,
    status: 'proposed',
    source: 'model',
    categoryId: null,
    modelVersion: 'v1',
    ...overrides,
  };
}

let counter = 0;
const newId = () => `fresh-${++counter}`;

describe('proposalBatch', () => {
  test('on an image without instances it adds every proposal as proposed', () => {
    const document = createImageDocument('a.jpg', SIZE, SIZE, 'unvisited', []);
    const batch = proposalBatch(document, [box('p1', [0, 0, 20, 20]), box('p2', [50, 50, 90, 90], { status: 'accepted' })], newId);
    expect(batch).toMatchObject({ added: 2, replaced: 0, skipped: 0 });
    expect(batch.command?.label).toBe('Propose (2)');
    const after = applyCommand({ images: { 'a.jpg': document }, categories: {} }, batch.command!).images['a.jpg'];
    expect(orderedInstances(after).map((instance) => [instance.id, instance.status])).toEqual([
      ['p1', 'proposed'],
      ['p2', 'proposed'],
    ]);
  });

  test('proposing again replaces undecided proposals, keeps every decision and leaves out copies of decided objects', () => {
    const accepted = box('a', [0, 0, 40, 40], { status: 'accepted' });
    const rejected = box('r', [60, 0, 100, 40], { status: 'rejected' });
    const drawn = box('m', [0, 60, 40, 100], { status: 'accepted', source: 'manual', modelVersion: null, score: null });
    const stale = box('p-old', [60, 60, 100, 100]);
    const document = createImageDocument('a.jpg', SIZE, SIZE, 'inProgress', [accepted, rejected, drawn, stale]);
    const proposals = [
      box('n1', [0, 0, 40, 38]), // IoU .95 with the accepted one: a copy
      box('n2', [60, 0, 100, 40]), // the rejected one again
      box('n3', [0, 60, 40, 100]), // the drawn one
      box('n4', [0, 0, 40, 20]), // overlaps the accepted one at IoU .5: another object, kept
      box('p-old', [62, 62, 100, 100]), // takes the id of the stale proposal it replaces
    ];
    const batch = proposalBatch(document, proposals, newId);
    expect(batch).toMatchObject({ added: 2, replaced: 1, skipped: 3 });
    expect(batch.command?.label).toBe('Propose again (2)');
    const state = { images: { 'a.jpg': document }, categories: {} };
    const after = applyCommand(state, batch.command!).images['a.jpg'];
    const ids = after.order;
    expect(ids.slice(0, 3)).toEqual(['a', 'r', 'm']);
    expect(ids).not.toContain('p-old');
    expect(ids).toContain('n4');
    expect(ids).toHaveLength(5);
    expect(after.instances.a).toBe(accepted);
    expect(after.instances.r).toBe(rejected);
    expect(orderedInstances(after).filter((instance) => instance.status === 'proposed')).toHaveLength(2);
    // One undo brings the old proposal back, in its place.
    expect(applyCommand({ images: { 'a.jpg': after }, categories: {} }, invertCommand(batch.command!)).images['a.jpg']).toEqual(document);
  });

  test('a batch that changes nothing makes no command', () => {
    const accepted = box('a', [0, 0, 40, 40], { status: 'accepted' });
    const document = createImageDocument('a.jpg', SIZE, SIZE, 'inProgress', [accepted]);
    expect(proposalBatch(document, [box('a', [0, 0, 40, 40])], newId)).toEqual({ command: null, added: 0, replaced: 0, skipped: 1 });
  });
});
