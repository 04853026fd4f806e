// A small seeded pseudo-random generator for fuzzing and fault injection. Every run of a fuzzer or
// of a kill schedule is replayable from its seed (printed by the tests), which is the point: a
// failure found at case 12,345 of seed 7 can be reproduced exactly. Not for anything secret.

/**
 * mulberry32: 32 bits of state, period 2^32, good enough statistical quality for test input.
 * Same seed -> same sequence, on every platform (only 32-bit integer arithmetic).
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** `length` random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let index = 0; index < length; index += 1) out[index] = this.nextUint32() & 0xff;
    return out;
  }

  /** A new generator whose sequence depends on this one's next value (for independent sub-streams). */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

/** The seed of case `index` of a run seeded `seed`: each case replays on its own. */
export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}
