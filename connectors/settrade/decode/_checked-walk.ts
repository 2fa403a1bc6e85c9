/**
 * The checked loop of the `BidOfferV3` decoder, for the full parse and the
 * quote-only parse: it accepts every valid encoding and names every fault,
 * going through `WireReader` for every value. It runs when the fast loop
 * (`_fast-walk.ts`) gives up on a payload, so its speed hardly matters; what
 * matters is that it is the one place that decides what is malformed.
 *
 * ## What is read, what is only framed
 *
 * Every field's tag, its wire type against the schema (a price must be a
 * length-delimited message, a volume or a flag a varint) and its length
 * prefix or varint against the end of the payload are checked, whatever the
 * caller reads. The levels the caller reads (every level for a book, level 1
 * for a quote) are decoded and checked value by value: a negative volume is a
 * `"range"` error, one beyond 2^53 − 1 an `"overflow"`, a price with a field
 * of the wrong type a `"wire-type"`. The levels the caller does not read are
 * stepped over by their length prefix or as varints: a fault inside them is
 * not the quote's, and is reported by the full parse, which a `book`
 * subscription runs. This is protobuf's own rule for lazily decoded
 * sub-messages: what is not read is framed, not interpreted. So every payload
 * the full parse accepts, the quote-only parse accepts with the same level 1;
 * every payload the quote-only parse rejects, the full parse rejects.
 *
 * @module
 */

import { BID_FLAG, PRICE, SLOT, SYMBOL, VOLUME } from "./_bid-offer-layout.ts";
import { writeHead, zeroUnseen } from "./_fast-walk.ts";
import { mergeMoney } from "./_money-merge.ts";
import { decodeError, WIRE_LEN, WIRE_VARINT, type WireReader, wireTypeError } from "./_wire.ts";

/**
 * Walks one payload, reading the levels in `slots` and framing the others.
 * Fills the slots in `slots` of `units`, `nanos` and `volumes` (absent levels
 * as zeros; other slots are left with unspecified values) and `head` (flags
 * and the symbol's bounds, see the `HEAD_*` indexes). The symbol itself is
 * neither checked nor decoded here.
 *
 * @param buf A `BidOfferV3` message.
 * @param r A reader (reset here to `buf`).
 * @param routes Field number to route (`buildRoutes()`).
 * @param slots Bits of the slots to read (`BOOK_WALK.slots` or `QUOTE_WALK.slots`).
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param volumes Volumes per slot.
 * @param head Receives the flags and the symbol's bounds (5 entries).
 * @throws DecodeError when the framing or a value read is malformed.
 * @example
 * ```ts
 * import { buildRoutes } from "./_bid-offer-layout.ts";
 * import { QUOTE_WALK } from "./_fast-walk.ts";
 * import { WireReader } from "./_wire.ts";
 * import { walkChecked } from "./_checked-walk.ts";
 * // symbol "PTT", bid_volume1 = 1000, bid_volume2 = 5
 * const buf = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x60, 0xe8, 0x07, 0x68, 5]);
 * const volumes = new Float64Array(20);
 * const head = new Int32Array(5);
 * walkChecked(buf, new WireReader(), buildRoutes(), QUOTE_WALK.slots, new Float64Array(20), new Int32Array(20), volumes, head);
 * console.log(volumes[0], head[2], head[3]); // 1000 2 5
 * ```
 */
export function walkChecked(
  buf: Uint8Array,
  r: WireReader,
  routes: Uint8Array,
  slots: number,
  units: Float64Array,
  nanos: Int32Array,
  volumes: Float64Array,
  head: Int32Array,
): void {
  r.reset(buf);
  const end = buf.length;
  // Slots are zeroed lazily: a price on its first occurrence (a repeated one
  // merges into it), and whatever no field filled after the loop.
  let pricesSeen = 0;
  let volumesSeen = 0;
  let bidFlag = 0;
  let askFlag = 0;
  let symbolStart = 0;
  let symbolEnd = 0;
  let symbolTag = -1;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag(); // or throws "tag" / "wire-type"
    const field = tag >>> 3;
    const wire = tag & 7;
    const route = field < routes.length ? routes[field] : 0;
    const bit = 1 << (route & SLOT);
    if (route >= VOLUME) {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      if ((slots & bit) === 0) {
        r.varint64(); // framed, not read
        continue;
      }
      const valueAt = r.pos;
      const v = r.int64();
      if (v < 0) throw decodeError("range", valueAt, `negative volume ${v} in field ${field}`);
      volumes[route & SLOT] = v;
      volumesSeen |= bit;
    } else if (route >= PRICE) {
      if (wire !== WIRE_LEN) throw wireTypeError(field, wire, WIRE_LEN, at);
      if ((slots & bit) === 0) {
        r.pos = r.lengthEnd(); // framed, not read
        continue;
      }
      const slot = route & SLOT;
      if ((pricesSeen & bit) === 0) {
        pricesSeen |= bit;
        units[slot] = 0;
        nanos[slot] = 0;
      }
      r.pos = mergeMoney(r, units, nanos, buf, r.pos, end, slot);
    } else if (route === 0) {
      r.skip(wire, field, 0, at);
    } else if (route === SYMBOL) {
      if (wire !== WIRE_LEN) throw wireTypeError(field, wire, WIRE_LEN, at);
      symbolEnd = r.lengthEnd();
      symbolStart = r.pos;
      symbolTag = at;
      r.pos = symbolEnd;
    } else {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      if (route === BID_FLAG) bidFlag = r.int32();
      else askFlag = r.int32();
    }
  }
  zeroUnseen(slots, pricesSeen, volumesSeen, units, nanos, volumes);
  writeHead(head, bidFlag, askFlag, symbolStart, symbolEnd, symbolTag);
}
