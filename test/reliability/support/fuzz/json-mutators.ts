// Structure-aware mutations of a JSON document: the fuzzer starts from a valid file (a COCO
// dataset, a sidecar) and damages one to three places of it the way real files get damaged or
// forged: a key deleted, a value of the wrong type, a number out of range or not finite, a
// string emptied or garbled (a broken RLE counts string), a list duplicated or emptied, absurd
// nesting, and text-level damage (truncation, NaN/Infinity literals, stray bytes).
import type { Random } from './random';

/** One mutated document. `value` is set when `text` is still valid JSON (its parse). */
export interface JsonMutation {
  /** What was done, e.g. "wrongType at images[1].width; truncate at 812" (for failure reports). */
  description: string;
  /** The document to hand to a reader. */
  text: string;
  /** JSON.parse(text) when it parses; undefined for text-level damage that breaks the syntax. */
  value: unknown;
}

type JsonContainer = Record<string, unknown> | unknown[];

interface Slot {
  /** Human-readable path, e.g. "annotations[2].segmentation.counts". */
  path: string;
  parent: JsonContainer;
  key: string | number;
}

/** A deep copy of a JSON-safe value (structuredClone is not in the ES2022 lib). */
function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const isContainer = (value: unknown): value is JsonContainer => typeof value === 'object' && value !== null;

/** Every member/element slot of the tree (bounded by `limit`, so huge documents stay cheap). */
function slotsOf(root: unknown, limit = 20_000): Slot[] {
  const slots: Slot[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0 && slots.length < limit) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (!isContainer(value)) continue;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      slots.push({ path: childPath, parent: value, key });
      if (isContainer(child)) stack.push({ value: child, path: childPath });
    }
  }
  return slots;
}

const WRONG_TYPES: readonly unknown[] = [null, true, false, 0, 1, -1, '', 'text', '42', [], {}, [1, 2], { a: 1 }];
const EXTREME_NUMBERS: readonly number[] = [
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 32,
  2 ** 31,
  -(2 ** 31) - 1,
  1e21,
  -1,
  0,
  0.5,
  -0.5,
  1e-7,
  65535,
  65536,
  100000,
];
const GARBLED_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0002',
  '!!!!',
  '~~~~~~~~',
  '0',
  '01',
  'PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP', // RLE: maximal continuation chars, never ends a number
  '\uFFFF\uFFFE',
  '\uD800', // lone surrogate
  '../../etc/passwd',
  'C:\\Windows\\win.ini',
  '💥💥💥',
];

function getAt(slot: Slot): unknown {
  return (slot.parent as Record<string | number, unknown>)[slot.key];
}

function setAt(slot: Slot, value: unknown): void {
  (slot.parent as Record<string | number, unknown>)[slot.key] = value;
}

function removeAt(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

function garbleString(text: string, random: Random): string {
  switch (random.int(0, 4)) {
    case 0:
      return random.pick(GARBLED_STRINGS);
    case 1: {
      // Replace some characters with arbitrary code units (RLE counts use '0'..'o' only).
      const chars = [...text];
      const edits = random.int(1, Math.max(1, Math.min(8, chars.length)));
      for (let edit = 0; edit < edits; edit += 1) chars[random.int(0, Math.max(0, chars.length - 1))] = String.fromCharCode(random.int(0, 0x2ff));
      return chars.join('');
    }
    case 2:
      return text.slice(0, random.int(0, text.length)); // cut short
    case 3:
      return text + text.slice(0, random.int(0, text.length)) + random.pick(GARBLED_STRINGS);
    default:
      return 'A'.repeat(random.int(1_000, 200_000)); // very long
  }
}

function nested(depth: number, leaf: unknown, asObject: boolean): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = asObject ? { x: value } : [value];
  return value;
}

