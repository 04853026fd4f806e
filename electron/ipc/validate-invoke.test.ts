import { describe, expect, test } from 'vitest';
import { API_METHOD_NAMES } from '../../shared/api/contract';
import { INVOKE_CHANNEL } from './channels';
import { PARAM_SCHEMAS } from './param-schemas';
import type { SenderInfo, SenderPolicy } from './sender';
import { MAX_PARAM_DEPTH, validateInvoke } from './validate-invoke';

const policy: SenderPolicy = { mainWindowId: 7, allowedOrigins: ['app://maskpilot'] };
const sender: SenderInfo = { url: 'app://maskpilot/index.html', isMainFrame: true, windowId: 7 };

function check(args: unknown[], from: SenderInfo = sender, channel = INVOKE_CHANNEL) {
  return validateInvoke(channel, args, from, policy);
}

function refusal(args: unknown[], from: SenderInfo = sender, channel = INVOKE_CHANNEL) {
  const result = check(args, from, channel);
  if (result.ok) throw new Error(`expected a refusal of ${JSON.stringify(args)}`);
  return result.error;
}

describe('validateInvoke: allowlist and sender', () => {
  test('passes a well-formed call through with its params', () => {
    const result = check(['listImages', { offset: 0, limit: 50 }]);
    expect(result).toEqual({ ok: true, method: 'listImages', params: { offset: 0, limit: 50 } });
  });

  test('every method of the contract has a schema, and a call with no params defaults to {}', () => {
    expect(Object.keys(PARAM_SCHEMAS).sort()).toEqual([...API_METHOD_NAMES].sort());
    expect(check(['getProject'])).toEqual({ ok: true, method: 'getProject', params: {} });
  });

  test('refuses methods not on the allowlist, including prototype names', () => {
    for (const method of ['deleteEverything', 'constructor', '__proto__', 'toString', 'on', 'close', 'resolveImageFile', 42, null]) {
      const error = refusal([method, {}]);
      expect(error.code, String(method)).toBe('FORBIDDEN');
    }
  });

  test('refuses an untrusted sender before looking at the call', () => {
    const error = refusal(['getProject', {}], { ...sender, isMainFrame: false });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/untrusted frame/);
    expect(refusal(['getProject', {}], { ...sender, url: 'https://evil.example/' }).code).toBe('FORBIDDEN');
  });

  test('refuses other channels', () => {
    expect(refusal(['getProject', {}], sender, 'maskpilot:other').code).toBe('FORBIDDEN');
  });
});

describe('validateInvoke: malformed params', () => {
  test('params must be one plain object', () => {
    for (const params of [null, 'x', 3, [1, 2], new Date(0), new Map()]) {
      const error = refusal(['getProject', params]);
      expect(error.code, String(params)).toBe('INVALID_ARGUMENT');
    }
    expect(refusal([]).code).toBe('INVALID_ARGUMENT');
    expect(refusal(['getProject', {}, 'extra']).code).toBe('INVALID_ARGUMENT');
  });

  test('missing, mistyped and unknown fields are named', () => {
    const missing = refusal(['getImage', {}]);
    expect(missing).toMatchObject({ code: 'INVALID_ARGUMENT', details: { method: 'getImage', field: 'imageId' } });
    const mistyped = refusal(['listImages', { offset: '0', limit: 10 }]);
    expect(mistyped).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'offset' } });
    expect(mistyped.message).toMatch(/offset.*integer/);
    const fractional = refusal(['listImages', { offset: 0.5, limit: 10 }]);
    expect(fractional.details).toMatchObject({ field: 'offset' });
    const unknown = refusal(['getImage', { imageId: 'a.jpg', path: '/etc/passwd' }]);
    expect(unknown).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'path' } });
  });

  test('optional fields may be absent or undefined, but not of the wrong kind', () => {
    expect(check(['propose', { imageId: 'a.jpg' }]).ok).toBe(true);
    expect(check(['propose', { imageId: 'a.jpg', maxProposals: undefined }]).ok).toBe(true);
    expect(refusal(['propose', { imageId: 'a.jpg', maxProposals: 'ten' }]).details).toMatchObject({ field: 'maxProposals' });
  });

  test('non-JSON values anywhere inside are refused with their path', () => {
    const nan = refusal(['segmentAt', { imageId: 'a.jpg', x: Number.NaN, y: 1 }]);
    expect(nan.details).toMatchObject({ field: 'x' });
    const deep = refusal([
      'saveAnnotations',
      { imageId: 'a.jpg', instances: [{ id: 'i1', polygons: [[0, 0, 1, Infinity]] }] },
    ]);
    expect(deep).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'instances[0].polygons[0][3]' } });
    const typed = refusal(['saveAnnotations', { imageId: 'a.jpg', instances: [{ rle: new Uint8Array(4) }] }]);
    expect(typed.details).toMatchObject({ field: 'instances[0].rle' });
    const holey = refusal(['saveAnnotations', { imageId: 'a.jpg', instances: [undefined] }]);
    expect(holey.details).toMatchObject({ field: 'instances[0]' });
  });

  test('cycles and absurd nesting are refused rather than recursed into forever', () => {
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    expect(refusal(['saveAnnotations', { imageId: 'a.jpg', instances: [cyclic] }]).code).toBe('INVALID_ARGUMENT');
    let nested: unknown = 1;
    for (let level = 0; level < MAX_PARAM_DEPTH + 5; level++) nested = [nested];
    expect(refusal(['saveAnnotations', { imageId: 'a.jpg', instances: nested }]).code).toBe('INVALID_ARGUMENT');
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
    expect(check(['saveAnnotations', params])).toEqual({ ok: true, method: 'saveAnnotations', params });
  });
});
