// The learning-loop bench's simulated annotator and its bookkeeping: which proposals it accepts,
// what it draws, what it charges in clicks, and the AR it reports on the remaining images.
import { describe, expect, test } from 'vitest';
import type { Instance } from '../../shared/api/types';
import { polygonToRle, rleArea, fromCocoRle, toCocoRle } from '../../shared/geometry';
import { annotateImage, vertexCount, type TruthObject } from '../../bench/lib/annotator';
import { addDecisions, clicksPerInstance, medianBestIou, correctedInstances, emptyTally, formatTable, type BlockRow } from '../../bench/lib/block-report';
import { arOnRemaining } from '../../bench/lib/remaining-ar';
import type { TruthImage } from '../../bench/lib/pennfudan-truth';

const W = 100;
const H = 80;
const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];
const truthRect = (x0: number, y0: number, x1: number, y1: number): TruthObject => ({ rle: polygonToRle(rect(x0, y0, x1, y1), H, W), polygons: [rect(x0, y0, x1, y1)] });
const proposal = (id: string, score: number, x0: number, y0: number, x1: number, y1: number): Instance => ({
  id,
  polygons: [rect(x0, y0, x1, y1)],
  rle: toCocoRle(polygonToRle(rect(x0, y0, x1, y1), H, W)),
  score,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'v-test',
});

describe('annotateImage', () => {
  const person = truthRect(10, 10, 30, 70); // 20 x 60
  const other = truthRect(60, 10, 90, 50);

  test('accepts a proposal at IoU >= 0.85, rejects one below, draws the missed object', () => {
    const exact = proposal('a', 0.9, 10, 10, 30, 70);
    const loose = proposal('b', 0.8, 60, 10, 90, 40); // IoU 0.75 with `other`
    const result = annotateImage([loose, exact], [person, other], { width: W, height: H });
    expect(result.instances.map((i) => [i.id, i.status, i.source])).toEqual([
      ['b', 'rejected', 'model'],
      ['a', 'accepted', 'model'],
      ['drawn-1', 'accepted', 'manual'],
    ]);
    expect(result).toMatchObject({ objects: 2, accepted: 1, rejected: 1, drawn: 1, drawnVertices: 4, clicks: 1 + 1 + 4 });
    const drawn = result.instances[2];
    expect(drawn.score).toBeNull();
    expect(drawn.modelVersion).toBeNull();
    expect(rleArea(fromCocoRle(drawn.rle))).toBe(30 * 40);
    expect(result.bestIous).toEqual([1, 0.75]);
  });

  test('the threshold is inclusive and configurable', () => {
    const nearly = proposal('n', 0.5, 10, 10, 30, 61); // IoU 51/60 = 0.85
    expect(annotateImage([nearly], [person], { width: W, height: H }).accepted).toBe(1);
    expect(annotateImage([nearly], [person], { width: W, height: H }, { iouThreshold: 0.9, rejectClicks: 1 }).accepted).toBe(0);
  });

  test('greedy by score: a higher-scored duplicate takes the object, the other is rejected though it fits', () => {
    const low = proposal('low', 0.3, 10, 10, 30, 70);
    const high = proposal('high', 0.7, 10, 11, 30, 70);
    const result = annotateImage([low, high], [person], { width: W, height: H });
    expect(result.instances.map((i) => [i.id, i.status])).toEqual([
      ['low', 'rejected'],
      ['high', 'accepted'],
    ]);
    expect(result.drawn).toBe(0);
  });

  test('a proposal goes to the unmatched object it fits best, not one already taken', () => {
    const twinA = truthRect(10, 10, 30, 70);
    const twinB = truthRect(10, 10, 30, 69); // nearly the same object twice
    const first = proposal('p1', 0.9, 10, 10, 30, 70);
    const second = proposal('p2', 0.8, 10, 10, 30, 70);
    const result = annotateImage([first, second], [twinA, twinB], { width: W, height: H });
    expect(result.accepted).toBe(2);
    expect(result.drawn).toBe(0);
  });

  test('rejections cost what the options say; no proposals means drawing everything', () => {
    const junk = [proposal('j1', 0.9, 40, 60, 50, 70), proposal('j2', 0.8, 0, 0, 5, 5)];
    expect(annotateImage(junk, [person], { width: W, height: H }, { iouThreshold: 0.85, rejectClicks: 0 }).clicks).toBe(4);
    expect(annotateImage(junk, [person], { width: W, height: H }).clicks).toBe(2 + 4);
    const none = annotateImage([], [person, other], { width: W, height: H });
    expect(none).toMatchObject({ accepted: 0, rejected: 0, drawn: 2, clicks: 8, bestIous: [0, 0] });
  });

  test('drawn ids never collide with proposal ids', () => {
    const clash = proposal('drawn-0', 0.9, 60, 60, 70, 70);
    const result = annotateImage([clash], [person], { width: W, height: H });
    expect(new Set(result.instances.map((i) => i.id)).size).toBe(2);
  });

  test('vertexCount counts every ring', () => {
    expect(vertexCount([rect(0, 0, 1, 1), [0, 0, 2, 0, 1, 1]])).toBe(7);
  });
});

