// The class names of an Ultralytics dataset YAML (data.yaml): written in Ultralytics' own layout
// (docs.ultralytics.com/datasets/segment: `train`/`val` image folders relative to the YAML's
// folder, `names` as an index -> name mapping), and read from the forms Ultralytics accepts: a
// block mapping (`0: person`), a block list (`- person`), a flow list or mapping, or only `nc`
// (names class_0 ... class_{nc-1}, as Ultralytics fills them). Only `names` and `nc` are read; this
// is not a general YAML parser (anchors, multi-line scalars and the like are not needed here).
import { ApiError } from '../api/errors';

/** data.yaml for the given class names (index order). Images in `images/`, labels in `labels/`. */
export function writeDataYaml(names: readonly string[]): string {
  return [
    '# Ultralytics YOLO segmentation dataset, exported by MaskPilot.',
    "# Labels are in labels/, one .txt per image of images/ (same relative path); paths are relative to this file's folder.",
    'train: images',
    'val: images',
    `nc: ${names.length}`,
    'names:',
    ...names.map((name, index) => `  ${index}: ${yamlScalar(name)}`),
    '',
  ].join('\n');
}

/** A plain scalar when YAML reads it back as the same string, else a double-quoted one (JSON string syntax is valid YAML). */
function yamlScalar(text: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_ .()/-]*$/.test(text) && !/\s$/.test(text) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}

/** Class names in index order. Errors are INVALID_ARGUMENT naming `path` and the line. */
export function parseYoloNames(text: string, path = 'data.yaml'): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (lineIndex: number, reason: string): ApiError =>
    new ApiError('INVALID_ARGUMENT', `${path} line ${lineIndex + 1}: ${reason}`, { file: path, line: lineIndex + 1 });
  let names: string[] | undefined;
  let classCount: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const match = /^(names|nc)\s*:(.*)$/.exec(lines[i]);
    if (!match) continue;
    const value = stripComment(match[2]).trim();
    if (match[1] === 'nc') {
      if (!/^\d+$/.test(value)) throw fail(i, `nc must be a whole number, got '${value}'`);
      classCount = Number(value);
      continue;
    }
    if (value !== '') {
      names = parseFlow(value, (reason) => fail(i, reason));
      continue;
    }
    // A block: the indented lines that follow.
    const entries: { key: string | null; value: string; line: number }[] = [];
    for (let k = i + 1; k < lines.length; k++) {
      if (/^\s*(#.*)?$/.test(lines[k])) continue;
      if (!/^\s/.test(lines[k]) && !/^-\s/.test(lines[k])) break;
      const item = stripComment(lines[k]).trim();
      const listItem = /^-\s*(.*)$/.exec(item);
      const mapItem = /^([^:'"]+?)\s*:\s*(.*)$/.exec(item);
      if (listItem) entries.push({ key: null, value: listItem[1], line: k });
      else if (mapItem) entries.push({ key: mapItem[1], value: mapItem[2], line: k });
      else throw fail(k, `expected '- name' or 'index: name' under names, got '${item}'`);
    }
    if (entries.length === 0) throw fail(i, 'names is empty');
    const listed = entries.every((entry) => entry.key === null);
    const mapped = entries.every((entry) => entry.key !== null);
    if (!listed && !mapped) throw fail(i, "names mixes '- name' and 'index: name' entries");
    const pairs = entries.map((entry) => ({ key: entry.key, name: scalar(entry.value, (reason) => fail(entry.line, reason)), line: entry.line }));
    names = listed ? pairs.map((pair) => pair.name) : namesFromMapping(pairs, fail);
  }
  if (names === undefined) {
    if (classCount === undefined) throw new ApiError('INVALID_ARGUMENT', `${path}: no 'names' (class names) and no 'nc'`, { file: path });
    names = Array.from({ length: classCount }, (_, index) => `class_${index}`);
  }
  if (classCount !== undefined && classCount !== names.length) {
    throw new ApiError('INVALID_ARGUMENT', `${path}: nc is ${classCount} but names lists ${names.length} classes`, { file: path });
  }
  return names;
}

function namesFromMapping(pairs: { key: string | null; name: string; line: number }[], fail: (line: number, reason: string) => ApiError): string[] {
  const names: string[] = [];
  for (const pair of pairs) {
    const key = pair.key ?? '';
    if (!/^\d+$/.test(key)) throw fail(pair.line, `class index must be a whole number, got '${key}'`);
    const index = Number(key);
    if (names[index] !== undefined) throw fail(pair.line, `class ${index} is named twice`);
    names[index] = pair.name;
  }
  for (let index = 0; index < names.length; index++) {
    if (names[index] === undefined) throw fail(pairs[0].line - 1, `names has no class ${index} (indices must run 0 to ${names.length - 1})`);
  }
  return names;
}

/** `[a, 'b c']` or `{0: a, 1: b}`. */
function parseFlow(value: string, fail: (reason: string) => ApiError): string[] {
  const open = value[0];
  const close = open === '[' ? ']' : open === '{' ? '}' : '';
  if (close === '' || value[value.length - 1] !== close) throw fail(`expected a list [a, b] or a mapping {0: a}, got '${value}'`);
  const items = splitFlow(value.slice(1, -1), fail).filter((item) => item !== '');
  if (open === '[') return items.map((item) => scalar(item, fail));
  const pairs = items.map((item) => {
    const match = /^([^:'"]+?)\s*:\s*(.*)$/.exec(item);
    if (!match) throw fail(`expected 'index: name', got '${item}'`);
    return { key: match[1], name: scalar(match[2], fail), line: -1 };
  });
  return namesFromMapping(pairs, (_, reason) => fail(reason));
}

/** Splits on commas outside quotes. */
function splitFlow(text: string, fail: (reason: string) => ApiError): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let k = 0; k < text.length; k++) {
    const char = text[k];
    if (quote !== null) {
      if (char === '\\' && quote === '"') {
        current += char + (text[k + 1] ?? '');
        k += 1;
        continue;
      }
      if (char === quote) quote = null;
      current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === ',') {
      items.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (quote !== null) throw fail('a quoted name is not closed');
  items.push(current.trim());
  return items;
}

function scalar(raw: string, fail: (reason: string) => ApiError): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'string') return value;
    } catch {
      // reported below
    }
    throw fail(`cannot read the double-quoted name ${text}`);
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw fail(`cannot read the single-quoted name ${text}`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === '') throw fail('a class name is empty');
  return text;
}

/** Drops a " # comment" that is outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let k = 0; k < text.length; k++) {
    const char = text[k];
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && (k === 0 || /\s/.test(text[k - 1]))) {
      return text.slice(0, k);
    }
  }
  return text;
}
