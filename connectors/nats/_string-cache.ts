/**
 * Short ASCII strings of the wire (sources, symbols, intervals, status names)
 * turned into strings without allocating for those seen before: a
 * direct-mapped table keyed by a hash of the bytes, each slot holding a copy
 * of the bytes and the string. A feed repeats a handful of sources and a few
 * hundred symbols; a slot two of them share is simply rewritten, so memory
 * stays bounded (at most {@link SLOTS} entries of {@link MAX_LENGTH} bytes)
 * whatever arrives.
 *
 * @module
 */

/** Strings longer than this many bytes are built every time, never cached. */
export const MAX_LENGTH = 32;
const SLOTS = 1024;

/**
 * Builds the string of ASCII bytes `buf[start, end)` (every byte below 0x80,
 * which the caller checked).
 * @param buf Bytes. @param start First byte. @param end End (exclusive).
 * @returns The string.
 */
export function asciiString(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** A cache from short ASCII byte runs to their strings. */
export class StringCache {
  readonly #keys: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly #values: string[] = new Array(SLOTS).fill("");

  /**
   * The string of `buf[start, end)`, or `undefined` when the bytes are not
   * short ASCII (the caller decodes those itself).
   * @param buf Bytes. @param start First byte. @param end End (exclusive).
   * @returns The string, or `undefined`.
   */
  get(buf: Uint8Array, start: number, end: number): string | undefined {
    const len = end - start;
    if (len > MAX_LENGTH) return undefined;
    let h = 0x811c9dc5 ^ len;
    let high = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      high |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    if (high > 0x7f) return undefined;
    const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
    const key = this.#keys[slot];
    if (key !== undefined && key.length === len) {
      let i = 0;
      while (i < len && key[i] === buf[start + i]) i++;
      if (i === len) return this.#values[slot]!;
    }
    const s = asciiString(buf, start, end);
    // A copy of its own (a Node Buffer's slice() would be a view into the client's buffer).
    const copy = new Uint8Array(len);
    for (let i = 0; i < len; i++) copy[i] = buf[start + i]!;
    this.#keys[slot] = copy;
    this.#values[slot] = s;
    return s;
  }
}
