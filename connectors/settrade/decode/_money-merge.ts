/**
 * The general reader of an embedded `google.type.Money` in a `BidOfferV3`: any
 * field order and encoding, unknown fields skipped, every error. The decoders'
 * fast paths read the usual Money inline and fall back to these functions for
 * anything else.
 *
 * @module
 */

import { WIRE_LEN, WIRE_VARINT, type WireReader, wireTypeError } from "./_wire.ts";

/**
 * Reads the embedded Money whose length prefix starts at `pos` and merges it
 * into `slot` (fields present overwrite the merged value).
 *
 * @param r The reader over `buf`, its `end` the end of the enclosing message.
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param buf Payload. @param pos Offset of the length prefix.
 * @param outerEnd End of the enclosing message. @param slot Scratch slot.
 * @returns The offset after the Money.
 * @throws DecodeError on malformed input.
 * @example
 * ```ts
 * import { WireReader } from "./_wire.ts";
 * import { mergeMoney } from "./_money-merge.ts";
 * const buf = new Uint8Array([2, 0x10, 5]); // a Money of units 5
 * const r = new WireReader();
 * r.reset(buf);
 * const units = new Float64Array(1);
 * console.log(mergeMoney(r, units, new Int32Array(1), buf, 0, 3, 0), units[0]); // 3 5
 * ```
 */
export function mergeMoney(
  r: WireReader,
  units: Float64Array,
  nanos: Int32Array,
  buf: Uint8Array,
  pos: number,
  outerEnd: number,
  slot: number,
): number {
  r.pos = pos;
  const end = r.lengthEnd(); // or throws "length"
  return mergeFields(r, units, nanos, buf, r.pos, end, outerEnd, slot);
}

/**
 * Merges the Money fields in `buf[pos, end)` into `slot`, any encoding: every
 * field, wire type and varint length, with every error.
 *
 * @param r The reader over `buf`. @param units Money units per slot.
 * @param nanos Money nanos per slot. @param buf Payload.
 * @param pos First byte to read. @param end End of the Money.
 * @param outerEnd End of the enclosing message (restored on `r.end`).
 * @param slot Scratch slot.
 * @returns `end`.
 * @throws DecodeError on malformed input.
 * @example
 * ```ts
 * import { WireReader } from "./_wire.ts";
 * import { mergeFields } from "./_money-merge.ts";
 * const buf = new Uint8Array([0x18, 7]); // nanos 7
 * const r = new WireReader();
 * r.reset(buf);
 * const nanos = new Int32Array(1);
 * mergeFields(r, new Float64Array(1), nanos, buf, 0, 2, 2, 0);
 * console.log(nanos[0]); // 7
 * ```
 */
export function mergeFields(
  r: WireReader,
  units: Float64Array,
  nanos: Int32Array,
  buf: Uint8Array,
  pos: number,
  end: number,
  outerEnd: number,
  slot: number,
): number {
  let u = units[slot];
  let n = nanos[slot];
  r.end = end;
  while (pos < end) {
    const at = pos;
    let tag = buf[pos];
    if (tag < 0x80 && tag >= 8 && (tag & 7) <= 5) {
      pos += 1;
    } else {
      r.pos = pos;
      tag = r.tag(); // a multi-byte tag, or throws
      pos = r.pos;
    }
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 2 || field === 3) {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      r.pos = pos;
      const v = field === 2 ? r.int64() : r.int32();
      pos = r.pos;
      if (field === 2) u = v;
      else n = v;
    } else if (field === 1 && wire !== WIRE_LEN) {
      throw wireTypeError(field, wire, WIRE_LEN, at);
    } else {
      r.pos = pos;
      r.skip(wire, field, 0, at);
      pos = r.pos;
    }
  }
  r.end = outerEnd;
  units[slot] = u;
  nanos[slot] = n;
  return pos;
}
