/**
 * Turns symbol bytes into strings without allocating for symbols seen before:
 * a small direct-mapped table keyed by a hash of the bytes, each slot holding a
 * copy of the bytes and the decoded, upper-cased string.
 *
 * @module
 */

import { decodeError } from "./_wire.ts";

/** Symbols longer than this many bytes are decoded every time, never cached. */
const MAX_CACHED_LENGTH = 48;

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
  readonly #keys: (Uint8Array | undefined)[];
  readonly #values: string[];
  readonly #mask: number;
  #utf8: TextDecoder | undefined;

  /**
   * @param slots Number of table slots, a power of two. @default 1024
   */
  constructor(slots = 1024) {
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0) {
      throw new RangeError(`[settrade] symbol cache slots must be a power of two, got ${slots}`);
    }
    this.#keys = new Array<Uint8Array | undefined>(slots).fill(undefined);
    this.#values = new Array<string>(slots).fill("");
    this.#mask = slots - 1;
    this.#utf8 = undefined;
  }

  /**
   * Returns the upper-case symbol for `buf[start, end)`.
   * @param buf Payload bytes.
   * @param start First byte of the symbol.
   * @param end End of the symbol (exclusive).
   * @returns The symbol string.
   * @throws DecodeError `"utf8"` when the bytes are not valid UTF-8.
   */
  get(buf: Uint8Array, start: number, end: number): string {
    const len = end - start;
    if (len > MAX_CACHED_LENGTH) return this.#decode(buf, start, end);
    let h = 0x811c9dc5 ^ len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & this.#mask;
    const key = this.#keys[slot];
    if (key !== undefined && key.length === len) {
      let i = 0;
      while (i < len && key[i] === buf[start + i]) i++;
      if (i === len) return this.#values[slot];
    }
    const s = this.#decode(buf, start, end);
    // A copy, never a view: a Node Buffer's slice() shares memory with the payload.
    const copy = new Uint8Array(len);
    for (let i = 0; i < len; i++) copy[i] = buf[start + i];
    this.#keys[slot] = copy;
    this.#values[slot] = s;
    return s;
  }

  #decode(buf: Uint8Array, start: number, end: number): string {
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
      throw decodeError("utf8", start, "symbol is not valid UTF-8");
    }
    const upper = s.toUpperCase();
    return upper === s ? s : upper;
  }
}
