import { describe, expect, test } from 'vitest';
import { makeView } from './geometry';
import { maskTarget, type MaskPixels } from './mask-target';
import { WindowSampler, type SamplerImage, type WindowSample } from './sampler';

// The checks below recompute every constraint from raw numbers (not through geometry.ts), so a bug
// in the shared helpers cannot make both sides agree.
function objectInView(sample: WindowSample, image: SamplerImage, objectIndex: number) {
  const [x, y, w, h] = image.objects[objectIndex].bbox;
  const { view } = sample;
  const width = w * (view.width / image.width);
  const height = h * (view.height / image.height);
  const left = view.flipped ? view.width - (x + w) * (view.width / image.width) : x * (view.width / image.width);
  const top = y * (view.height / image.height);
  const windowLeft = sample.position.cellX * 16;
  const windowTop = sample.position.cellY * 16;
  return {
    dx: left + width / 2 - (windowLeft + 112),
    dy: top + height / 2 - (windowTop + 112),
    largerSide: Math.max(width, height),
    contained: left >= windowLeft - 1e-6 && top >= windowTop - 1e-6 && left + width <= windowLeft + 224 + 1e-6 && top + height <= windowTop + 224 + 1e-6,
  };
}

function randomImages(count: number, seed: number): SamplerImage[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => {
    const width = 200 + Math.floor(next() * 600);
    const height = 200 + Math.floor(next() * 600);
    const objects = Array.from({ length: 1 + Math.floor(next() * 6) }, () => {
      const w = 8 + next() * (width - 8);
      const h = 8 + next() * (height - 8);
      return { bbox: [next() * (width - w), next() * (height - h), w, h] as const, iscrowd: next() < 0.1 };
    });
    return { width, height, objects };
  });
}

const images = randomImages(40, 7);

describe('WindowSampler positives', () => {
  const sampler = new WindowSampler(images, { seed: 3 });
  const draws = Array.from({ length: 3000 }, () => sampler.drawPositive());

  test('the object is centred within +-16 px, fully contained, larger side within 128 * 2^(+-1/4)', () => {
    for (const sample of draws) {
      const geometry = objectInView(sample, images[sample.imageIndex], sample.objectIndex);
      expect(Math.abs(geometry.dx)).toBeLessThanOrEqual(16 + 1e-6);
      expect(Math.abs(geometry.dy)).toBeLessThanOrEqual(16 + 1e-6);
      expect(geometry.contained).toBe(true);
      expect(geometry.largerSide).toBeGreaterThanOrEqual(128 * 2 ** -0.25 - 1e-6);
      expect(geometry.largerSide).toBeLessThanOrEqual(128 * 2 ** 0.25 + 1e-6);
      expect(sample.label).toBe(1);
    }
  });

  test('never a crowd region; windows and views sit on the stride-16 grid', () => {
    for (const sample of draws) {
      expect(images[sample.imageIndex].objects[sample.objectIndex].iscrowd).toBe(false);
      expect(Number.isInteger(sample.position.cellX) && Number.isInteger(sample.position.cellY)).toBe(true);
      expect(sample.view.width % 32).toBe(0);
      expect(sample.view.height % 32).toBe(0);
    }
  });

  test('jitter covers translation in both directions, several scales and both mirrors', () => {
    const offsets = new Set(draws.map((sample) => Math.sign(Math.round(objectInView(sample, images[sample.imageIndex], sample.objectIndex).dx))));
    expect(offsets).toEqual(new Set([-1, 0, 1]));
    expect(new Set(draws.map((sample) => sample.view.flipped))).toEqual(new Set([false, true]));
    const levelsPerObject = new Map<string, Set<number>>();
    for (const sample of draws) {
      const key = `${sample.imageIndex}/${sample.objectIndex}`;
      levelsPerObject.set(key, (levelsPerObject.get(key) ?? new Set()).add(sample.view.level));
    }
    const withSeveralScales = [...levelsPerObject.values()].filter((levels) => levels.size > 1).length;
    expect(withSeveralScales / levelsPerObject.size).toBeGreaterThan(0.5);
  });

  test('an object too large for any view within maxViewSide is never a positive', () => {
    const tiny: SamplerImage[] = [{ width: 1000, height: 1000, objects: [{ bbox: [10, 10, 4, 4], iscrowd: false }, { bbox: [0, 0, 900, 900], iscrowd: false }] }];
    const capped = new WindowSampler(tiny, { maxViewSide: 512 });
    expect(capped.positiveObjectCount).toBe(1);
    for (let i = 0; i < 50; i++) expect(capped.drawPositive().objectIndex).toBe(1);
  });

  test('rejects a dataset without any usable object', () => {
    const build = () => new WindowSampler([{ width: 100, height: 100, objects: [{ bbox: [0, 0, 50, 50], iscrowd: true }] }]);
    expect(build).toThrow(/no object can be a positive/);
    expect(build).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { reason: 'NO_POSITIVES' } }));
  });
});

