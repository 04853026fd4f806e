import { describe, expect, test } from 'vitest';
import { ApiError, deserializeError, httpStatusOf, serializeError } from './errors';

describe('API errors across the wire', () => {
  test('an ApiError survives serialize -> JSON -> deserialize with code, message and details', () => {
    const original = new ApiError('INVALID_COCO', 'annotation 7: polygon has 2 points', { annotationId: 7 });
    const rebuilt = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(rebuilt).toBeInstanceOf(ApiError);
    expect(rebuilt.code).toBe('INVALID_COCO');
    expect(rebuilt.message).toBe('annotation 7: polygon has 2 points');
    expect(rebuilt.details).toEqual({ annotationId: 7 });
  });

  test('a plain Error becomes INTERNAL with its message; junk becomes INTERNAL', () => {
    expect(serializeError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(deserializeError({ code: 'NOT_A_CODE', message: 'x' }).code).toBe('INTERNAL');
    expect(deserializeError(null).code).toBe('INTERNAL');
  });
});

describe('HTTP status of a refusal', () => {
  test('each refusal maps to the status an HTTP client expects; anything else is a server error', () => {
    expect(httpStatusOf('INVALID_ARGUMENT')).toBe(400);
    expect(httpStatusOf('UNAUTHORIZED')).toBe(401);
    expect(httpStatusOf('FORBIDDEN')).toBe(403);
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('CORRUPT_FILE')).toBe(422);
    expect(httpStatusOf('INTERNAL')).toBe(500);
  });
});