describe('block bookkeeping', () => {
  test('sums decisions, counts corrected instances and clicks per object', () => {
    const truth = [truthRect(10, 10, 30, 70), truthRect(60, 10, 90, 50)];
    const one = annotateImage([proposal('a', 0.9, 10, 10, 30, 70)], truth, { width: W, height: H });
    const two = annotateImage([proposal('x', 0.9, 0, 0, 5, 5)], truth, { width: W, height: H });
    const tally = addDecisions(addDecisions(emptyTally(), one), two);
    expect(tally).toMatchObject({ images: 2, objects: 4, accepted: 1, rejected: 1, drawn: 3 });
    expect(correctedInstances(tally)).toBe(4);
    expect(clicksPerInstance(tally)).toBe((1 + 4 + 1 + 8) / 4);
    expect(clicksPerInstance(emptyTally())).toBeNull();
    expect(tally.bestIous).toEqual([1, 0, 0, 0]);
    expect(medianBestIou(tally)).toBe(0);
    expect(medianBestIou(emptyTally())).toBeNull();
  });

  test('the table has one line per block and shows missing values as dashes', () => {
    const row: BlockRow = {
      block: 0,
      imagesWalked: 0,
      correctedSoFar: 0,
      walk: null,
      clicksPerInstance: null,
      fineTune: null,
      activeVersion: 'deepmask',
      remaining: { images: 3, instances: 5, ar10: 0.25, ar100: 0.4, recall10At85: 0.2 },
    };
    const lines = formatTable([row, { ...row, block: 1, imagesWalked: 10, fineTune: { versionId: 'f1', wallSeconds: 50, seconds: 40.04, triplets: 512, steps: 16, adopted: true, decision: 'ok', heldOutAr10: null, baselineHeldOutAr10: null } }]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('| 0 | 0 | 0 | – | – | – | – | – | – | – | – | – | 0.250 | 0.400 | 0.200 |');
    expect(lines[3]).toContain('| 40.0 / 50.0 | 512 | 16 | yes | 0.250 |');
  });
});

describe('arOnRemaining', () => {
  const image = (objects: TruthObject[]): TruthImage => ({ fileName: 'x.png', width: W, height: H, objects: objects.map((o) => ({ ...o, area: rleArea(o.rle), isCrowd: false })) });
  const truth = image([truthRect(10, 10, 30, 70), truthRect(60, 10, 90, 50)]);

  test('perfect proposals give AR 1, none give 0, one of two objects gives 0.5', () => {
    expect(arOnRemaining([{ truth, proposals: [proposal('a', 0.9, 10, 10, 30, 70), proposal('b', 0.8, 60, 10, 90, 50)] }])).toEqual({ images: 1, instances: 2, ar10: 1, ar100: 1, recall10At85: 1 });
    expect(arOnRemaining([{ truth, proposals: [] }])).toMatchObject({ ar10: 0, ar100: 0 });
    expect(arOnRemaining([{ truth, proposals: [proposal('a', 0.9, 10, 10, 30, 70)] }]).ar10).toBe(0.5);
  });

  test('recall at IoU .85 counts a proposal at IoU 0.85 and not one at 0.8', () => {
    const single = image([truthRect(10, 10, 30, 70)]);
    expect(arOnRemaining([{ truth: single, proposals: [proposal('n', 0.5, 10, 10, 30, 61)] }]).recall10At85).toBe(1);
    expect(arOnRemaining([{ truth: single, proposals: [proposal('n', 0.5, 10, 10, 30, 58)] }]).recall10At85).toBe(0);
  });

  test('AR@10 only counts the ten best-scored proposals', () => {
    const junk = Array.from({ length: 10 }, (_, k) => proposal(`j${k}`, 0.9, 40 + k, 60, 45 + k, 70));
    const late = proposal('late', 0.1, 10, 10, 30, 70);
    const report = arOnRemaining([{ truth: image([truthRect(10, 10, 30, 70)]), proposals: [late, ...junk] }]);
    expect(report.ar10).toBe(0);
    expect(report.ar100).toBe(1);
  });
});

describe('walkImage with clicks and categories', () => {
  test('an object no proposal fits is segmented with clicks; the session clicks, a category key per object and the drawn fallback are charged', async () => {
    const { walkImage } = await import('../../bench/lib/loop-driver');
    const truth: TruthImage = {
      fileName: 'x.png',
      width: W,
      height: H,
      objects: [
        { ...truthRect(10, 10, 30, 70), area: 1200, isCrowd: false, categoryId: 7 },
        { ...truthRect(60, 10, 90, 50), area: 1200, isCrowd: false, categoryId: 8 },
      ],
    };
    const prompts: Array<{ clicks: number; previous: boolean }> = [];
    let saved: Instance[] = [];
    const api = {
      propose: async () => ({ instances: [proposal('p', 0.9, 10, 10, 30, 70)], latencyMs: 5 }),
      // The click model gets the second object right on the second click only.
      segmentAt: async (params: { clicks: Array<{ x: number; y: number; positive: boolean }>; previousMask?: unknown }) => {
        prompts.push({ clicks: params.clicks.length, previous: params.previousMask !== undefined });
        const instance = params.clicks.length >= 2 ? proposal('c', 0.8, 60, 10, 90, 50) : proposal('c', 0.8, 60, 10, 75, 30);
        return { instance: { ...instance, suggestedCategoryId: 108 }, latencyMs: 3 };
      },
      saveAnnotations: async (params: { instances: Instance[] }) => {
        saved = params.instances;
        return { revision: 1 };
      },
    };
    const decisions = await walkImage(api as never, 'x.png', truth, { shown: 10, iouThreshold: 0.85, rejectClicks: 1, maxClicks: 5, categoryOf: (id) => 100 + id });
    expect(prompts).toEqual([{ clicks: 1, previous: false }, { clicks: 2, previous: true }]);
    expect(decisions).toMatchObject({ accepted: 1, rejected: 0, clicked: 1, drawn: 0, drawnVertices: 0, sessionClicks: 2, categoryKeys: 1, categoryRight: 1 });
    // 1 accept + 2 session clicks + 1 category key (the clicked one's suggestion was right).
    expect(decisions.clicks).toBe(4);
    expect(saved.map((instance) => [instance.source, instance.status, instance.categoryId])).toEqual([
      ['model', 'accepted', 107],
      ['click', 'accepted', 108],
    ]);
  });
});