/** Applies one value-level mutation in place; returns its description (or null when the tree has no slot). */
function mutateTree(root: unknown, random: Random): string | null {
  const slots = slotsOf(root);
  if (slots.length === 0) return null;
  const slot = random.pick(slots);
  const current = getAt(slot);
  const kind = random.int(0, 9);
  switch (kind) {
    case 0:
      removeAt(slot);
      return `delete ${slot.path}`;
    case 1:
      setAt(slot, cloneJson(random.pick(WRONG_TYPES)));
      return `wrongType at ${slot.path}`;
    case 2:
      setAt(slot, random.pick(EXTREME_NUMBERS));
      return `extremeNumber at ${slot.path}`;
    case 3:
      if (typeof current === 'number') {
        setAt(slot, -Math.abs(current) - random.int(0, 3));
        return `negative at ${slot.path}`;
      }
      setAt(slot, typeof current === 'string' ? garbleString(current, random) : random.pick(GARBLED_STRINGS));
      return `garbleString at ${slot.path}`;
    case 4:
      if (typeof current === 'string') {
        setAt(slot, garbleString(current, random));
        return `garbleString at ${slot.path}`;
      }
      setAt(slot, nested(random.int(50, 1_500), current ?? null, random.chance(0.5))); // JSON.stringify recurses: keep it well inside the stack
      return `deepNesting at ${slot.path}`;
    case 5:
      if (Array.isArray(current) && current.length > 0) {
        const copies = random.int(1, 40);
        for (let copy = 0; copy < copies; copy += 1) current.push(cloneJson(random.pick(current)));
        return `duplicateElements(${copies}) in ${slot.path}`;
      }
      setAt(slot, []);
      return `emptyList at ${slot.path}`;
    case 6:
      if (Array.isArray(current)) {
        current.length = random.int(0, current.length);
        return `shortenList at ${slot.path}`;
      }
      if (isContainer(current)) {
        const members = current as Record<string, unknown>;
        for (const key of Object.keys(members)) if (random.chance(0.5)) delete members[key];
        return `dropKeys at ${slot.path}`;
      }
      setAt(slot, [current]);
      return `wrapInList at ${slot.path}`;
    case 7: {
      // Move another part of the document here (a real-looking value in the wrong place).
      const donor = getAt(random.pick(slots));
      setAt(slot, cloneJson(donor));
      return `transplant into ${slot.path}`;
    }
    case 8:
      if (isContainer(current) && !Array.isArray(current)) {
        // defineProperty: a plain assignment to '__proto__' would change the prototype, not add a key.
        const key = random.pick(['__proto__', 'constructor', 'extra', '', ' id']);
        Object.defineProperty(current, key, { value: cloneJson(random.pick(WRONG_TYPES)), enumerable: true, writable: true, configurable: true });
        return `addKey in ${slot.path}`;
      }
      setAt(slot, typeof current === 'number' ? current + random.pick([1, -1, 0.25, 1e6]) : null);
      return `nudge at ${slot.path}`;
    default:
      setAt(slot, typeof current === 'number' ? random.pick([Number.NaN, Number.POSITIVE_INFINITY]) : undefined);
      return `nonFinite(serialised as null) at ${slot.path}`;
  }
}

/** Replaces a random number literal of the text with NaN / Infinity (not JSON, but some writers emit it). */
function nonFiniteLiteral(text: string, random: Random): string | null {
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
  if (numbers.length === 0) return null;
  const match = random.pick(numbers);
  const index = match.index ?? 0;
  return text.slice(0, index) + random.pick(['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '01', '.5', '+1']) + text.slice(index + match[0].length);
}

/** Applies one text-level mutation; the result may or may not still be JSON. */
function mutateText(text: string, random: Random): { text: string; description: string } {
  switch (random.int(0, 6)) {
    case 0: {
      const at = random.int(0, Math.max(0, text.length - 1));
      return { text: text.slice(0, at), description: `truncate at ${at}` };
    }
    case 1: {
      const replaced = nonFiniteLiteral(text, random);
      if (replaced !== null) return { text: replaced, description: 'nonFinite literal' };
      return { text: `${text}NaN`, description: 'trailing NaN' };
    }
    case 2: {
      const chars = text.split('');
      const flips = random.int(1, 6);
      for (let flip = 0; flip < flips; flip += 1) chars[random.int(0, Math.max(0, chars.length - 1))] = String.fromCharCode(random.int(0, 127));
      return { text: chars.join(''), description: `flipChars(${flips})` };
    }
    case 3: {
      const depth = random.int(1_000, 200_000);
      return { text: `${'['.repeat(depth)}${text}${random.chance(0.5) ? ']'.repeat(depth) : ''}`, description: `deepNestingText(${depth})` };
    }
    case 4:
      return { text: `\uFEFF${text}${random.pick(['', ' ', '\n', 'x', '}', ',', '\u0000'])}`, description: 'bom and trailing garbage' };
    case 5:
      return { text: random.pick(['', ' ', 'null', '[]', '{}', '"text"', '0', 'true', '{"images":null}']), description: 'replaced whole document' };
    default: {
      // A key repeated with a different value: JSON.parse keeps the last one.
      const at = text.indexOf('{');
      if (at < 0) return { text, description: 'no object to repeat a key in' };
      return { text: `${text.slice(0, at + 1)}"images":{},${text.slice(at + 1)}`, description: 'duplicate key' };
    }
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface MutateJsonOptions {
  /** Probability that a text-level mutation follows the value-level ones. Default 0.25. */
  textProbability?: number;
}

/** A damaged copy of `original` (which is never modified): 1-3 value mutations, maybe text damage. */
export function mutateJson(original: unknown, random: Random, options: MutateJsonOptions = {}): JsonMutation {
  const root = cloneJson(original);
  const descriptions: string[] = [];
  const count = random.int(1, 3);
  for (let step = 0; step < count; step += 1) {
    const described = mutateTree(root, random);
    if (described !== null) descriptions.push(described);
  }
  let text = JSON.stringify(root) ?? 'null';
  if (random.chance(options.textProbability ?? 0.25)) {
    const damaged = mutateText(text, random);
    text = damaged.text;
    descriptions.push(damaged.description);
  }
  return { description: descriptions.join('; '), text, value: tryParse(text) };
}
