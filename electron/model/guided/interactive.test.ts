import { describe, expect, it } from 'vitest';
import { PROMPT_MASK_SIZE } from '../promptmask/network';
import type { PromptMaskHead } from '../promptmask/head';
import type { ViewMaps } from '../promptmask/detector-view';
import { roiAroundBox } from '../promptmask/roi';
import { gridBox, maskBox, resampleProbabilities, sampleMask, segmentInView } from './interactive';

const size = PROMPT_MASK_SIZE;

describe('interactive helpers', () => {
  it('gridBox is the extent of positive cells in view pixels', () => {
    const logits = new Float32Array(size * size).fill(-1);
    logits[10 * size + 20] = 3;
    logits[30 * size + 5] = 3;
    expect(gridBox(logits, { x: 0, y: 0, width: 56, height: 112 })).toEqual({ x1: 5, y1: 20, x2: 21, y2: 62 });
    expect(gridBox(new Float32Array(size * size).fill(-1), { x: 0, y: 0, width: 56, height: 56 })).toBeNull();
  });
  it('resampling onto the same ROI gives back the probabilities; outside the source ROI is 0', () => {
    const logits = new Float32Array(size * size).map((_, k) => ((k % size) - 28) / 4);
    const roi = { x: 10, y: 10, width: 100, height: 100 };
    const same = resampleProbabilities(logits, roi, roi);
    for (const k of [0, 100, 1000, size * size - 1]) expect(same[k]).toBeCloseTo(1 / (1 + Math.exp(-logits[k])), 5);
    const far = resampleProbabilities(logits, roi, { x: 500, y: 500, width: 10, height: 10 });
    expect(Math.max(...far)).toBe(0);
  });
  it('samples an image mask onto a ROI and finds a mask box in view pixels', () => {
    const mask = { width: 100, height: 50, data: new Uint8Array(100 * 50) };
    for (let y = 10; y < 20; y++) for (let x = 40; x < 60; x++) mask.data[y * 100 + x] = 1;
    // View pixels per image pixel: 2 across, 4 down (a 100 x 50 image in a 200 x 200 view).
    expect(maskBox(mask, 2, 4)).toEqual({ x1: 80, y1: 40, x2: 120, y2: 80 });
    const grid = sampleMask(mask, { x: 80, y: 40, width: 40, height: 40 }, 2, 4);
    expect(grid.reduce((sum, value) => sum + value, 0)).toBe(size * size);
    expect(sampleMask(mask, { x: 0, y: 0, width: 40, height: 40 }, 2, 4).some((value) => value > 0)).toBe(false);
    expect(maskBox({ width: 3, height: 3, data: new Uint8Array(9) }, 1, 1)).toBeNull();
  });
});

describe('a first click with the detector boxes around it', () => {
  // A head that finds a blob at the view's centre and rates each prompt by a table keyed by its box.
  const rating = new Map<number | undefined, number>([[undefined, 0.3], [10, 0.6], [30, 0.8]]);
  const prompted: Array<number | undefined> = [];
  const head = {
    predict: (_maps: ViewMaps, entries: ReadonlyArray<{ prompt: { box?: { x1: number } } }>) =>
      entries.map((entry) => {
        prompted.push(entry.prompt.box?.x1);
        const logits = new Float32Array(size * size).fill(-4);
        for (let row = 20; row < 36; row++) for (let column = 20; column < 36; column++) logits[row * size + column] = 4;
        return { logits, iou: rating.get(entry.prompt.box?.x1) ?? 0 };
      }),
  } as unknown as PromptMaskHead;
  const maps = {} as ViewMaps;
  // Image = view (512 x 512); the click at (256, 256) lies in the boxes starting at x 10 and 30, not 300.
  const boxes = [
    { x1: 10, y1: 10, x2: 400, y2: 400 },
    { x1: 300, y1: 10, x2: 500, y2: 200 },
    { x1: 30, y1: 30, x2: 300, y2: 300 },
  ];
  const prompt = { clicks: [{ x: 256, y: 256, positive: true }] };

  it('tries the boxes that contain the click and keeps the result the head rates best', () => {
    prompted.length = 0;
    const result = segmentInView(head, maps, 512, 512, prompt, null, boxes, 3);
    expect(prompted.filter((x1) => x1 !== undefined).sort()).toEqual([10, 30]);
    expect(result.iou).toBe(0.8);
    expect(result.roi).toEqual(roiAroundBox(boxes[2]));
  });
  it('tries at most clickBoxes of them, best first; none without boxes or for later clicks', () => {
    prompted.length = 0;
    expect(segmentInView(head, maps, 512, 512, prompt, null, boxes, 1).iou).toBe(0.6);
    expect(prompted).not.toContain(30);
    expect(segmentInView(head, maps, 512, 512, prompt, null, [], 3).iou).toBe(0.3);
    const previous = { width: 512, height: 512, data: new Uint8Array(512 * 512) };
    previous.data[256 * 512 + 256] = 1;
    prompted.length = 0;
    segmentInView(head, maps, 512, 512, { clicks: [...prompt.clicks, { x: 100, y: 100, positive: false }] }, previous, boxes, 3);
    expect(prompted).toEqual([undefined]);
  });
});
