// Byte-level damage for binary files (image headers): flipped bits, "interesting" values written
// over bytes, truncation, and inserted, deleted or repeated runs. The mutations concentrate on
// the first `focusBytes` of the file by default, where headers live and parsers make decisions.
import type { Random } from './random';

export interface ByteMutation {
  description: string;
  bytes: Uint8Array;
}

/**
 * A copy of bytes[start, end). Uint8Array's slice, called explicitly: Node's Buffer overrides
 * slice() to return a view, and mutating a view would damage the caller's original.
 */
export function copyOf(bytes: Uint8Array, start?: number, end?: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function position(random: Random, length: number, focusBytes: number): number {
  if (length === 0) return 0;
  const limit = random.chance(0.8) ? Math.min(length, focusBytes) : length;
  return random.int(0, limit - 1);
}

/** Applies one damage step to a copy of `input`. */
export function mutateBytesOnce(input: Uint8Array, random: Random, focusBytes = 256): ByteMutation {
  const bytes = copyOf(input); // never a view: the caller's bytes stay intact
  switch (random.int(0, 6)) {
    case 0: {
      const at = position(random, bytes.length, focusBytes);
      const bit = random.int(0, 7);
      if (bytes.length > 0) bytes[at] ^= 1 << bit;
      return { description: `flip bit ${bit} of byte ${at}`, bytes };
    }
    case 1: {
      const at = position(random, bytes.length, focusBytes);
      const value = random.pick(INTERESTING_BYTES);
      const run = Math.min(random.int(1, 4), bytes.length - at);
      bytes.fill(value, at, at + run);
      return { description: `set ${run} bytes at ${at} to 0x${value.toString(16)}`, bytes };
    }
    case 2: {
      const at = random.chance(0.5) ? position(random, bytes.length, focusBytes) : random.int(0, bytes.length);
      return { description: `truncate to ${at} bytes`, bytes: copyOf(bytes, 0, at) };
    }
    case 3: {
      const at = position(random, bytes.length, focusBytes);
      const noise = random.bytes(random.int(1, 64));
      const out = new Uint8Array(bytes.length + noise.length);
      out.set(bytes.subarray(0, at), 0);
      out.set(noise, at);
      out.set(bytes.subarray(at), at + noise.length);
      return { description: `insert ${noise.length} random bytes at ${at}`, bytes: out };
    }
    case 4: {
      const at = position(random, bytes.length, focusBytes);
      const count = Math.min(random.int(1, 64), bytes.length - at);
      const out = new Uint8Array(bytes.length - count);
      out.set(bytes.subarray(0, at), 0);
      out.set(bytes.subarray(at + count), at);
      return { description: `delete ${count} bytes at ${at}`, bytes: out };
    }
    case 5: {
      // Repeat a run (a chunk or marker seen twice).
      const at = position(random, bytes.length, focusBytes);
      const count = Math.min(random.int(1, 128), bytes.length - at);
      const run = copyOf(bytes, at, at + count);
      const out = new Uint8Array(bytes.length + run.length);
      out.set(bytes.subarray(0, at + count), 0);
      out.set(run, at + count);
      out.set(bytes.subarray(at + count), at + 2 * count);
      return { description: `repeat ${count} bytes at ${at}`, bytes: out };
    }
    default: {
      const at = position(random, bytes.length, focusBytes);
      const noise = random.bytes(Math.min(random.int(1, 16), bytes.length - at));
      bytes.set(noise, at);
      return { description: `overwrite ${noise.length} bytes at ${at}`, bytes };
    }
  }
}

/** 1 to `maxSteps` damage steps. */
export function mutateBytes(input: Uint8Array, random: Random, options: { maxSteps?: number; focusBytes?: number } = {}): ByteMutation {
  let current: ByteMutation = { description: '', bytes: input };
  const steps = random.int(1, options.maxSteps ?? 3);
  const descriptions: string[] = [];
  for (let step = 0; step < steps; step += 1) {
    current = mutateBytesOnce(current.bytes, random, options.focusBytes);
    descriptions.push(current.description);
  }
  return { description: descriptions.join('; '), bytes: current.bytes };
}
