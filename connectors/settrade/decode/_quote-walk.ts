/**
 * The quote-only walk of a `BidOfferV3` payload: reads the symbol, the flags
 * and level 1 of each side into scratch state, checks the framing of every
 * other field, and reads none of the values of levels 2 to 10.
 *
 * ## What a quote-only walk checks
 *
 * Every field's tag, its wire type against the schema (a price must be a
 * length-delimited message, a volume or a flag a varint), its length prefix or
 * varint against the end of the payload, and every value the quote carries
 * (level-1 prices and volumes, flags, the symbol) exactly as
 * `BidOfferDecoder.parse` does, with the same `DecodeError`. The prices of
 * levels 2-10 are stepped over by their length prefix and their volumes as
 * varints: a fault inside them (a negative volume, a Money field of the wrong
 * type) is not the quote's and is reported only by the full parse, which a
 * `book` subscription runs. This is protobuf's own rule for lazily decoded
 * sub-messages: what is not read is framed, not interpreted. So every payload
 * `parse` accepts, this walk accepts with the same level 1; every payload it
 * rejects, `parse` rejects.
 *
 * ## Two loops
 *
 * {@link walkQuoteFast} handles the encoding the feed sends (one- and two-byte
 * tags, one-byte length prefixes, level-1 varints of up to four bytes, nanos
 * of up to five) with a table of actions per tag and no error paths: it
 * returns `false` at the first byte outside that, and the caller runs
 * {@link walkQuote}, the checked walk through `WireReader`, which decides and
 * names every error. The fast loop only accepts what the checked one accepts,
 * with the same result; the property tests in
 * `test/settrade/bid-offer-quote.property.test.ts` hold the two equal, and
 * BENCHMARKS.md has the measurements behind the split.
 *
 * @module
 */

import {
  ASK,
  ASK_FLAG,
  BID_FLAG,
  buildRoutes,
  PRICE,
  SLOT,
  SYMBOL,
  VOLUME,
} from "./_bid-offer-layout.ts";
import { mergeMoney } from "./_money-merge.ts";
import { decodeError, WIRE_LEN, WIRE_VARINT, type WireReader, wireTypeError } from "./_wire.ts";

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

// Actions of the fast loop, in the low four bits; a level-1 action carries its
// scratch slot (0 or ASK) in the bits above.
const BAIL = 0;
const SKIP_LEN = 1;
const SKIP_VARINT = 2;
const PRICE1 = 3;
const VOLUME1 = 4;
const SYMBOL1 = 5;
const BID_FLAG1 = 6;
const ASK_FLAG1 = 7;
const SKIP_FIXED64 = 8;
const SKIP_FIXED32 = 9;

/** Tags below this (fields 0-43, every wire type) are looked up in {@link ACTIONS}. */
const TABLE_TAGS = 44 << 3;

/** Action per tag of the known fields, from the same routes as the full parse. */
const ACTIONS: Uint8Array = buildActions(buildRoutes());

function buildActions(routes: Uint8Array): Uint8Array {
  const actions = new Uint8Array(TABLE_TAGS); // BAIL: field 0, wrong wire types
  for (let field = 1; field < routes.length; field++) {
    const route = routes[field];
    const slot = route & SLOT;
    const level1 = slot === 0 || slot === ASK;
    if (route >= VOLUME) {
      actions[(field << 3) | WIRE_VARINT] = level1 ? VOLUME1 | (slot << 4) : SKIP_VARINT;
    } else if (route >= PRICE) {
      actions[(field << 3) | WIRE_LEN] = level1 ? PRICE1 | (slot << 4) : SKIP_LEN;
    } else if (route === SYMBOL) {
      actions[(field << 3) | WIRE_LEN] = SYMBOL1;
    } else if (route === BID_FLAG) {
      actions[(field << 3) | WIRE_VARINT] = BID_FLAG1;
    } else if (route === ASK_FLAG) {
      actions[(field << 3) | WIRE_VARINT] = ASK_FLAG1;
    }
  }
  return actions;
}

