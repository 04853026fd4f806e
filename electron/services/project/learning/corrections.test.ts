import { describe, expect, test } from 'vitest';
import type { ImageAnnotations, Instance } from '../../../../shared/api/types';
import { rectangleInstance } from '../test-helpers';
import { countCorrections } from './corrections';

const proposal = (id: string, status: Instance['status'] = 'proposed') =>
  rectangleInstance(id, 20, 10, { source: 'model', status, score: 0.8, modelVersion: 'v1' });
const image = (instances: Instance[], revision = 1): ImageAnnotations => ({ imageId: 'a.jpg', width: 20, height: 10, status: 'inProgress', instances, revision });

describe('countCorrections', () => {
  test('saving proposals is not a correction; deciding them is, once each', () => {
    const proposed = image([proposal('p1'), proposal('p2'), proposal('p3')]);
    expect(countCorrections(null, proposed)).toBe(0);
    const decided = image([proposal('p1', 'accepted'), proposal('p2', 'rejected'), proposal('p3')], 2);
    expect(countCorrections(proposed, decided)).toBe(2);
    expect(countCorrections(decided, { ...decided, revision: 3 })).toBe(0); // re-saving the same state
  });

  test('changing a decision counts; a drawn instance counts once even though it is born accepted', () => {
    const before = image([proposal('p1', 'accepted')]);
    const after = image([proposal('p1', 'edited'), rectangleInstance('m1', 20, 10, { source: 'manual' }), rectangleInstance('c1', 20, 10, { source: 'click', status: 'proposed' })]);
    expect(countCorrections(before, after)).toBe(3);
  });

  test('deleting instances counts nothing', () => {
    expect(countCorrections(image([proposal('p1', 'accepted')]), image([]))).toBe(0);
  });
});
