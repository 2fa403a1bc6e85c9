/**
 * The quote-only walk of a `BidOfferV3` payload: reads the symbol, the flags
 * and level 1 of each side into scratch state, and steps over levels 2 to 10
 * without converting them, while still checking everything the full parse
 * checks.
 *
 * ## Same input accepted, same errors
 *
 * A price of levels 2-10 is stepped over by its length prefix only after its
 * fields have been walked: each usual field (a one-byte units or nanos tag and
 * a varint of at most five bytes, which can be neither negative nor beyond
 * 2^53) is stepped over by the length of its varint, computed without a branch
 * per byte; any other field, a longer varint or one that runs to the end of
 * the payload goes through {@link mergeFields}, the full parse's own reader,
 * into the unused slot. A volume of levels 2-10 of at most five bytes (below
 * 2^35, never negative) is stepped over the same way; any other goes through
 * the full parse's code, so a negative volume (`"range"`) or one beyond
 * 2^53 − 1 (`"overflow"`) on an unused level is still an error, as it is a
 * malformed message whichever level the caller reads. Every payload is thus
 * accepted or rejected exactly as by `BidOfferDecoder.parse`, with the same
 * `DecodeError` code and offset, and level 1 reads the same.
 *
 * ## Why a second loop
 *
 * The field dispatch mirrors `BidOfferDecoder.parse` on purpose: each loop is
 * specialised for its job and stays within V8's small inlining budget for the
 * hot `varint28` call sites (BENCHMARKS.md, "Decoder"), instead of one loop
 * branching on a mode for every field. A change to the wire rules must be made
 * in both loops; the property tests in
 * `test/settrade/bid-offer-quote.property.test.ts` hold them equal.
 *
 * @module
 */

import { ASK, BID_FLAG, PRICE, SLOT, SYMBOL, VOLUME } from "./_bid-offer-layout.ts";
import { mergeFields, mergeMoney } from "./_money-merge.ts";
import {
  decodeError,
  varint28,
  WIRE_LEN,
  WIRE_VARINT,
  type WireReader,
  wireTypeError,
} from "./_wire.ts";

/** Index in `head` of bid_flag. */
export const HEAD_BID_FLAG = 0;
/** Index in `head` of ask_flag. */
export const HEAD_ASK_FLAG = 1;
/** Index in `head` of the symbol's first byte. */
export const HEAD_SYMBOL_START = 2;
/** Index in `head` of the symbol's end (exclusive). */
export const HEAD_SYMBOL_END = 3;
/** Index in `head` of the last symbol field's tag, or -1 when there is none. */
export const HEAD_SYMBOL_TAG = 4;

/**
 * Walks one payload for its quote. Fills slots 0 and {@link ASK} of `units`,
 * `nanos` and `volumes` (other slots are left with unspecified values) and
 * `head` (flags and the symbol's bounds, see the `HEAD_*` indexes). The symbol
 * itself is neither checked nor decoded here.
 *
 * @param buf A `BidOfferV3` message.
 * @param r A reader (reset here to `buf`), for slow paths and errors.
 * @param routes Field number to route (`buildRoutes()`).
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param volumes Volumes per slot.
 * @param head Receives the flags and the symbol's bounds (5 entries).
 * @throws DecodeError when the payload is malformed, as `BidOfferDecoder.parse` would.
 * @example
 * ```ts
 * import { buildRoutes } from "./_bid-offer-layout.ts";
 * import { WireReader } from "./_wire.ts";
 * import { walkQuote } from "./_quote-walk.ts";
 * // symbol "PTT", bid_volume1 = 1000, bid_volume2 = 5
 * const buf = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x60, 0xe8, 0x07, 0x68, 5]);
 * const volumes = new Float64Array(20);
 * const head = new Int32Array(5);
 * walkQuote(buf, new WireReader(), buildRoutes(), new Float64Array(20), new Int32Array(20), volumes, head);
 * console.log(volumes[0], head[2], head[3]); // 1000 2 5
 * ```
 */
