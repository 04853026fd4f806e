import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { parseSegmentPrompt } from './segment-prompt';

const parse = (fields: Record<string, unknown>) => parseSegmentPrompt(fields, 100, 80);
const failure = (fields: Record<string, unknown>): string => {
  try {
    parse(fields);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).message;
  }
  throw new Error('expected a failure');
};

describe('parseSegmentPrompt', () => {
  it('keeps clicks in order, a box and a previous mask of the image size', () => {
    const prompt = parse({ clicks: [{ x: 10, y: 20, positive: true }, { x: 30, y: 5, positive: false }], box: { x1: 1, y1: 2, x2: 50, y2: 60 }, previousMask: { size: [80, 100], counts: '0' }, scaleIndex: 1 });
    expect(prompt).toEqual({ clicks: [{ x: 10, y: 20, positive: true }, { x: 30, y: 5, positive: false }], box: { x1: 1, y1: 2, x2: 50, y2: 60 }, previousMask: { size: [80, 100], counts: '0' }, scaleIndex: 1 });
    expect(parse({ clicks: [], box: { x1: 0, y1: 0, x2: 100, y2: 80 } })).toEqual({ clicks: [], box: { x1: 0, y1: 0, x2: 100, y2: 80 } });
  });
  it('names the field that is wrong', () => {
    expect(failure({ clicks: [] })).toMatch(/clicks: at least one click or a box/);
    expect(failure({ clicks: [{ x: 1, y: 1, positive: false }] })).toMatch(/first click must be positive/);
    expect(failure({ clicks: [{ x: 101, y: 1, positive: true }] })).toMatch(/clicks\[0\]\.x: must be within the image/);
    expect(failure({ clicks: [{ x: 1, y: 1 }] })).toMatch(/clicks\[0\]\.positive/);
    expect(failure({ clicks: [{ x: 1, y: 1, positive: true, z: 1 }] })).toMatch(/clicks\[0\]\.z: unknown field/);
    expect(failure({ clicks: [], box: { x1: 5, y1: 5, x2: 5, y2: 9 } })).toMatch(/box: must have x1 < x2/);
    expect(failure({ clicks: [{ x: 1, y: 1, positive: true }], previousMask: { size: [10, 10], counts: '' } })).toMatch(/previousMask: must be 80x100/);
    expect(failure({ clicks: new Array(65).fill({ x: 1, y: 1, positive: true }) })).toMatch(/at most 64/);
  });
});