/**
 * The fast loop: walks a payload in the usual encoding for its quote, with the
 * outputs of {@link walkQuote}, or gives up.
 *
 * @param buf A `BidOfferV3` message.
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param volumes Volumes per slot.
 * @param head Receives the flags and the symbol's bounds (5 entries).
 * @returns `true` with slots 0 and {@link ASK} and `head` filled, or `false`
 *   (outputs unspecified) when the payload needs {@link walkQuote}.
 * @example
 * ```ts
 * import { walkQuoteFast } from "./_quote-walk.ts";
 * // symbol "PTT", bid_volume1 = 1000, bid_volume2 = 5
 * const buf = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x60, 0xe8, 0x07, 0x68, 5]);
 * const volumes = new Float64Array(20);
 * const head = new Int32Array(5);
 * const done = walkQuoteFast(buf, new Float64Array(20), new Int32Array(20), volumes, head);
 * console.log(done, volumes[0], head[2], head[3]); // true 1000 2 5
 * ```
 */
export function walkQuoteFast(
  buf: Uint8Array,
  units: Float64Array,
  nanos: Int32Array,
  volumes: Float64Array,
  head: Int32Array,
): boolean {
  const end = buf.length;
  let bidUnits = 0;
  let bidNanos = 0;
  let askUnits = 0;
  let askNanos = 0;
  let bidVolume = 0;
  let askVolume = 0;
  let bidFlag = 0;
  let askFlag = 0;
  let symbolStart = 0;
  let symbolEnd = 0;
  let symbolTag = -1;
  let pos = 0;
  // Reads past the end yield undefined: every `!(x < 0x80)` below is then
  // true, and every `pos > end` catches a field that ran over.
  while (pos < end) {
    const at = pos;
    let tag = buf[pos++];
    if (tag >= 0x80) {
      const b = buf[pos++];
      if (!(b < 0x80)) return false;
      tag = (tag & 0x7f) | (b << 7);
    }
    let action: number;
    if (tag < TABLE_TAGS) action = ACTIONS[tag];
    else {
      // An unknown field (number 44 to 2047): skipped by its wire type.
      const wire = tag & 7;
      action = wire === 0
        ? SKIP_VARINT
        : wire === 2
        ? SKIP_LEN
        : wire === 1
        ? SKIP_FIXED64
        : wire === 5
        ? SKIP_FIXED32
        : BAIL;
    }
    switch (action & 15) {
      case SKIP_LEN: {
        const len = buf[pos];
        if (!(len < 0x80)) return false;
        pos += 1 + len;
        if (pos > end) return false;
        break;
      }
      case SKIP_VARINT: {
        const start = pos;
        while (buf[pos++] >= 0x80);
        if (pos > end || pos - start > 9) return false;
        break;
      }
      case PRICE1: {
        const len = buf[pos];
        if (!(len < 0x80)) return false;
        const mEnd = pos + 1 + len;
        if (mEnd > end) return false;
        pos++;
        const bid = action >>> 4 === 0;
        let u = bid ? bidUnits : askUnits;
        let n = bid ? bidNanos : askNanos;
        // Money: units (tag 0x10) in up to four bytes, nanos (0x18) in up to
        // five (their low 32 bits, signed, as WireReader.int32() reads them).
        while (pos < mEnd) {
          const t = buf[pos];
          if (t !== 0x10 && t !== 0x18) return false;
          let q = pos + 1;
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
          if (!(b < 0x80) || q > mEnd) return false;
          if (t === 0x10) u = v;
          else n = v;
          pos = q;
        }
        if (bid) {
          bidUnits = u;
          bidNanos = n;
        } else {
          askUnits = u;
          askNanos = n;
        }
        break;
      }
      case VOLUME1: {
        let b = buf[pos++];
        let v = b & 0x7f;
        if (b >= 0x80) {
          b = buf[pos++];
          v |= (b & 0x7f) << 7;
          if (b >= 0x80) {
            b = buf[pos++];
            v |= (b & 0x7f) << 14;
            if (b >= 0x80) {
              b = buf[pos++];
              v |= (b & 0x7f) << 21;
              if (!(b < 0x80)) return false;
            }
          }
        }
        if (pos > end) return false;
        if (action >>> 4 === 0) bidVolume = v;
        else askVolume = v;
        break;
      }
      case SYMBOL1: {
        const len = buf[pos];
        if (!(len < 0x80)) return false;
        symbolStart = pos + 1;
        pos = symbolStart + len;
        if (pos > end) return false;
        symbolEnd = pos;
        symbolTag = at;
        break;
      }
      case BID_FLAG1: {
        const v = buf[pos++];
        if (!(v < 0x80)) return false;
        bidFlag = v;
        break;
      }
      case ASK_FLAG1: {
        const v = buf[pos++];
        if (!(v < 0x80)) return false;
        askFlag = v;
        break;
      }
      case SKIP_FIXED64:
        pos += 8;
        if (pos > end) return false;
        break;
      case SKIP_FIXED32:
        pos += 4;
        if (pos > end) return false;
        break;
      default:
        return false;
    }
  }
  units[0] = bidUnits;
  nanos[0] = bidNanos;
  units[ASK] = askUnits;
  nanos[ASK] = askNanos;
  volumes[0] = bidVolume;
  volumes[ASK] = askVolume;
  head[HEAD_BID_FLAG] = bidFlag;
  head[HEAD_ASK_FLAG] = askFlag;
  head[HEAD_SYMBOL_START] = symbolStart;
  head[HEAD_SYMBOL_END] = symbolEnd;
  head[HEAD_SYMBOL_TAG] = symbolTag;
  return true;
}

