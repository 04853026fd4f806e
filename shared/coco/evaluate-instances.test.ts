import { expect, test } from 'vitest';
import type { Instance } from '../api/types';
import { encodeMask, toCocoRle } from '../geometry';
import { evaluateProposals } from './evaluate';
import { evaluationImageFromInstances } from './evaluate-instances';

function square(x: number): Instance['rle'] {
  const data = new Uint8Array(20 * 10);
  for (let row = 0; row < 5; row++) for (let col = x; col < x + 5; col++) data[row * 20 + col] = 1;
  return toCocoRle(encodeMask({ width: 20, height: 10, data }));
}

function instance(id: string, x: number, status: Instance['status'], isCrowd?: boolean): Instance {
  const result: Instance = { id, polygons: [], rle: square(x), score: null, status, source: 'manual', categoryId: null, modelVersion: null };
  if (isCrowd) result.isCrowd = true;
  return result;
}

test('ground truth is what the annotator accepted or edited; crowd flags carry over', () => {
  const image = evaluationImageFromInstances(
    [instance('a', 0, 'accepted'), instance('b', 5, 'edited'), instance('c', 10, 'rejected'), instance('d', 15, 'proposed'), instance('e', 10, 'accepted', true)],
    [
      { rle: square(0), score: 0.9 },
      { rle: square(10), score: 0.8 },
    ],
  );
  expect(image.groundTruth.map((gt) => [gt.area, gt.isCrowd])).toEqual([
    [25, false],
    [25, false],
    [25, true],
  ]);
  // 'a' found, 'b' missed, the proposal on the crowd region ignored: recall 1 of 2.
  expect(evaluateProposals([image])['AR@10']).toBe(0.5);
});

test('unscored proposals rank last', () => {
  const image = evaluationImageFromInstances([instance('a', 0, 'accepted')], [{ rle: square(0), score: null }, { rle: square(10), score: 0.1 }]);
  expect(image.proposals.map((p) => p.score)).toEqual([-Infinity, 0.1]);
});
