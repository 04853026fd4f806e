import { describe, expect, test } from 'vitest';
import { positiveLevels, type Bbox } from './geometry';
import { WindowSampler, type SamplerImage, type WindowSample } from './sampler';

// Constraints of the fine-tuning additions to the sampler (hard negatives, undecided regions,
// images without background negatives), recomputed from raw numbers rather than geometry.ts.
function boxInSample(sample: WindowSample, image: SamplerImage, bbox: Bbox) {
  const [x, y, w, h] = bbox;
  const sx = sample.view.width / image.width;
  const sy = sample.view.height / image.height;
  const left = sample.view.flipped ? sample.view.width - (x + w) * sx : x * sx;
  return {
    dx: left + (w * sx) / 2 - (sample.position.cellX * 16 + 112),
    dy: y * sy + (h * sy) / 2 - (sample.position.cellY * 16 + 112),
    largerSide: Math.max(w * sx, h * sy),
  };
}

function near(sample: WindowSample, image: SamplerImage, bbox: Bbox): boolean {
  const g = boxInSample(sample, image, bbox);
  return Math.abs(g.dx) < 32 && Math.abs(g.dy) < 32 && g.largerSide > 64 && g.largerSide < 256;
}

// Image 0: fully annotated, one person and a rejected proposal on empty ground far from it.
// Image 1: not complete; one accepted object, a rejected duplicate of it, a rejected box elsewhere,
// and an undecided proposal.
const images: SamplerImage[] = [
  { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], hardNegatives: [[400, 200, 120, 150]], backgroundNegatives: true },
  {
    width: 600,
    height: 400,
    objects: [{ bbox: [300, 100, 80, 180], iscrowd: false }],
    hardNegatives: [
      [305, 95, 78, 185],
      [40, 40, 150, 120],
    ],
    undecided: [[450, 200, 100, 150]],
    backgroundNegatives: false,
  },
];

describe('WindowSampler hard negatives', () => {
  const sampler = new WindowSampler(images, { seed: 21 });
  const draws = Array.from({ length: 2000 }, () => sampler.drawHardNegative());

  test('a rejected duplicate of an annotated object is dropped; rejected boxes elsewhere are kept', () => {
    expect(sampler.hardNegativeCount).toBe(2);
    expect(new Set(draws.map((sample) => `${sample.imageIndex}/${sample.hardNegativeIndex}`))).toEqual(new Set(['0/0', '1/1']));
  });

  test('windows are centred on the rejected box within +-16 px, its larger side within 128 * 2^(+-1/4), labelled -1', () => {
    for (const sample of draws) {
      const image = images[sample.imageIndex];
      const box = (image.hardNegatives as Bbox[])[sample.hardNegativeIndex as number];
      const geometry = boxInSample(sample, image, box);
      expect(Math.abs(geometry.dx)).toBeLessThanOrEqual(16 + 1e-6);
      expect(Math.abs(geometry.dy)).toBeLessThanOrEqual(16 + 1e-6);
      expect(geometry.largerSide).toBeGreaterThanOrEqual(128 * 2 ** -0.25 - 1e-6);
      expect(geometry.largerSide).toBeLessThanOrEqual(128 * 2 ** 0.25 + 1e-6);
      expect(sample.label).toBe(-1);
      expect(sample.objectIndex).toBe(-1);
    }
  });

  test('jittered like positives (offsets both ways, mirrors) and never near an annotated object', () => {
    const offsets = new Set(draws.map((sample) => Math.sign(Math.round(boxInSample(sample, images[sample.imageIndex], (images[sample.imageIndex].hardNegatives as Bbox[])[sample.hardNegativeIndex as number]).dx))));
    expect(offsets.has(-1) && offsets.has(1)).toBe(true);
    expect(new Set(draws.map((sample) => sample.view.flipped))).toEqual(new Set([false, true]));
    for (const sample of draws) for (const object of images[sample.imageIndex].objects) expect(near(sample, images[sample.imageIndex], object.bbox)).toBe(false);
  });

  test('a crowd region next to a rejected box blocks it', () => {
    const crowded = new WindowSampler([
      { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }, { bbox: [398, 198, 124, 154], iscrowd: true }], hardNegatives: [[400, 200, 120, 150]] },
    ]);
    expect(crowded.hardNegativeCount).toBe(0);
  });

  test('a hard negative uses the views the image already needs when it can, else one view of its own', () => {
    // Same size as the object: its scale band meets the object's levels, so no view is added.
    const sameSize: SamplerImage = { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], hardNegatives: [[400, 200, 90, 200]], backgroundNegatives: false };
    const objectLevels = positiveLevels([40, 60, 90, 200], 640, 480, 1024);
    const levelsOf = (image: SamplerImage): number[] => new WindowSampler([image], { flip: false }).views(0).map((view) => view.level);
    expect(levelsOf(sameSize)).toEqual(objectLevels);
    // A box of a quite different size adds exactly one level.
    const otherSize: SamplerImage = { ...sameSize, hardNegatives: [[300, 40, 320, 400]] };
    expect(levelsOf(otherSize)).toHaveLength(objectLevels.length + 1);
  });

  test('views() lists the hard negatives\' views', () => {
    const key = (view: { level: number; flipped: boolean }): string => `${view.level}/${view.flipped}`;
    for (const sample of draws.slice(0, 300)) expect(sampler.views(sample.imageIndex).map(key)).toContain(key(sample.view));
  });
});

