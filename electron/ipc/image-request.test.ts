import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { parseImageRequestUrl, resolveImageRequest } from './image-request';
import { buildImageUrl } from './image-url';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return 'ACCEPTED';
}

describe('buildImageUrl / parseImageRequestUrl', () => {
  test('round-trips ids with folders, spaces, unicode and URL metacharacters', () => {
    for (const imageId of ['a.jpg', 'street/img 001.JPG', 'été/ßtraße #1?.png', 'a/b/c/d%20e.jpg', '100%.png']) {
      const url = buildImageUrl(imageId, { maxSide: 512 });
      expect(parseImageRequestUrl(url), url).toEqual({ imageId, maxSide: 512 });
      expect(parseImageRequestUrl(buildImageUrl(imageId))).toEqual({ imageId, maxSide: null });
    }
  });

  test('the id travels as one path segment', () => {
    expect(buildImageUrl('street/a.jpg')).toBe('maskpilot-image://project/street%2Fa.jpg');
  });

  test('refuses traversal in every spelling', () => {
    const attempts = [
      'maskpilot-image://project/..%2F..%2Fetc%2Fpasswd', // encoded slashes
      'maskpilot-image://project/%2E%2E%2Fsecret.jpg', // encoded dots and slash
      'maskpilot-image://project/%2e%2e', // the id '..' itself (URL parsers drop a bare %2e%2e segment)
      'maskpilot-image://project/a%2F..%2F..%2Fb.jpg', // '..' in the middle
      'maskpilot-image://project/%2Fetc%2Fpasswd', // absolute POSIX path
      'maskpilot-image://project/C%3A%5CWindows%5Cwin.ini', // Windows absolute path
      'maskpilot-image://project/C%3A%2FWindows%2Fwin.ini', // drive letter with forward slashes
      'maskpilot-image://project/..%5C..%5Csecret.jpg', // backslash separators
      'maskpilot-image://project/%5C%5Cserver%5Cshare%5Cx.jpg', // UNC path
      'maskpilot-image://project/a.jpg%00.png', // NUL byte
      'maskpilot-image://project/.%2Fa.jpg', // '.' segment
      'maskpilot-image://project/a%2F%2Fb.jpg', // empty segment
    ];
    for (const url of attempts) {
      expect(['FORBIDDEN', 'INVALID_ARGUMENT'], url).toContain(codeOf(() => parseImageRequestUrl(url)));
    }
    expect(codeOf(() => parseImageRequestUrl('maskpilot-image://project/..%2Fx.jpg'))).toBe('FORBIDDEN');
    expect(codeOf(() => parseImageRequestUrl('maskpilot-image://project/a.jpg%00'))).toBe('FORBIDDEN');
  });

  test('refuses URLs that are not one encoded id on the project host', () => {
    for (const url of [
      'maskpilot-image://project/a/b.jpg', // raw slash: two segments
      'maskpilot-image://project/../../etc/passwd', // normalised by the URL parser to two segments
      'maskpilot-image://project/',
      'maskpilot-image://other/a.jpg',
      'maskpilot-image://project:8080/a.jpg',
      'maskpilot-image://user@project/a.jpg',
      'file:///etc/passwd',
      'app://maskpilot/index.html',
      'maskpilot-image://project/%E0%A4%A.jpg', // broken percent-encoding
      'not a url',
    ]) {
      expect(['FORBIDDEN', 'INVALID_ARGUMENT'], url).toContain(codeOf(() => parseImageRequestUrl(url)));
    }
  });

  test('maxSide must be a positive integer up to 8192', () => {
    for (const bad of ['0', '-5', '1.5', 'abc', '1e3', '8193', '99999999', '']) {
      expect(codeOf(() => parseImageRequestUrl(`maskpilot-image://project/a.jpg?maxSide=${bad}`)), bad).toBe('INVALID_ARGUMENT');
    }
    expect(parseImageRequestUrl('maskpilot-image://project/a.jpg?maxSide=8192').maxSide).toBe(8192);
  });
});

describe('resolveImageRequest (real files)', () => {
  let root: string;
  let folder: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-image-request-'));
    folder = join(root, 'photos');
    await mkdir(join(folder, 'street'), { recursive: true });
    await writeFile(join(folder, 'street', 'a.jpg'), 'jpeg bytes');
    await writeFile(join(root, 'secret.jpg'), 'outside');
    await symlink(join(root, 'secret.jpg'), join(folder, 'escape.jpg'));
    await symlink(join(root), join(folder, 'up'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('serves a file inside the folder', async () => {
    const resolved = await resolveImageRequest(buildImageUrl('street/a.jpg', { maxSide: 256 }), folder);
    expect(resolved.imageId).toBe('street/a.jpg');
    expect(resolved.maxSide).toBe(256);
    expect(resolved.file.endsWith(join('photos', 'street', 'a.jpg'))).toBe(true);
  });

  test('refuses symlinks that lead out of the folder', async () => {
    await expect(resolveImageRequest(buildImageUrl('escape.jpg'), folder)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(resolveImageRequest(buildImageUrl('up/secret.jpg'), folder)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a missing file is NOT_FOUND, traversal is FORBIDDEN before the disk is touched', async () => {
    await expect(resolveImageRequest(buildImageUrl('nope.jpg'), folder)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(resolveImageRequest(buildImageUrl('../secret.jpg'), folder)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
