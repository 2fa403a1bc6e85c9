/**
 * The fast loop of the `BidOfferV3` decoder, shared by the full parse and the
 * quote-only parse: it reads the encoding the feed sends and nothing else.
 *
 * ## Give up rather than judge
 *
 * The loop has no error path. Where the input leaves the usual encoding (a
 * tag of three bytes or more, a length prefix over 127, a long varint, a
 * price with a field other than units or nanos, a known field with another
 * wire type, a group, anything truncated) it returns `false`, and the caller
 * runs its checked loop over the same payload (`BidOfferDecoder` for a book,
 * `walkQuote` for a quote), which accepts every valid encoding and names
 * every fault. The fast loop accepts only what the checked loop accepts, with
 * the same result; the property tests hold the two equal.
 *
 * ## One loop, two tables
 *
 * What to do with each tag comes from a table built from the field layout:
 * {@link BOOK_WALK} reads every level, {@link QUOTE_WALK} reads level 1
 * and steps over the framing of levels 2-10.
 *
 * ## Bounds
 *
 * The payload is `buf[start, end)`, which may sit inside a larger buffer (a
 * chunk of a capture file). The loop reads a byte before knowing whether it is
 * inside: a read past `end` yields either a byte of whatever follows or, past
 * the buffer, `undefined` (for which every `x < 0x80` test is false). Either
 * way the cursor then lies beyond `end`, and every field's step ends with a
 * `pos > end` test (or a length checked against `end`) that gives up, so no
 * value read past the end is ever kept.
 *
 * @module
 */

import {
  ASK,
  ASK_FLAG,
  BID_FLAG,
  BID_OFFER_LEVELS,
  buildRoutes,
  PRICE,
  SLOT,
  SYMBOL,
  VOLUME,
} from "./_bid-offer-layout.ts";
import { WIRE_LEN, WIRE_VARINT } from "./_wire.ts";

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

// Actions, in the low four bits of a table entry; a price or volume carries
// its scratch slot in the bits above.
const BAIL = 0;
const SKIP_LEN = 1;
const SKIP_VARINT = 2;
const SKIP_FIXED64 = 3;
const SKIP_FIXED32 = 4;
const READ_PRICE = 5;
const READ_VOLUME = 6;
const READ_SYMBOL = 7;
const READ_BID_FLAG = 8;
const READ_ASK_FLAG = 9;

/** Largest payload offset the fast loop takes. */
const MAX_START = 0x3fffffff;

/** Tags below this (fields 0-43, every wire type) are looked up in a table. */
const TABLE_TAGS = 44 << 3;

/** What a walk reads: the action per tag, and the bits of the scratch slots it fills. */
export interface WalkPlan {
  /** Action per tag (low four bits) and slot (the bits above). */
  readonly actions: Uint16Array;
  /** Bits of the slots read; those no field fills are zeroed. */
  readonly slots: number;
}

function buildActions(slots: number): Uint16Array {
  const routes = buildRoutes();
  const actions = new Uint16Array(TABLE_TAGS).fill(BAIL); // field 0, wrong wire types
  for (let field = 1; field < routes.length; field++) {
    const route = routes[field];
    const slot = route & SLOT;
    const read = (slots & (1 << slot)) !== 0;
    if (route >= VOLUME) {
      actions[(field << 3) | WIRE_VARINT] = read ? READ_VOLUME | (slot << 4) : SKIP_VARINT;
    } else if (route >= PRICE) {
      actions[(field << 3) | WIRE_LEN] = read ? READ_PRICE | (slot << 4) : SKIP_LEN;
    } else if (route === SYMBOL) actions[(field << 3) | WIRE_LEN] = READ_SYMBOL;
    else if (route === BID_FLAG) actions[(field << 3) | WIRE_VARINT] = READ_BID_FLAG;
    else if (route === ASK_FLAG) actions[(field << 3) | WIRE_VARINT] = READ_ASK_FLAG;
  }
  return actions;
}

function plan(slots: number): WalkPlan {
  return Object.freeze({ actions: buildActions(slots), slots });
}

/** The full parse: every level read. */
export const BOOK_WALK: WalkPlan = plan((1 << (2 * BID_OFFER_LEVELS)) - 1);
/** The quote-only parse: level 1 read, levels 2-10 framed only. */
export const QUOTE_WALK: WalkPlan = plan(1 | (1 << ASK));

