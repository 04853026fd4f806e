import { describe, expect, it } from 'vitest';
import { assertUsableToken, generateToken } from './auth';
import { parseHostArguments } from '../cli/host-command';

describe('generateToken', () => {
  it('makes usable tokens that can be passed back as --token T', () => {
    // 1 in 64 base64url tokens would start with "-"; 2,000 draws make missing that case unlikely.
    for (let i = 0; i < 2000; i++) {
      const token = generateToken();
      expect(token.startsWith('-')).toBe(false);
      expect(() => assertUsableToken(token)).not.toThrow();
    }
  });

  it('a token the host printed is read back by `host --token T`', () => {
    const token = generateToken();
    expect(parseHostArguments(['resources', '--token', token]).token).toBe(token);
  });
});
