import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../test/support/shared-data';
import { hostCommand, parseHostArguments } from './host-command';

describe('maskpilot host arguments', () => {
  test('defaults: the bundled sample folder, any free port, loopback, random token, model on', () => {
    expect(parseHostArguments([])).toEqual({
      folder: resolve(repoRoot, 'resources/sample-photos'),
      port: 0,
      bind: '127.0.0.1',
      allowRemote: false,
      token: undefined,
      noModel: false,
      open: false,
      model: undefined,
    });
  });

  test('--model names a bundled model: an unknown one is a usage error before anything starts', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await hostCommand.run(['--model', 'maskrcnn'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toMatch(/--model must name a bundled model \(.*deepmask.*\), got 'maskrcnn'/);
  });

  test('every option is read', () => {
    const parsed = parseHostArguments(['resources', '--port', '8080', '--bind', '0.0.0.0', '--allow-remote', '--token', 'abcdefghijklmnop', '--no-model', '--open', '--model', 'instancefcn']);
    expect(parsed).toEqual({
      folder: resolve('resources'),
      port: 8080,
      bind: '0.0.0.0',
      allowRemote: true,
      token: 'abcdefghijklmnop',
      noModel: true,
      open: true,
      model: 'instancefcn',
    });
  });

  test.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['a', 'b'], /expected one folder, got 2/],
    [['/definitely/not/here'], /folder not found/],
    [['--colour'], /Unknown option/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseHostArguments(argv)).toThrow(message);
  });
});
