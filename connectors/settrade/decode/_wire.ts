/**
 * A minimal protobuf wire reader over a `Uint8Array`, for the hand-written
 * hot-path decoder. It never allocates while reading (64-bit varints are read
 * into two 32-bit halves kept on the reader, never a `BigInt`) and turns every
 * malformed input into a {@link DecodeError} with a code and the byte offset of
 * the element that could not be read (a tag, a varint, a length prefix or a
 * fixed-width value).
 *
 * Failure codes:
 * - `"truncated"`: the input (or the enclosing embedded message) ends inside a
 *   tag, a varint or a fixed-width value, or inside a group.
 * - `"varint"`: a varint runs past 10 bytes.
 * - `"length"`: a length prefix points past the end of the enclosing message.
 * - `"tag"`: field number 0, or a tag that does not fit 32 bits.
 * - `"wire-type"`: wire type 6 or 7, an end-group without its start (or with
 *   another field number), or a known field sent with a wire type not its own.
 * - `"depth"`: groups nested deeper than {@link MAX_GROUP_DEPTH}.
 * - `"overflow"`: a 64-bit integer beyond ±(2^53 − 1), which a number cannot
 *   hold exactly.
 *
 * Unknown fields of every wire type are skipped, groups (3/4, proto2 only)
 * included: they are walked to their matching end-group tag.
 *
 * @module
 */

import { decodeError } from "./_wire-error.ts";

export { decodeError, wireTypeError } from "./_wire-error.ts";

/** Wire type of varints (int32, int64, enums, bool). */
export const WIRE_VARINT = 0;
/** Wire type of 64-bit fixed-width values. */
export const WIRE_FIXED64 = 1;
/** Wire type of length-delimited values (strings, bytes, embedded messages). */
export const WIRE_LEN = 2;
/** Wire type opening a group (proto2). */
export const WIRE_START_GROUP = 3;
/** Wire type closing a group (proto2). */
export const WIRE_END_GROUP = 4;
/** Wire type of 32-bit fixed-width values. */
export const WIRE_FIXED32 = 5;

/** Deepest nesting of unknown groups that is skipped (protobuf-es allows 100). */
export const MAX_GROUP_DEPTH = 100;

const TWO_32 = 4294967296;

/**
 * A cursor over one payload. `end` is the end of the message being read: set it
 * to the end of an embedded message while reading that message, and back after.
 *
 * @example Reading a tag and a varint
 * ```ts
 * import { WireReader } from "./_wire.ts";
 * const r = new WireReader();
 * r.reset(new Uint8Array([0x08, 0x96, 0x01]));
 * const tag = r.tag();
 * console.log(tag >>> 3, tag & 7, r.int64()); // 1 0 150
 * ```
 */
export class WireReader {
  /** The bytes being read. */
  buf: Uint8Array;
  /** Offset of the next byte to read. */
  pos: number;
  /** End of the message being read (exclusive). */
  end: number;
  /** Low 32 bits, unsigned, of the last varint read by {@link WireReader.varint64}. */
  lo: number;
  /** High 32 bits, signed, of the last varint read by {@link WireReader.varint64}. */
  hi: number;

  constructor() {
    this.buf = new Uint8Array(0);
    this.pos = 0;
    this.end = 0;
    this.lo = 0;
    this.hi = 0;
  }

