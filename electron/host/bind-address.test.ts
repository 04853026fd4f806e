import { describe, expect, test } from 'vitest';
import { isLoopbackAddress, urlHostFor } from './bind-address';

describe('isLoopbackAddress', () => {
  test.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackAddress(host)).toBe(true);
  });

  test.each(['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'example.com', 'localhost.evil.com', '127.0.0.1.nip.io', ''])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackAddress(host)).toBe(false);
    },
  );
});

describe('urlHostFor', () => {
  test('wildcard binds are reached through loopback; IPv6 gets brackets', () => {
    expect(urlHostFor('0.0.0.0')).toBe('127.0.0.1');
    expect(urlHostFor('::')).toBe('127.0.0.1');
    expect(urlHostFor('::1')).toBe('[::1]');
    expect(urlHostFor('192.168.1.5')).toBe('192.168.1.5');
    expect(urlHostFor('localhost')).toBe('localhost');
  });
});
