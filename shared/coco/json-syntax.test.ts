import { describe, expect, test } from 'vitest';
import { findJsonSyntaxError } from './json-syntax';

describe('findJsonSyntaxError', () => {
  test('valid JSON has no error', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0']) {
      expect(findJsonSyntaxError(text), text).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  test.each([
    ['{"a": 1,\n  "b": }', 2, 8, "unexpected \"}\" where a value was expected"],
    ['[1, 2,]', 1, 7, "unexpected \"]\" where a value was expected"],
    ['{"images": [\n{"id": 1}\n{"id": 2}]}', 3, 1, "expected ',' or ']', got \"{\""],
    ['{"a" 1}', 1, 6, "expected ':' after an object key, got \"1\""],
    ["{'a': 1}", 1, 2, 'expected a string key in double quotes, got "\'"'],
    ['{"a": 1} x', 1, 10, 'unexpected "x" after the end of the JSON value'],
    ['{"a": [1, 2', 1, 12, 'unexpected end of input'],
    ['{"a": "tab\there"}', 1, 11, 'control character inside a string (unescaped newline or tab?)'],
    ['{"a": NaN}', 1, 7, 'unexpected "N" where a value was expected'],
    ['[-]', 1, 2, 'malformed number'],
  ])('%j: line %i, column %i', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxError(text)).toMatchObject({ line, column, reason });
  });

  test('deep nesting does not overflow the stack', () => {
    const text = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    expect(findJsonSyntaxError(text)).toMatchObject({ position: text.length, reason: 'unexpected end of input' });
  });
});