  /**
   * Points the reader at a new payload, from its first byte to its last.
   * @param buf The payload.
   */
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
  }

  /**
   * Reads a varint of up to 10 bytes into {@link WireReader.lo} and
   * {@link WireReader.hi}. Bits past 64 in a 10th byte are ignored, as protobuf does.
   * @throws DecodeError `"truncated"` or `"varint"`.
   */
  varint64(): void {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw decodeError("truncated", start, "truncated varint");
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) throw decodeError("truncated", start, "truncated varint");
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x70) >> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.lo = lo >>> 0;
      this.hi = hi;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) throw decodeError("truncated", start, "truncated varint");
      b = buf[pos++];
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi | 0;
        return;
      }
    }
    throw decodeError("varint", start, "varint longer than 10 bytes");
  }

  /**
   * Reads a tag and checks it.
   * @returns The tag: field number `tag >>> 3`, wire type `tag & 7`.
   * @throws DecodeError `"truncated"`, `"varint"`, `"tag"` or `"wire-type"`.
   */
  tag(): number {
    const start = this.pos;
    let tag: number;
    const b = start < this.end ? this.buf[start] : 0x80;
    if (b < 0x80) {
      this.pos = start + 1;
      tag = b;
    } else {
      this.varint64();
      if (this.hi !== 0) throw decodeError("tag", start, "tag larger than 32 bits");
      tag = this.lo;
    }
    if (tag < 8) throw decodeError("tag", start, "field number 0");
    if ((tag & 7) > 5) throw decodeError("wire-type", start, `invalid wire type ${tag & 7}`);
    return tag;
  }

  /**
   * Reads an `int32` (or enum) varint: the low 32 bits, signed.
   * @returns The value.
   */
  int32(): number {
    this.varint64();
    return this.lo | 0;
  }

  /**
   * Reads an `int64` varint as a number.
   * @returns The value, exact.
   * @throws DecodeError `"overflow"` when it lies beyond ±(2^53 − 1).
   */
  int64(): number {
    const start = this.pos;
    this.varint64();
    const v = this.hi * TWO_32 + this.lo;
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
      throw decodeError("overflow", start, "64-bit integer beyond 2^53 - 1");
    }
    return v;
  }

  /**
   * Reads a length prefix and checks that the value fits the enclosing message.
   * Leaves {@link WireReader.pos} at the first byte of the value.
   * @returns The end offset (exclusive) of the length-delimited value.
   * @throws DecodeError `"truncated"`, `"varint"` or `"length"`.
   */
  lengthEnd(): number {
    const start = this.pos;
    this.varint64();
    if (this.hi !== 0 || this.lo > this.end - this.pos) {
      throw decodeError("length", start, "length prefix past the end of the message");
    }
    return this.pos + this.lo;
  }

  /**
   * Skips one value of an unknown field.
   * @param wireType Wire type from its tag.
   * @param fieldNo Field number from its tag (to match a group's end tag).
   * @param depth Group nesting depth so far; 0 at the top.
   * @param tagAt Offset of the field's tag (for the error on a stray end-group).
   * @throws DecodeError on malformed input.
   */
  skip(wireType: number, fieldNo: number, depth: number, tagAt: number): void {
    const start = this.pos;
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        if (this.end - start < 8) throw decodeError("truncated", start, "truncated fixed64");
        this.pos = start + 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        if (this.end - start < 4) throw decodeError("truncated", start, "truncated fixed32");
        this.pos = start + 4;
        return;
      case WIRE_START_GROUP:
        this.#skipGroup(fieldNo, depth + 1);
        return;
      default:
        throw decodeError("wire-type", tagAt, `unexpected wire type ${wireType}`);
    }
  }

  #skipGroup(fieldNo: number, depth: number): void {
    if (depth > MAX_GROUP_DEPTH) {
      throw decodeError("depth", this.pos, `groups nested deeper than ${MAX_GROUP_DEPTH}`);
    }
    for (;;) {
      if (this.pos >= this.end) throw decodeError("truncated", this.pos, "unterminated group");
      const at = this.pos;
      const tag = this.tag();
      if ((tag & 7) === WIRE_END_GROUP) {
        if (tag >>> 3 !== fieldNo) {
          throw decodeError("wire-type", at, `end of group ${tag >>> 3} inside group ${fieldNo}`);
        }
        return;
      }
      this.skip(tag & 7, tag >>> 3, depth, at);
    }
  }
}

/**
 * Fast path for the common short varint: reads a varint of at most 4 bytes
 * (a value below 2^28) that ends before `end`, without touching any reader
 * state. Each byte is checked against `end`, so a short varint that closes a
 * message (the last volume, a Money's units) takes the fast path too. Callers
 * fall back to {@link WireReader} on -1, which also produces every error.
 *
 * @param buf Payload.
 * @param pos Offset of the varint.
 * @param end End of the enclosing message.
 * @returns `value * 8 + byteLength` (read it as `r >>> 3` and `r & 7`), or -1.
 * @example
 * ```ts
 * import { varint28 } from "./_wire.ts";
 * const r = varint28(new Uint8Array([0x96, 0x01, 0, 0]), 0, 4);
 * console.log(r >>> 3, r & 7); // 150 2
 * ```
 */
export function varint28(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return -1;
  let b = buf[pos];
  if (b < 0x80) return (b << 3) | 1;
  if (pos + 1 >= end) return -1;
  let v = b & 0x7f;
  b = buf[pos + 1];
  v |= (b & 0x7f) << 7;
  if (b < 0x80) return (v << 3) | 2;
  if (pos + 2 >= end) return -1;
  b = buf[pos + 2];
  v |= (b & 0x7f) << 14;
  if (b < 0x80) return (v << 3) | 3;
  if (pos + 3 >= end) return -1;
  b = buf[pos + 3];
  v |= (b & 0x7f) << 21;
  if (b < 0x80) return (v << 3) | 4;
  return -1;
}
