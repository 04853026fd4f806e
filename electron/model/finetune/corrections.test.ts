import { describe, expect, test } from 'vitest';
import type { Instance, InstanceStatus } from '../../../shared/api/types';
import { createMask, encodeMask, toCocoRle } from '../../../shared/geometry';
import type { LearningImage } from '../../services/learner';
import { trainingDataFromCorrections } from './corrections';

const WIDTH = 640;
const HEIGHT = 480;

let nextId = 1;
function box(x: number, y: number, w: number, h: number, status: InstanceStatus, extra: Partial<Instance> = {}): Instance {
  const mask = createMask(WIDTH, HEIGHT);
  for (let row = y; row < y + h; row++) mask.data.fill(1, row * WIDTH + x, row * WIDTH + x + w);
  return { id: `i${nextId++}`, polygons: [], rle: toCocoRle(encodeMask(mask)), score: 0.9, status, source: 'model', categoryId: null, modelVersion: 'v1', ...extra };
}

function image(instances: Instance[], complete: boolean, path = '/data/a.jpg'): LearningImage {
  return { path, width: WIDTH, height: HEIGHT, complete, annotations: { imageId: path, width: WIDTH, height: HEIGHT, status: 'inProgress', instances, revision: 1 } };
}

describe('trainingDataFromCorrections', () => {
  test('accepted and edited instances of any source are positives, with their masks', () => {
    const data = trainingDataFromCorrections([
      image([box(40, 60, 90, 200, 'accepted'), box(300, 100, 80, 180, 'edited', { source: 'manual' }), box(500, 50, 60, 150, 'accepted', { source: 'click' })], false),
    ]);
    expect(data.counts.positives).toBe(3);
    expect(data.samplerImages[0].objects.map((object) => [...object.bbox])).toEqual([
      [40, 60, 90, 200],
      [300, 100, 80, 180],
      [500, 50, 60, 150],
    ]);
    const mask = data.mask(0, 1);
    expect(mask.data[150 * WIDTH + 340]).toBe(1);
    expect(mask.data[150 * WIDTH + 100]).toBe(0);
  });

  test('rejected proposals are hard negatives unless a positive is near them at canonical scale', () => {
    const data = trainingDataFromCorrections([
      image([box(300, 100, 80, 180, 'accepted'), box(305, 95, 78, 185, 'rejected'), box(40, 40, 150, 120, 'rejected')], false),
    ]);
    expect(data.counts.hardNegatives).toBe(1);
    expect(data.counts.droppedRejected).toBe(1);
    expect(data.samplerImages[0].hardNegatives?.map((b) => [...b])).toEqual([[40, 40, 150, 120]]);
    // Not complete: no background negatives.
    expect(data.samplerImages[0].backgroundNegatives).toBe(false);
  });

  test('a rejected box of a very different size at the same place stays a hard negative', () => {
    // A 300 px box around a 60 px object: at the box's canonical scale the object is 2.5x too small.
    const data = trainingDataFromCorrections([image([box(300, 200, 40, 60, 'accepted'), box(170, 80, 300, 300, 'rejected')], true)]);
    expect(data.counts.hardNegatives).toBe(1);
  });

  test('proposed instances are neither positives nor negatives but keep background negatives away', () => {
    const data = trainingDataFromCorrections([image([box(40, 60, 90, 200, 'accepted'), box(300, 100, 80, 180, 'proposed')], true)]);
    expect(data.counts.positives).toBe(1);
    expect(data.samplerImages[0].objects).toHaveLength(1);
    expect(data.samplerImages[0].undecided?.map((b) => [...b])).toEqual([[300, 100, 80, 180]]);
    expect(data.samplerImages[0].backgroundNegatives).toBe(true);
    expect(data.counts.completeImages).toBe(1);
  });

  test('crowd instances are never positives and block rejected boxes near them', () => {
    const data = trainingDataFromCorrections([
      image([box(40, 60, 90, 200, 'accepted'), box(300, 100, 80, 180, 'accepted', { isCrowd: true }), box(302, 98, 80, 182, 'rejected')], true),
    ]);
    expect(data.counts.positives).toBe(1);
    expect(data.samplerImages[0].objects.map((object) => object.iscrowd)).toEqual([false, true]);
    expect(data.counts.hardNegatives).toBe(0);
    expect(data.counts.droppedRejected).toBe(1);
  });

  test('images with nothing to learn from are left out; complete images without objects are kept for background', () => {
    const data = trainingDataFromCorrections([
      image([box(40, 60, 90, 200, 'proposed')], false, '/data/undecided.jpg'),
      image([], true, '/data/empty-done.jpg'),
      image([box(40, 60, 90, 200, 'accepted')], false, '/data/one.jpg'),
    ]);
    expect(data.files.map((file) => file.path)).toEqual(['/data/empty-done.jpg', '/data/one.jpg']);
    expect(data.counts.images).toBe(2);
  });

  test('a mask of the wrong size is a clear error naming the image', () => {
    const wrong = box(40, 60, 90, 200, 'accepted');
    wrong.rle = { size: [100, 100], counts: wrong.rle.counts };
    expect(() => trainingDataFromCorrections([image([wrong], false, '/data/bad.jpg')])).toThrow(/bad\.jpg.*100x100/);
  });
});