/**
 * The checked loop: walks one payload for its quote through `WireReader`,
 * accepting any valid encoding and naming every fault. Fills slots 0 and
 * {@link ASK} of `units`, `nanos` and `volumes` (other slots are left with
 * unspecified values) and `head` (flags and the symbol's bounds, see the
 * `HEAD_*` indexes). The symbol itself is neither checked nor decoded here.
 *
 * @param buf A `BidOfferV3` message.
 * @param r A reader (reset here to `buf`).
 * @param routes Field number to route (`buildRoutes()`).
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param volumes Volumes per slot.
 * @param head Receives the flags and the symbol's bounds (5 entries).
 * @throws DecodeError when the framing or a level-1 value is malformed, as
 *   `BidOfferDecoder.parse` would.
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
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag(); // or throws "tag" / "wire-type"
    const field = tag >>> 3;
    const wire = tag & 7;
    const route = field < routes.length ? routes[field] : 0;
    const slot = route & SLOT;
    if (route >= VOLUME) {
      if (wire !== WIRE_VARINT) throw wireTypeError(field, wire, WIRE_VARINT, at);
      if (slot !== 0 && slot !== ASK) {
        r.varint64(); // framed, not read
        continue;
      }
      const valueAt = r.pos;
      const v = r.int64();
      if (v < 0) throw decodeError("range", valueAt, `negative volume ${v} in field ${field}`);
      volumes[slot] = v;
    } else if (route >= PRICE) {
      if (wire !== WIRE_LEN) throw wireTypeError(field, wire, WIRE_LEN, at);
      if (slot !== 0 && slot !== ASK) r.pos = r.lengthEnd(); // framed, not read
      else r.pos = mergeMoney(r, units, nanos, buf, r.pos, end, slot);
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
  head[HEAD_BID_FLAG] = bidFlag;
  head[HEAD_ASK_FLAG] = askFlag;
  head[HEAD_SYMBOL_START] = symbolStart;
  head[HEAD_SYMBOL_END] = symbolEnd;
  head[HEAD_SYMBOL_TAG] = symbolTag;
}