/**
 * Walks a payload in the usual encoding.
 *
 * @param buf Holds a `BidOfferV3` message at `[start, end)`.
 * @param start First byte of the message. @param end End of the message (exclusive).
 * @param walk {@link BOOK_WALK} or {@link QUOTE_WALK}: the actions, and the
 *   slots they read (those no field filled are zeroed: an absent level reads
 *   as zeros).
 * @param units Money units per slot (bids 0-9, asks 10-19).
 * @param nanos Money nanos per slot. @param volumes Volumes per slot.
 * @param head Receives the flags and the symbol's bounds (the `HEAD_*` indexes).
 * @returns `true` with the slots and `head` filled, or `false` (outputs
 *   unspecified) when the payload needs the checked loop.
 * @example
 * ```ts
 * import { BOOK_WALK, walkFast } from "./_fast-walk.ts";
 * // symbol "PTT", bid_volume1 = 1000, bid_volume2 = 5
 * const buf = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x60, 0xe8, 0x07, 0x68, 5]);
 * const volumes = new Float64Array(20);
 * const head = new Int32Array(5);
 * const done = walkFast(buf, 0, buf.length, BOOK_WALK, new Float64Array(20), new Int32Array(20), volumes, head);
 * console.log(done, volumes[0], volumes[1], head[2], head[3]); // true 1000 5 2 5
 * ```
 */
export function walkFast(
  buf: Uint8Array,
  start: number,
  end: number,
  walk: WalkPlan,
  units: Float64Array,
  nanos: Int32Array,
  volumes: Float64Array,
  head: Int32Array,
): boolean {
  const actions = walk.actions;
  const slots = walk.slots;
  let pricesSeen = 0;
  let volumesSeen = 0;
  let bidFlag = 0;
  let askFlag = 0;
  let symbolStart = 0;
  let symbolEnd = 0;
  let symbolTag = -1;
  // The mask tells the compiler the cursor is a small non-negative integer
  // (a start of 2^30 or more, never seen, takes the checked loop): with a
  // cursor that starts at an arbitrary number, V8 compiled every read here
  // about 15 % slower.
  if (start > MAX_START) return false;
  let pos = start & MAX_START;
  while (pos < end) {
    const at = pos;
    let tag = buf[pos++];
    if (tag >= 0x80) {
      const b = buf[pos++];
      if (!(b < 0x80)) return false;
      if (pos > end) return false;
      tag = (tag & 0x7f) | (b << 7);
    }
    const action = tag < TABLE_TAGS ? actions[tag] : unknownFieldAction(tag);
    switch (action & 15) {
      case SKIP_LEN: {
        const len = buf[pos];
        if (!(len < 0x80)) return false;
        pos += 1 + len;
        if (pos > end) return false;
        break;
      }
      case SKIP_VARINT: {
        if (pos + 4 < end) {
          // Up to five bytes, its length without a branch per byte (c_k = 1
          // when bytes 0..k all carry a continuation bit): the volumes a quote
          // steps over are one to three bytes long, a branch a byte would
          // mispredict on most of them.
          const c0 = buf[pos] >>> 7;
          const c1 = c0 & (buf[pos + 1] >>> 7);
          const c2 = c1 & (buf[pos + 2] >>> 7);
          const c3 = c2 & (buf[pos + 3] >>> 7);
          if ((c3 & (buf[pos + 4] >>> 7)) === 0) {
            pos += 1 + c0 + c1 + c2 + c3;
            break;
          }
        }
        const from = pos;
        while (buf[pos++] >= 0x80);
        if (pos > end || pos - from > 9) return false;
        break;
      }
      case READ_PRICE: {
        const slot = action >>> 4;
        if ((pricesSeen & (1 << slot)) === 0) {
          // The first occurrence; a repeated one merges into it.
          pricesSeen |= 1 << slot;
          units[slot] = 0;
          nanos[slot] = 0;
        }
        pos = readMoney(buf, pos, end, units, nanos, slot);
        if (pos < 0) return false;
        break;
      }
      case READ_VOLUME: {
        // Up to five bytes: below 2^35, so exact and never negative.
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
              if (b >= 0x80) {
                b = buf[pos++];
                if (!(b < 0x80)) return false;
                v += b * 0x10000000;
              }
            }
          }
        }
        if (pos > end) return false;
        const slot = action >>> 4;
        volumes[slot] = v;
        volumesSeen |= 1 << slot;
        break;
      }
      case READ_SYMBOL: {
        const len = buf[pos];
        if (!(len < 0x80)) return false;
        symbolStart = pos + 1;
        pos = symbolStart + len;
        if (pos > end) return false;
        symbolEnd = pos;
        symbolTag = at;
        break;
      }
      case READ_BID_FLAG: {
        const v = buf[pos++];
        if (!(v < 0x80) || pos > end) return false;
        bidFlag = v;
        break;
      }
      case READ_ASK_FLAG: {
        const v = buf[pos++];
        if (!(v < 0x80) || pos > end) return false;
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
  zeroUnseen(slots, pricesSeen, volumesSeen, units, nanos, volumes);
  writeHead(head, bidFlag, askFlag, symbolStart, symbolEnd, symbolTag);
  return true;
}

