import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../sampler/random';
import { VIEW_SIZE } from '../detector-view';
import { drawExample } from './examples';
import type { TrainingImage, TrainingView } from './training-data';

// A 256 x 256 image shown whole in a 512 view (2 view pixels per image pixel), one square object.
const mask = { x0: 100, y0: 100, width: 40, height: 40, data: new Uint8Array(40 * 40).fill(1) };
const image = (session?: TrainingImage['objects'][number]['session'], complete = true): TrainingImage => ({
  set: 'test',
  id: 1,
  path: '/nowhere.jpg',
  width: 256,
  height: 256,
  objects: [{ bbox: [100, 100, 40, 40], mask, area: 1600, categoryId: 1, ...(session ? { session } : {}) }],
  crowdBoxes: [],
  complete,
  rejectedBoxes: [[10, 10, 20, 20]],
  cacheKey: 'test-1',
});
const view: TrainingView = { imageIndex: 0, transform: { crop: { x: 0, y: 0, width: 256, height: 256 }, flipped: false }, boxes: [{ x1: 300, y1: 20, x2: 400, y2: 120, score: 0.5, classIndex: 0 }], stride16: new Float32Array(0), stride8: new Float32Array(0), stride4: new Float32Array(0) };

describe('drawExample', () => {
  it("uses the user's own click session (their clicks, in view pixels) for some of an object's click examples", () => {
    const session = { clicks: [{ x: 120, y: 120, positive: true }, { x: 150, y: 150, positive: false }] };
    const random = new SeededRandom(3);
    const own = [];
    for (let k = 0; k < 400; k++) {
      const example = drawExample([image(session)], [view], 0, random);
      if (example?.kind === 'clicks' && example.clicks.length === 2 && example.rounds === 0) own.push(example);
    }
    expect(own.length).toBeGreaterThan(20);
    expect(own[0].clicks).toEqual([{ x: 240, y: 240, positive: true }, { x: 300, y: 300, positive: false }]);
    // The target is the object on the ROI grid (the box widened 1.4x around it: mostly object).
    const covered = own[0].target!.reduce((sum, value) => sum + value, 0) / own[0].target!.length;
    expect(covered).toBeGreaterThan(0.4);
    expect(VIEW_SIZE).toBe(512);
  });

  it('negatives come from rejected proposals, and from detector boxes only on completely annotated images', () => {
    const boxesOf = (complete: boolean) => {
      const random = new SeededRandom(5);
      const seen = new Set<string>();
      for (let k = 0; k < 600; k++) {
        const example = drawExample([image(undefined, complete)], [view], 0, random);
        if (example?.kind === 'negative-box') seen.add(JSON.stringify(example.box));
      }
      return [...seen];
    };
    const rejected = JSON.stringify({ x1: 20, y1: 20, x2: 60, y2: 60 });
    expect(boxesOf(false)).toEqual([rejected]);
    expect(boxesOf(true).sort()).toEqual([rejected, JSON.stringify({ x1: 300, y1: 20, x2: 400, y2: 120, score: 0.5, classIndex: 0 })].sort());
  });
});
