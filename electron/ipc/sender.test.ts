import { describe, expect, test } from 'vitest';
import { isTrustedSender, originOf } from './sender';
import type { SenderPolicy } from './sender';

const policy: SenderPolicy = { mainWindowId: 1, allowedOrigins: ['app://maskpilot'] };
const appPage = { url: 'app://maskpilot/index.html', isMainFrame: true, windowId: 1 };

describe('isTrustedSender', () => {
  test("accepts the main window's main frame on the app origin", () => {
    expect(isTrustedSender(appPage, policy)).toBe(true);
    expect(isTrustedSender({ ...appPage, url: 'APP://MaskPilot/index.html#/image/a.jpg' }, policy)).toBe(true);
  });

  test('refuses an iframe even on the app origin', () => {
    expect(isTrustedSender({ ...appPage, isMainFrame: false }, policy)).toBe(false);
  });

  test('refuses another window', () => {
    expect(isTrustedSender({ ...appPage, windowId: 2 }, policy)).toBe(false);
    expect(isTrustedSender({ ...appPage, windowId: null }, policy)).toBe(false);
  });

  test('refuses every sender while there is no main window', () => {
    expect(isTrustedSender(appPage, { ...policy, mainWindowId: null })).toBe(false);
  });

  test('refuses foreign origins and look-alikes', () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///home/user/index.html',
      'app://maskpilot.evil/index.html',
      'app://evil/maskpilot/index.html',
      'app://user:pw@maskpilot/index.html',
      'maskpilot-image://project/a.jpg',
      'about:blank',
      'data:text/html,hi',
      'not a url',
    ]) {
      expect(isTrustedSender({ ...appPage, url }, policy), url).toBe(false);
    }
  });

  test('refuses a frame Electron no longer knows the URL of', () => {
    expect(isTrustedSender({ ...appPage, url: null }, policy)).toBe(false);
  });

  test('a dev server origin is trusted only when listed, port included', () => {
    const dev = { ...policy, allowedOrigins: ['app://maskpilot', 'http://localhost:5173'] };
    expect(isTrustedSender({ ...appPage, url: 'http://localhost:5173/' }, dev)).toBe(true);
    expect(isTrustedSender({ ...appPage, url: 'http://localhost:5174/' }, dev)).toBe(false);
    expect(isTrustedSender({ ...appPage, url: 'http://localhost:5173/' }, policy)).toBe(false);
  });
});

test('originOf computes origins for custom schemes, which WHATWG URL reports as "null"', () => {
  expect(new URL('app://maskpilot/x').origin).toBe('null');
  expect(originOf('app://maskpilot/x')).toBe('app://maskpilot');
  expect(originOf('http://127.0.0.1:8080/a?b')).toBe('http://127.0.0.1:8080');
  expect(originOf('file:///etc/passwd')).toBeNull();
});
