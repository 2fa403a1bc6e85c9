/**
 * Turns symbol bytes into strings without allocating for symbols seen before:
 * an open-addressing table (linear probing) keyed by a hash of the bytes, each
 * slot holding the hash, a copy of the bytes and the decoded, upper-cased
 * string.
 *
 * Entries are never evicted one by one, so two symbols whose hashes share a
 * slot do not push each other out on every message (a direct-mapped table of
 * 1,024 slots already had three such pairs among 80 SET symbols). The table
 * doubles when half full, up to {@link MAX_CACHED_SYMBOLS}; a feed that sends
 * more distinct symbols than that (no exchange lists so many) empties it and
 * starts again, so memory stays bounded whatever arrives.
 *
 * @module
 */

import { decodeError } from "./_wire.ts";

/** Symbols longer than this many bytes are decoded every time, never cached. */
const MAX_CACHED_LENGTH = 48;

/** Most distinct symbols held at once; one more empties the table. */
export const MAX_CACHED_SYMBOLS = 16_384;

/**
 * A cache from symbol bytes to upper-case symbol strings.
 *
 * Decoding follows protobuf-es for proto3 strings: UTF-8, invalid sequences
 * rejected, a leading byte-order mark kept. The result is upper-cased only when
 * it is not upper case already (Settrade sends upper case).
 *
 * @example Decoding the same symbol twice returns the same string
 * ```ts
 * import { SymbolCache } from "./_symbol-cache.ts";
 * const cache = new SymbolCache();
 * const bytes = new TextEncoder().encode("xptt");
 * console.log(cache.get(bytes, 1, 4)); // "PTT"
 * ```
 */
export class SymbolCache {
  #keys: (Uint8Array | undefined)[] = [];
  #hashes: Int32Array = new Int32Array(0);
  #values: string[] = [];
  #mask = 0;
  #size = 0;
  readonly #initialSlots: number;
  #utf8: TextDecoder | undefined;

  /**
   * @param slots Initial number of table slots, a power of two. @default 1024
   */
  constructor(slots = 1024) {
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0) {
      throw new RangeError(`[settrade] symbol cache slots must be a power of two, got ${slots}`);
    }
    this.#initialSlots = slots;
    this.#utf8 = undefined;
    this.#allocate(slots);
  }

  /** Number of symbols held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Returns the upper-case symbol for `buf[start, end)`.
   * @param buf Payload bytes.
   * @param start First byte of the symbol.
   * @param end End of the symbol (exclusive).
   * @param origin Offset of the message in `buf`, which error offsets count from. @default 0
   * @returns The symbol string.
   * @throws DecodeError `"utf8"` when the bytes are not valid UTF-8.
   */
  get(buf: Uint8Array, start: number, end: number, origin = 0): string {
    const len = end - start;
    if (len > MAX_CACHED_LENGTH) return this.#decode(buf, start, end, origin);
    let h = 0x811c9dc5 ^ len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h ^= h >>> 15;
    const keys = this.#keys;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) break;
      if (this.#hashes[slot] === h && key.length === len) {
        let i = 0;
        while (i < len && key[i] === buf[start + i]) i++;
        if (i === len) return this.#values[slot];
      }
      slot = (slot + 1) & mask;
    }
    const s = this.#decode(buf, start, end, origin);
    // A copy, never a view: a Node Buffer's slice() shares memory with the payload.
    const copy = new Uint8Array(len);
    for (let i = 0; i < len; i++) copy[i] = buf[start + i];
    this.#insert(h, copy, s);
    return s;
  }

  #allocate(slots: number): void {
    this.#keys = new Array<Uint8Array | undefined>(slots).fill(undefined);
    this.#hashes = new Int32Array(slots);
    this.#values = new Array<string>(slots).fill("");
    this.#mask = slots - 1;
    this.#size = 0;
  }

  #insert(h: number, key: Uint8Array, value: string): void {
    if (this.#size >= MAX_CACHED_SYMBOLS) this.#allocate(this.#initialSlots);
    else if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    const mask = this.#mask;
    let slot = h & mask;
    while (this.#keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.#keys[slot] = key;
    this.#hashes[slot] = h;
    this.#values[slot] = value;
    this.#size++;
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const values = this.#values;
    this.#allocate(2 * keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) this.#insert(hashes[i], key, values[i]);
    }
  }

  #decode(buf: Uint8Array, start: number, end: number, origin: number): string {
    let ascii = true;
    let lower = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b > 0x7f) {
        ascii = false;
        break;
      }
      if (b >= 0x61 && b <= 0x7a) lower = true;
    }
    if (ascii) {
      const s = String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
      return lower ? s.toUpperCase() : s;
    }
    this.#utf8 ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let s: string;
    try {
      s = this.#utf8.decode(buf.subarray(start, end));
    } catch {
      throw decodeError("utf8", start - origin, "symbol is not valid UTF-8");
    }
    const upper = s.toUpperCase();
    return upper === s ? s : upper;
  }
}