export function walkQuote(
  buf: Uint8Array,
  r: WireReader,
  routes: Uint8Array,
  units: Float64Array,
  nanos: Int32Array,
  volumes: Float64Array,
  head: Int32Array,
): void {
  r.reset(buf);
  units[0] = 0;
  units[ASK] = 0;
  nanos[0] = 0;
  nanos[ASK] = 0;
  volumes[0] = 0;
  volumes[ASK] = 0;
  const end = buf.length;
  let bidFlag = 0;
  let askFlag = 0;
  let symbolStart = 0;
  let symbolEnd = 0;
  let symbolTag = -1;
  let pos = 0;
  while (pos < end) {
    const at = pos;
    let tag = varint28(buf, pos, end);
    if (tag >= 0) {
      pos += tag & 7;
      tag >>>= 3;
    } else {
      r.pos = pos;
      tag = r.tag();
      pos = r.pos;
    }
    if (tag < 8 || (tag & 7) > 5) {
      r.pos = at;
      r.tag(); // throws the "tag" or "wire-type" error
    }
    const field = tag >>> 3;
    const wire = tag & 7;
    const route = field < routes.length ? routes[field] : 0;
    if (route >= VOLUME) {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      const slot = route & SLOT;
      if (slot !== 0 && slot !== ASK && pos + 5 <= end) {
        // c_k = 1 when bytes 0..k all carry a continuation bit.
        const c0 = buf[pos] >>> 7;
        const c1 = c0 & (buf[pos + 1] >>> 7);
        const c2 = c1 & (buf[pos + 2] >>> 7);
        const c3 = c2 & (buf[pos + 3] >>> 7);
        if ((c3 & (buf[pos + 4] >>> 7)) === 0) {
          pos += 1 + c0 + c1 + c2 + c3;
          continue;
        }
      }
      let v = varint28(buf, pos, end);
      if (v >= 0) {
        pos += v & 7;
        v >>>= 3;
      } else {
        r.pos = pos;
        v = r.int64();
        if (v < 0) throw decodeError("range", pos, `negative volume ${v} in field ${field}`);
        pos = r.pos;
      }
      volumes[slot] = v;
    } else if (route >= PRICE) {
      if (wire !== WIRE_LEN) throw wireTypeError(field, wire, WIRE_LEN, at);
      const slot = route & SLOT;
      let mEnd = varint28(buf, pos, end);
      if (mEnd < 0 || mEnd >>> 3 > end - pos - (mEnd & 7)) {
        pos = mergeMoney(r, units, nanos, buf, pos, end, slot); // a long or bad length prefix
        continue;
      }
      pos += mEnd & 7;
      mEnd = pos + (mEnd >>> 3);
      if (slot !== 0 && slot !== ASK) {
        while (pos < mEnd) {
          const t = buf[pos];
          if ((t === 0x10 || t === 0x18) && pos + 6 <= end) {
            const c0 = buf[pos + 1] >>> 7;
            const c1 = c0 & (buf[pos + 2] >>> 7);
            const c2 = c1 & (buf[pos + 3] >>> 7);
            const c3 = c2 & (buf[pos + 4] >>> 7);
            const next = pos + 2 + c0 + c1 + c2 + c3;
            if ((c3 & (buf[pos + 5] >>> 7)) === 0 && next <= mEnd) {
              pos = next;
              continue;
            }
          }
          pos = mergeFields(r, units, nanos, buf, pos, mEnd, end, slot);
        }
        continue;
      }
      // Level 1: the usual Money read inline, as the full parse does.
      let u = units[slot];
      let n = nanos[slot];
      while (pos < mEnd) {
        const t = buf[pos];
        let q = pos + 1;
        if ((t === 0x10 || t === 0x18) && q < mEnd) {
          let b = buf[q++];
          let v = b & 0x7f;
          if (b >= 0x80 && q < mEnd) {
            b = buf[q++];
            v |= (b & 0x7f) << 7;
            if (b >= 0x80 && q < mEnd) {
              b = buf[q++];
              v |= (b & 0x7f) << 14;
              if (b >= 0x80 && q < mEnd) {
                b = buf[q++];
                v |= (b & 0x7f) << 21;
                if (b >= 0x80 && t === 0x18 && q < mEnd) {
                  b = buf[q++];
                  v |= b << 28;
                }
              }
            }
          }
          if (b < 0x80) {
            if (t === 0x10) u = v;
            else n = v;
            pos = q;
            continue;
          }
        }
        units[slot] = u;
        nanos[slot] = n;
        pos = mergeFields(r, units, nanos, buf, pos, mEnd, end, slot);
        u = units[slot];
        n = nanos[slot];
      }
      units[slot] = u;
      nanos[slot] = n;
    } else if (route === 0) {
      r.pos = pos;
      r.skip(wire, field, 0, at);
      pos = r.pos;
    } else if (route === SYMBOL) {
      if (wire !== WIRE_LEN) throw wireTypeError(field, wire, WIRE_LEN, at);
      r.pos = pos;
      symbolEnd = r.lengthEnd();
      symbolStart = r.pos;
      symbolTag = at;
      pos = symbolEnd;
    } else {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      r.pos = pos;
      if (route === BID_FLAG) bidFlag = r.int32();
      else askFlag = r.int32();
      pos = r.pos;
    }
  }
  head[HEAD_BID_FLAG] = bidFlag;
  head[HEAD_ASK_FLAG] = askFlag;
  head[HEAD_SYMBOL_START] = symbolStart;
  head[HEAD_SYMBOL_END] = symbolEnd;
  head[HEAD_SYMBOL_TAG] = symbolTag;
}