describe('WindowSampler negatives', () => {
  const sampler = new WindowSampler(images, { seed: 5 });

  test('no object (crowd included) is within 32 px of the centre at a scale within a factor 2', () => {
    for (let i = 0; i < 3000; i++) {
      const sample = sampler.drawNegative();
      expect(sample.label).toBe(-1);
      expect(sample.objectIndex).toBe(-1);
      const image = images[sample.imageIndex];
      image.objects.forEach((_, objectIndex) => {
        const geometry = objectInView(sample, image, objectIndex);
        const offCentre = Math.max(Math.abs(geometry.dx), Math.abs(geometry.dy)) >= 32;
        const offScale = geometry.largerSide <= 64 || geometry.largerSide >= 256;
        expect(offCentre || offScale).toBe(true);
      });
    }
  });

  test('negative window centres lie inside the view', () => {
    for (let i = 0; i < 500; i++) {
      const { view, position } = sampler.drawNegative();
      const centreX = position.cellX * 16 + 112;
      const centreY = position.cellY * 16 + 112;
      expect(centreX >= 0 && centreX <= view.width && centreY >= 0 && centreY <= view.height).toBe(true);
    }
  });
});

describe('WindowSampler batches', () => {
  test('score batches are exactly half positives and half negatives, mixed', () => {
    const sampler = new WindowSampler(images, { seed: 11 });
    for (let i = 0; i < 20; i++) {
      const batch = sampler.scoreBatch(32);
      expect(batch.filter((sample) => sample.label === 1)).toHaveLength(16);
      expect(batch.filter((sample) => sample.label === -1)).toHaveLength(16);
    }
    const labels = sampler.scoreBatch(32).map((sample) => sample.label).join(',');
    expect(labels).not.toBe([...Array(16).fill(1), ...Array(16).fill(-1)].join(','));
    expect(() => sampler.scoreBatch(7)).toThrow(/even/);
  });

  test('mask batches hold positives only', () => {
    const sampler = new WindowSampler(images, { seed: 12 });
    expect(sampler.maskBatch(64).every((sample) => sample.label === 1)).toBe(true);
  });

  test('restoring the random state replays the same draws', () => {
    const sampler = new WindowSampler(images, { seed: 13 });
    sampler.scoreBatch(8);
    const state = sampler.getRandomState();
    const first = sampler.scoreBatch(16);
    sampler.setRandomState(state);
    expect(sampler.scoreBatch(16)).toEqual(first);
  });

  test('views() lists every view a draw can use', () => {
    const sampler = new WindowSampler(images, { seed: 14 });
    const key = (view: { level: number; flipped: boolean }): string => `${view.level}/${view.flipped}`;
    for (let i = 0; i < 300; i++) {
      for (const sample of [sampler.drawPositive(), sampler.drawNegative()]) {
        expect(sampler.views(sample.imageIndex).map(key)).toContain(key(sample.view));
      }
    }
  });
});

describe('maskTarget', () => {
  // A 256 x 128 image (level 4 doubles it exactly: 512 x 256) with an L-shaped object (asymmetric
  // left-right) and a second, square object that must not appear in the L's target.
  const width = 256;
  const height = 128;
  const data = new Uint8Array(width * height);
  const fill = (x0: number, y0: number, x1: number, y1: number, value: number): void => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = value;
  };
  fill(60, 20, 70, 80, 1);
  fill(60, 70, 100, 80, 1);
  fill(75, 20, 95, 50, 2);
  const lShape: MaskPixels = { width, height, data: data.map((value) => (value === 1 ? 1 : 0)) };
  const view = makeView(width, height, 4, false);
  const position = { cellX: 0, cellY: -3 };

  test('cuts the object to the window and downsamples to 56 x 56 in {-1, +1}', () => {
    const target = maskTarget(lShape, view, position);
    expect(target).toHaveLength(56 * 56);
    expect(new Set(target)).toEqual(new Set([-1, 1]));
    // Object pixel (65, 50) -> view (130, 100) -> window (130, 148) -> target (row 37, col 32).
    expect(target[37 * 56 + 32]).toBe(1);
    // Pixel (90, 50) is outside the L -> view (180, 100) -> target (row 37, col 45).
    expect(target[37 * 56 + 45]).toBe(-1);
    // Window rows above the image (view y < 0) are background.
    expect(target[0]).toBe(-1);
    // The count matches the object's area: 10*60 + 30*10 = 900 px -> *4 in the view -> /16 per target pixel.
    expect(view.scaleX).toBe(2);
    expect(target.filter((value) => value === 1).length).toBe(225);
  });

  test('a mirrored view at the mirrored window gives the mirrored target', () => {
    const flippedView = makeView(width, height, 4, true);
    const mirrored = { cellX: flippedView.width / 16 - 14 - position.cellX, cellY: position.cellY };
    const plain = maskTarget(lShape, view, position);
    const flipped = maskTarget(lShape, flippedView, mirrored);
    expect(flipped).not.toEqual(plain);
    for (let i = 0; i < 56; i++) for (let j = 0; j < 56; j++) expect(flipped[i * 56 + j]).toBe(plain[i * 56 + (55 - j)]);
  });
});
