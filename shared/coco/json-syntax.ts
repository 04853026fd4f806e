// Locates the first JSON syntax error in a text. JSON.parse (V8 in Node 20) often reports only
// "Unexpected token '}', ...is not valid JSON" without a position, which is useless in a 300 MB
// annotation file; this scanner (RFC 8259 grammar, iterative so deep nesting cannot overflow the
// stack) finds where the text stops being JSON. Call it only after JSON.parse has failed.

export interface JsonSyntaxError {
  /** 0-based index into the text (UTF-16 code units). */
  position: number;
  /** 1-based line and column (column in UTF-16 code units). */
  line: number;
  column: number;
  reason: string;
}

type Expect = 'value' | 'valueOrEnd' | 'keyOrEnd' | 'key' | 'colon' | 'commaOrEnd' | 'done';
type Scan = number | { position: number; reason: string };

const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first syntax error, or undefined when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length === 0 ? 'done' : 'commaOrEnd');
  const fail = (position: number, reason: string): JsonSyntaxError => ({ position, reason, ...lineAndColumn(text, position) });

  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length) return expect === 'done' ? undefined : fail(i, 'unexpected end of input');
    const c = text[i];
    switch (expect) {
      case 'done':
        return fail(i, `unexpected ${show(c)} after the end of the JSON value`);
      case 'valueOrEnd':
      case 'value': {
        if (expect === 'valueOrEnd' && c === ']') {
          stack.pop();
          i++;
          expect = afterValue();
          break;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
          break;
        }
        const end = scanScalar(text, i);
        if (typeof end !== 'number') return fail(end.position, end.reason);
        i = end;
        expect = afterValue();
        break;
      }
      case 'keyOrEnd':
      case 'key': {
        if (expect === 'keyOrEnd' && c === '}') {
          stack.pop();
          i++;
          expect = afterValue();
          break;
        }
        if (c !== '"') return fail(i, `expected a string key in double quotes, got ${show(c)}`);
        const end = scanString(text, i);
        if (typeof end !== 'number') return fail(end.position, end.reason);
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, `expected ':' after an object key, got ${show(c)}`);
        i++;
        expect = 'value';
        break;
      case 'commaOrEnd': {
        const top = stack[stack.length - 1];
        const close = top === '{' ? '}' : ']';
        if (c === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          expect = afterValue();
        } else {
          return fail(i, `expected ',' or '${close}', got ${show(c)}`);
        }
        break;
      }
    }
  }
}

function scanScalar(text: string, i: number): Scan {
  const c = text[i];
  if (c === '"') return scanString(text, i);
  if (c === '-' || (c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match || match[0] === '-') return { position: i, reason: 'malformed number' };
    return i + match[0].length;
  }
  for (const literal of LITERALS) if (text.startsWith(literal, i)) return i + literal.length;
  return { position: i, reason: `unexpected ${show(c)} where a value was expected` };
}

function scanString(text: string, start: number): Scan {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { position: i, reason: 'control character inside a string (unescaped newline or tab?)' };
    if (code === 0x5c) {
      const escape = text[i + 1];
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { position: i, reason: 'malformed \\u escape' };
        i += 5;
      } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
        i += 1;
      } else {
        return { position: i, reason: `invalid escape ${show(`\\${escape ?? ''}`)}` };
      }
    }
  }
  return { position: start, reason: 'string is never closed' };
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    i++;
  }
  return i;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}

function show(text: string): string {
  return JSON.stringify(text.length > 12 ? `${text.slice(0, 12)}...` : text);
}