describe('WindowSampler background negatives per image', () => {
  const sampler = new WindowSampler(images, { seed: 22 });

  test('only images that allow it give background negatives, and undecided regions keep them away', () => {
    expect(sampler.backgroundImageCount).toBe(1);
    for (let i = 0; i < 1000; i++) expect(sampler.drawBackgroundNegative().imageIndex).toBe(0);
    const undecided: SamplerImage = { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], undecided: [[300, 150, 110, 140]] };
    const withUndecided = new WindowSampler([undecided], { seed: 23 });
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const sample = withUndecided.drawBackgroundNegative();
      expect(near(sample, undecided, (undecided.undecided as Bbox[])[0])).toBe(false);
      checked++;
    }
    expect(checked).toBe(3000);
    // Undecided regions never become positives.
    expect(withUndecided.positiveObjectCount).toBe(1);
  });

  test('an image without background negatives adds no view of its own beyond its objects\' scales', () => {
    const onlyPositive = new WindowSampler(
      [
        { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], backgroundNegatives: false, hardNegatives: [[400, 200, 120, 150]] },
        { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], backgroundNegatives: false },
      ],
      { flip: false },
    );
    // Object levels: larger side 200 -> 128 at 2^(-0.64): levels around -2.6 only, no native level 0.
    expect(onlyPositive.views(1).map((view) => view.level)).not.toContain(0);
    expect(onlyPositive.backgroundImageCount).toBe(0);
    for (let i = 0; i < 200; i++) expect(onlyPositive.drawNegative().hardNegativeIndex).toBe(0);
  });

  test('no source of negatives at all is a clear, coded error (it crosses the learner worker as {code, message, details})', () => {
    const build = () => new WindowSampler([{ width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }], backgroundNegatives: false }]);
    expect(build).toThrow(/no negatives can be drawn/);
    expect(build).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { reason: 'NO_NEGATIVES' } }));
  });
});

describe('WindowSampler score batches with hard negatives', () => {
  test('half positives, half negatives; negatives mix hard and background about evenly', () => {
    const sampler = new WindowSampler(images, { seed: 24 });
    let hard = 0;
    let background = 0;
    for (let i = 0; i < 50; i++) {
      const batch = sampler.scoreBatch(32);
      expect(batch.filter((sample) => sample.label === 1)).toHaveLength(16);
      const negatives = batch.filter((sample) => sample.label === -1);
      expect(negatives).toHaveLength(16);
      hard += negatives.filter((sample) => sample.hardNegativeIndex !== undefined).length;
      background += negatives.filter((sample) => sample.hardNegativeIndex === undefined).length;
    }
    expect(hard / (hard + background)).toBeGreaterThan(0.4);
    expect(hard / (hard + background)).toBeLessThan(0.6);
  });

  test('explicit defaults (no hard negatives, background allowed) draw exactly what COCO training draws', () => {
    const plain: SamplerImage[] = images.map((image) => ({ width: image.width, height: image.height, objects: image.objects }));
    const explicit: SamplerImage[] = plain.map((image) => ({ ...image, hardNegatives: [], undecided: [], backgroundNegatives: true }));
    expect(new WindowSampler(explicit, { seed: 25 }).scoreBatch(64)).toEqual(new WindowSampler(plain, { seed: 25 }).scoreBatch(64));
  });
});

describe('WindowSampler without the native view', () => {
  test('background negatives come from the objects\' views; an image without any still gets its native view', () => {
    const withObject: SamplerImage = { width: 640, height: 480, objects: [{ bbox: [40, 60, 90, 200], iscrowd: false }] };
    const empty: SamplerImage = { width: 640, height: 480, objects: [] };
    const sampler = new WindowSampler([withObject, empty], { flip: false, nativeView: false });
    expect(sampler.views(0).map((view) => view.level)).toEqual(positiveLevels([40, 60, 90, 200], 640, 480, 1024));
    expect(sampler.views(1).map((view) => view.level)).toEqual([0]);
    const key = (view: { level: number; flipped: boolean }): string => `${view.level}/${view.flipped}`;
    for (let i = 0; i < 300; i++) {
      const sample = sampler.drawBackgroundNegative();
      expect(sampler.views(sample.imageIndex).map(key)).toContain(key(sample.view));
    }
    // The default keeps the native view (COCO training).
    expect(new WindowSampler([withObject], { flip: false }).views(0).map((view) => view.level)).toContain(0);
  });
});
