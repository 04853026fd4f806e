// The method table and what derives from it: the allowlist and the boundary check of parameters.
import { describe, expect, test } from 'vitest';
import { API_EVENT_NAMES, API_METHOD_NAMES, apiParamNames, checkApiCall, isApiEventName, isApiMethodName } from './contract';
import { ApiError } from './errors';
import { API_METHODS } from './methods';
import { MAX_PARAM_DEPTH } from './schema';

function refusal(method: unknown, params: unknown): ApiError {
  try {
    checkApiCall(method, params);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error(`expected a refusal of ${String(method)} ${JSON.stringify(params)}`);
}

describe('the method table', () => {
  test('the allowlist is the table, and nothing of Object.prototype is on it', () => {
    expect([...API_METHOD_NAMES]).toEqual(Object.keys(API_METHODS));
    expect(API_METHOD_NAMES).toContain('segmentAt');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'on', 'close', 'resolveImageFile', 42, null]) {
      expect(isApiMethodName(name), String(name)).toBe(false);
    }
    expect(API_EVENT_NAMES).toContain('onDidChangeAnnotations');
    expect(isApiEventName('toString')).toBe(false);
  });

  test('allowed parameter names come from the schema', () => {
    expect(apiParamNames('getProject')).toEqual([]);
    expect(apiParamNames('saveAnnotations')).toEqual(['imageId', 'instances', 'status', 'baseRevision']);
    expect(apiParamNames('segmentAt')).toEqual(['imageId', 'clicks', 'box', 'previousMask', 'scaleIndex']);
  });
});

describe('checkApiCall: the boundary check of every transport', () => {
  test('passes a well-formed call through; no params means {}', () => {
    expect(checkApiCall('listImages', { offset: 0, limit: 50 })).toEqual({ offset: 0, limit: 50 });
    expect(checkApiCall('getProject', undefined)).toEqual({});
  });

  test('methods off the allowlist are FORBIDDEN', () => {
    for (const method of ['deleteEverything', 'constructor', '__proto__', 'toString', 'on', 'close', 'resolveImageFile', 42, null]) {
      expect(refusal(method, {}).code, String(method)).toBe('FORBIDDEN');
    }
  });

  test('params must be one plain object', () => {
    for (const params of [null, 'x', 3, [1, 2], new Date(0), new Map()]) {
      expect(refusal('getProject', params).code, String(params)).toBe('INVALID_ARGUMENT');
    }
  });

  test('missing, mistyped and unknown fields are named', () => {
    expect(refusal('getImage', {})).toMatchObject({ code: 'INVALID_ARGUMENT', details: { method: 'getImage', field: 'imageId' } });
    const mistyped = refusal('listImages', { offset: '0', limit: 10 });
    expect(mistyped).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'offset' } });
    expect(mistyped.message).toMatch(/offset.*integer/);
    expect(refusal('listImages', { offset: 0.5, limit: 10 }).details).toMatchObject({ field: 'offset' });
    expect(refusal('getImage', { imageId: 'a.jpg', path: '/etc/passwd' })).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'path' } });
    expect(refusal('segmentAt', { imageId: 'a.jpg', clicks: [], box: [1, 2, 3, 4] }).details).toMatchObject({ field: 'box' });
  });

  test('optional fields may be absent or undefined, but not of the wrong kind', () => {
    expect(checkApiCall('propose', { imageId: 'a.jpg' })).toEqual({ imageId: 'a.jpg' });
    expect(() => checkApiCall('propose', { imageId: 'a.jpg', maxProposals: undefined })).not.toThrow();
    expect(refusal('propose', { imageId: 'a.jpg', maxProposals: 'ten' }).details).toMatchObject({ field: 'maxProposals' });
    expect(refusal('saveAnnotations', { imageId: 'a.jpg', instances: [], baseRevision: null }).details).toMatchObject({ field: 'baseRevision' });
  });

  test('non-JSON values anywhere inside are refused with their path', () => {
    expect(refusal('segmentAt', { imageId: 'a.jpg', clicks: [{ x: Number.NaN, y: 1, positive: true }] }).details).toMatchObject({ field: 'clicks[0].x' });
    const deep = refusal('saveAnnotations', { imageId: 'a.jpg', instances: [{ id: 'i1', polygons: [[0, 0, 1, Infinity]] }] });
    expect(deep).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'instances[0].polygons[0][3]' } });
    expect(refusal('saveAnnotations', { imageId: 'a.jpg', instances: [{ rle: new Uint8Array(4) }] }).details).toMatchObject({ field: 'instances[0].rle' });
    expect(refusal('saveAnnotations', { imageId: 'a.jpg', instances: [undefined] }).details).toMatchObject({ field: 'instances[0]' });
  });

  test('cycles and absurd nesting are refused rather than recursed into forever', () => {
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    expect(refusal('saveAnnotations', { imageId: 'a.jpg', instances: [cyclic] }).code).toBe('INVALID_ARGUMENT');
    let nested: unknown = 1;
    for (let level = 0; level < MAX_PARAM_DEPTH + 5; level++) nested = [nested];
    expect(refusal('saveAnnotations', { imageId: 'a.jpg', instances: nested }).code).toBe('INVALID_ARGUMENT');
  });

  test('a realistic save passes untouched', () => {
    const params = {
      imageId: 'street/img 01.jpg',
      instances: [
        {
          id: 'i1',
          polygons: [[0, 0, 10, 0, 10, 10]],
          rle: { size: [20, 20], counts: 'PQ0' },
          score: null,
          status: 'accepted',
          source: 'manual',
          categoryId: null,
          modelVersion: null,
        },
      ],
      status: 'done',
      baseRevision: 3,
    };
    expect(checkApiCall('saveAnnotations', params)).toBe(params);
  });
});
