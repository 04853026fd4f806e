import { describe, expect, test } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { describeError } from './describe-error';

describe('errors in plain words', () => {
  test('a dropped connection is said as such, without method names or socket codes', () => {
    const text = describeError(new ApiError('DISCONNECTED', 'cannot call getAnnotations: connection to the MaskPilot host closed (code 1006)'));
    expect(text).toMatch(/^no connection to the MaskPilot host/);
    expect(text).not.toMatch(/getAnnotations|1006|code/);
  });

  test('a refused token says what to do; other codes keep their message without transport detail', () => {
    expect(describeError(new ApiError('UNAUTHORIZED', 'x'))).toMatch(/open the URL it printed/);
    expect(describeError(new ApiError('IO_ERROR', 'ENOSPC: no space left'))).toBe('the disk refused (ENOSPC: no space left)');
    expect(describeError(new ApiError('NOT_FOUND', 'no such image a.jpg'))).toBe('no such image a.jpg');
    expect(describeError(new Error('boom (code 1011: internal)'))).toBe('boom');
    expect(describeError('plain')).toBe('plain');
  });
});
