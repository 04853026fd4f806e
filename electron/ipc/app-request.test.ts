import { describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { appAssetPath, appPageSession, appPageUrl } from './app-request';

function codeOf(url: string): string {
  try {
    appAssetPath(url);
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

describe('appAssetPath', () => {
  test('maps app URLs to files of the renderer bundle', () => {
    expect(appAssetPath('app://maskpilot/')).toBe('index.html');
    expect(appAssetPath('app://maskpilot/index.html')).toBe('index.html');
    expect(appAssetPath('app://maskpilot/assets/index-B1x2.js?v=1#top')).toBe('assets/index-B1x2.js');
    expect(appAssetPath('app://maskpilot/assets/font%20name.woff2')).toBe('assets/font name.woff2');
  });

  test('refuses anything that could leave the bundle or is not the app', () => {
    for (const url of [
      'app://maskpilot/assets%2F..%2F..%2Fpackage.json',
      'app://maskpilot/..%2Fpackage.json',
      'app://maskpilot/%2e%2e%5C..%5Csecret',
      'app://maskpilot/a%00.js',
      'app://maskpilot/C:%5Cx.js',
      'app://maskpilot/assets//x.js',
      'app://other/index.html',
      'app://maskpilot:99/index.html',
      'file:///etc/passwd',
      'app://maskpilot/%E0%A4%A',
    ]) {
      expect(['FORBIDDEN', 'INVALID_ARGUMENT'], url).toContain(codeOf(url));
    }
  });
});

test('page URLs carry the folder session, read back only from app URLs', () => {
  expect(appPageUrl(3)).toBe('app://maskpilot/index.html?session=3');
  expect(appPageSession(appPageUrl(3))).toBe(3);
  expect(appPageSession('app://maskpilot/index.html#/x')).toBeNull();
  expect(appPageSession('https://evil.example/?session=3')).toBeNull();
  expect(appPageSession('app://maskpilot/index.html?session=-1')).toBeNull();
  expect(appPageSession(null)).toBeNull();
  expect(appAssetPath(appPageUrl(12))).toBe('index.html');
});