/**
 * Zeroes the slots a walk was to read and no field filled (an absent level
 * reads as zeros); nothing to do in a full book. Shared by both loops.
 * @param slots Bits of the slots read. @param pricesSeen Bits of the prices
 *   filled. @param volumesSeen Bits of the volumes filled.
 * @param units Money units per slot. @param nanos Money nanos per slot.
 * @param volumes Volumes per slot.
 * @example
 * ```ts
 * import { zeroUnseen } from "./_fast-walk.ts";
 * const volumes = new Float64Array(20).fill(7);
 * zeroUnseen(0b11, 0b11, 0b01, new Float64Array(20), new Int32Array(20), volumes);
 * console.log(volumes[0], volumes[1], volumes[2]); // 7 0 7
 * ```
 */
export function zeroUnseen(
  slots: number,
  pricesSeen: number,
  volumesSeen: number,
  units: Float64Array,
  nanos: Int32Array,
  volumes: Float64Array,
): void {
  if ((pricesSeen & volumesSeen & slots) === slots) return;
  for (let s = 0; s < 2 * BID_OFFER_LEVELS; s++) {
    const bit = 1 << s;
    if ((slots & bit) === 0) continue;
    if ((pricesSeen & bit) === 0) {
      units[s] = 0;
      nanos[s] = 0;
    }
    if ((volumesSeen & bit) === 0) volumes[s] = 0;
  }
}

/**
 * Writes what a walk found besides the levels (see the `HEAD_*` indexes).
 * Shared by both loops.
 * @param head The 5 entries. @param bidFlag bid_flag. @param askFlag ask_flag.
 * @param symbolStart First byte of the symbol. @param symbolEnd Its end.
 * @param symbolTag Offset of the last symbol field's tag, or -1.
 * @example
 * ```ts
 * import { HEAD_SYMBOL_TAG, writeHead } from "./_fast-walk.ts";
 * const head = new Int32Array(5);
 * writeHead(head, 1, 1, 2, 5, 0);
 * console.log(head[HEAD_SYMBOL_TAG]); // 0
 * ```
 */
export function writeHead(
  head: Int32Array,
  bidFlag: number,
  askFlag: number,
  symbolStart: number,
  symbolEnd: number,
  symbolTag: number,
): void {
  head[HEAD_BID_FLAG] = bidFlag;
  head[HEAD_ASK_FLAG] = askFlag;
  head[HEAD_SYMBOL_START] = symbolStart;
  head[HEAD_SYMBOL_END] = symbolEnd;
  head[HEAD_SYMBOL_TAG] = symbolTag;
}

/** A field the decoder does not know (numbers 44 to 2047): stepped over by its wire type. */
function unknownFieldAction(tag: number): number {
  switch (tag & 7) {
    case 0:
      return SKIP_VARINT;
    case 1:
      return SKIP_FIXED64;
    case 2:
      return SKIP_LEN;
    case 5:
      return SKIP_FIXED32;
    default:
      return BAIL; // groups and invalid wire types
  }
}

/**
 * Reads one price (a `google.type.Money` behind a one-byte length prefix)
 * into a slot, merged with what it holds as protobuf merges a repeated
 * message field: units (tag 0x10) of up to four bytes, nanos (0x18) of up to
 * five (their low 32 bits, signed, as `WireReader.int32()` reads them).
 * Returns the offset after the price, or -1 to give up.
 */
function readMoney(
  buf: Uint8Array,
  pos: number,
  end: number,
  units: Float64Array,
  nanos: Int32Array,
  slot: number,
): number {
  const len = buf[pos];
  if (!(len < 0x80)) return -1;
  const mEnd = pos + 1 + len;
  if (mEnd > end) return -1;
  pos++;
  while (pos < mEnd) {
    const t = buf[pos];
    if (t !== 0x10 && t !== 0x18) return -1;
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
    if (!(b < 0x80) || q > mEnd) return -1;
    if (t === 0x10) units[slot] = v;
    else nanos[slot] = v;
    pos = q;
  }
  return pos;
}
