import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors';
import { rleToString } from '../geometry';
import { parseCocoProposals } from './results';
import { parseCocoDataset } from './validate';

const groundTruth = parseCocoDataset({
  images: [{ id: 5, file_name: 'a.jpg', width: 4, height: 3 }],
  categories: [{ id: 1, name: 'thing' }],
  annotations: [],
});
// Column-major 3x4: 3 zeros, 2 ones, 7 zeros -> pixels (x 1, y 0) and (x 1, y 1).
const counts = rleToString({ height: 3, width: 4, counts: [3, 2, 7] });

function errorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseCocoProposals', () => {
  test('reads a COCO results list in file order, ignoring category ids', () => {
    const proposals = parseCocoProposals(
      [
        { image_id: 5, category_id: 3, segmentation: { size: [3, 4], counts }, score: 0.25 },
        { image_id: 5, segmentation: [[0, 0, 2, 0, 2, 2]], score: 0.75 },
      ],
      groundTruth,
    );
    expect(proposals.map((p) => p.score)).toEqual([0.25, 0.75]);
    expect(proposals[0].rle).toEqual({ height: 3, width: 4, counts: [3, 2, 7] });
    expect(proposals[1].rle.height).toBe(3);
  });

  test('reads a full COCO dataset whose annotations carry scores', () => {
    const proposals = parseCocoProposals(
      {
        images: [{ id: 5, file_name: 'a.jpg', width: 4, height: 3 }],
        categories: [{ id: 1, name: 'object' }],
        annotations: [{ id: 1, image_id: 5, category_id: 1, segmentation: { size: [3, 4], counts }, score: 0.5 }],
      },
      groundTruth,
    );
    expect(proposals).toEqual([{ imageId: 5, rle: { height: 3, width: 4, counts: [3, 2, 7] }, score: 0.5 }]);
  });

  test('refuses proposals for images the ground truth does not have, as cocoeval does', () => {
    const error = errorOf(() => parseCocoProposals([{ image_id: 6, segmentation: { size: [3, 4], counts }, score: 1 }], groundTruth));
    expect(error.code).toBe('INVALID_COCO');
    expect(error.message).toBe("results[0]: image_id 6 is not in the ground truth's images");
  });

  test('needs a finite score on every proposal', () => {
    expect(errorOf(() => parseCocoProposals([{ image_id: 5, segmentation: { size: [3, 4], counts } }], groundTruth)).message).toBe(
      "results[0]: missing key 'score'",
    );
    const dataset = {
      images: [{ id: 5, file_name: 'a.jpg', width: 4, height: 3 }],
      categories: [{ id: 1, name: 'object' }],
      annotations: [{ id: 9, image_id: 5, category_id: 1, segmentation: { size: [3, 4], counts } }],
    };
    expect(errorOf(() => parseCocoProposals(dataset, groundTruth)).message).toBe(
      "annotations[0] (id 9): missing key 'score' (every proposal needs a score)",
    );
  });

  test('refuses masks whose size differs from the ground-truth image', () => {
    const error = errorOf(() => parseCocoProposals([{ image_id: 5, segmentation: { size: [4, 3], counts: [12] }, score: 1 }], groundTruth));
    expect(error.message).toBe("results[0]: RLE size [4, 3] differs from its image's [height, width] [3, 4]");
    const dataset = {
      images: [{ id: 5, file_name: 'a.jpg', width: 3, height: 4 }],
      categories: [{ id: 1, name: 'object' }],
      annotations: [{ id: 9, image_id: 5, category_id: 1, segmentation: { size: [4, 3], counts: [12] }, score: 1 }],
    };
    expect(errorOf(() => parseCocoProposals(dataset, groundTruth)).message).toBe(
      'annotations[0] (id 9): image 5 is 3x4 here but 4x3 in the ground truth',
    );
  });
});
