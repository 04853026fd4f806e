import { describe, expect, test } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { rleCountsTotal, validateInstances } from './instance-validation';
import { rectangleInstance, rectangleRle } from './test-helpers';

describe('rleCountsTotal', () => {
  test('sums the runs of COCO counts strings, including delta-coded and multi-character runs', () => {
    // pycocotools encodes a 3x3 all-zero mask as "9" and [2 zeros, 5 ones, 2 zeros] as "252".
    expect(rleCountsTotal('9')).toBe(9);
    expect(rleCountsTotal('252')).toBe(9);
    expect(rleCountsTotal(rectangleRle(300, 200, 10, 20, 250, 180).counts)).toBe(60_000);
    expect(rleCountsTotal(rectangleRle(4000, 3000, 1, 1, 3999, 2999).counts)).toBe(12_000_000);
    expect(rleCountsTotal('')).toBe(0);
  });

  test('rejects characters outside the alphabet and runs cut short', () => {
    expect(rleCountsTotal('2 2')).toMatch(/invalid character/);
    expect(rleCountsTotal('P')).toMatch(/ends in the middle/); // 'P' = 48 + 0x20: a continuation bit, then nothing
  });
});

describe('validateInstances', () => {
  const context = { width: 20, height: 10, categoryIds: new Set([1]) };

  test('accepts good instances and drops nothing', () => {
    const instance = rectangleInstance('a', 20, 10, { categoryId: 1, score: 0.5 });
    expect(validateInstances([instance], 'instances', context)).toEqual([instance]);
  });

  test('names the first bad field', () => {
    const bad = { ...rectangleInstance('a', 20, 10), polygons: [[0, 0, 1, 1, 2, Infinity]] };
    try {
      validateInstances([bad], 'instances', context);
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).details?.field).toBe('instances[0].polygons[0][5]');
    }
    const missing: Record<string, unknown> = { ...rectangleInstance('b', 20, 10) };
    delete missing.source;
    expect(() => validateInstances([missing], 'instances', context)).toThrow(/instances\[0\]\.source: is required/);
  });
});

describe('prompt (the interactive session that made an instance)', () => {
  const context = { width: 20, height: 10, categoryIds: null };
  test('is kept when it is a valid prompt on this image, and refused with its field named otherwise', () => {
    const prompt = { clicks: [{ x: 3, y: 4, positive: true }, { x: 10, y: 2, positive: false }], box: { x1: 1, y1: 1, x2: 15, y2: 9 } };
    const instance = rectangleInstance('a', 20, 10, { source: 'click', status: 'accepted', prompt });
    expect(validateInstances([instance], 'instances', context)[0].prompt).toEqual(prompt);
    const outside = rectangleInstance('a', 20, 10, { prompt: { clicks: [{ x: 30, y: 4, positive: true }] } });
    expect(() => validateInstances([outside], 'instances', context)).toThrow(/instances\[0\]\.prompt\.clicks\[0\]\.x: must be within the image/);
    const stray = { ...rectangleInstance('a', 20, 10), prompt: { clicks: [], extra: 1 } };
    expect(() => validateInstances([stray], 'instances', context)).toThrow(/instances\[0\]\.prompt\.extra: unknown field/);
  });
});

describe('proposalRle', () => {
  const context = { width: 20, height: 10, categoryIds: null };

  test('an edited proposal keeps the mask the model proposed', () => {
    const proposalRle = rectangleRle(20, 10, 0, 0, 5, 5);
    const instance = rectangleInstance('a', 20, 10, { status: 'edited', source: 'model', score: 0.7, modelVersion: 'v1', proposalRle });
    expect(validateInstances([instance], 'instances', context)[0].proposalRle).toEqual(proposalRle);
  });

  test('a proposalRle of another size is refused with its field named', () => {
    const instance = rectangleInstance('a', 20, 10, { proposalRle: rectangleRle(10, 10, 0, 0, 5, 5) });
    expect(() => validateInstances([instance], 'instances', context)).toThrow(/instances\[0\]\.proposalRle\.size/);
  });
});
