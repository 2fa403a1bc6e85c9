/**
 * A small seeded PRNG (sfc32) on 32-bit integer arithmetic, so that the same
 * seed gives the same numbers on every runtime.
 *
 * @module
 */

const TWO_32 = 4294967296;

/**
 * FNV-1a hash of a string's UTF-16 code units.
 * @param s Any string.
 * @returns An unsigned 32-bit hash.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  }
  return h >>> 0;
}

/** sfc32 (Small Fast Counting generator): four 32-bit words of state, integer arithmetic only. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * @param seed Any safe integer (both 32-bit halves are used).
   * @param stream Names an independent stream (a symbol, `"faults"`, ...).
   */
  constructor(seed: number, stream: string) {
    this.#a = seed >>> 0;
    this.#b = (Math.floor(seed / TWO_32) >>> 0) ^ 0x85ebca6b;
    this.#c = hashString(stream);
    this.#d = 1;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** @returns The next unsigned 32-bit integer. */
  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = (this.#d + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = d;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** @returns A float in [0, 1) with 32 random bits. */
  float(): number {
    return this.next() / TWO_32;
  }

  /**
   * @param n Exclusive upper bound, a positive integer up to 2^32.
   * @returns An integer in [0, n).
   */
  int(n: number): number {
    return Math.floor((this.next() / TWO_32) * n);
  }
}
