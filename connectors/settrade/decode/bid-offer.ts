/**
 * The hot path: a hand-written decoder of `BidOfferV3` bytes (topic
 * `proto/topic/bidofferv3/{SYMBOL}`) straight into `quote` and `book` events.
 *
 * ## One parse, one or two events
 *
 * {@link BidOfferDecoder.parse} reads a payload into preallocated scratch state
 * (typed arrays of units, nanos and volumes, two flags and the symbol); then
 * {@link BidOfferDecoder.toQuote} and {@link BidOfferDecoder.toBook} build
 * events from it, as many times as wanted, until the next `parse`. The only
 * allocations are the events themselves (for a book: its two arrays and twenty
 * level objects); the symbol string comes from a per-decoder cache.
 *
 * ## Protobuf rules followed
 *
 * Fields in any order; the last occurrence of a scalar field wins; repeated
 * occurrences of a price (an embedded `google.type.Money`) are merged field by
 * field, as protobuf merges messages; unknown fields of every wire type are
 * skipped (inside prices too). proto3 omits defaults, so an absent level reads
 * as `{ price: 0, size: 0 }`.
 *
 * ## Two loops
 *
 * Each parse runs the fast loop first (`_fast-walk.ts`): a table of actions
 * per tag for the encoding the feed sends, with no error path. On anything
 * else it gives up, and the checked loop (`_checked-walk.ts`), which accepts
 * every valid encoding, decides and names the fault. The quote-only parse
 * reads level 1 and checks only the framing of levels 2-10
 * ({@link BidOfferDecoder.parseQuote}).
 *
 * ## Rejected input
 *
 * Every failure is a `DecodeError` with a code and a byte offset: the
 * {@link WireReader} codes (`"truncated"`, `"varint"`, `"length"`, `"tag"`,
 * `"wire-type"`, `"depth"`, `"overflow"`) plus `"range"` (a negative volume:
 * inferred, a volume is never negative and the event model requires sizes ≥ 0),
 * `"utf8"` (a symbol that is not valid UTF-8) and `"empty-symbol"` (symbol
 * missing or empty; offset of the last symbol field, or the payload length when
 * there is none). A known field sent with another wire type is rejected
 * (`"wire-type"`) rather than misread. The `currency_code` of prices is skipped
 * unread: the feed is in THB and the event model has no currency.
 *
 * @module
 */

import type { BookEvent, BookLevel, QuoteEvent } from "../../../src/events.ts";
import { ASK, BID_OFFER_LEVELS, bookFlag, buildRoutes } from "./_bid-offer-layout.ts";
import { walkChecked } from "./_checked-walk.ts";
import {
  BOOK_WALK,
  HEAD_ASK_FLAG,
  HEAD_BID_FLAG,
  HEAD_SYMBOL_END,
  HEAD_SYMBOL_START,
  HEAD_SYMBOL_TAG,
  QUOTE_WALK,
  walkFast,
  type WalkPlan,
} from "./_fast-walk.ts";
import { SymbolCache } from "./_symbol-cache.ts";
import { decodeError, WireReader } from "./_wire.ts";
import type { Stamp } from "../../../src/kit/stamp.ts";
import { moneyToNumber } from "./money.ts";

export { BID_OFFER_LEVELS, bookFlag } from "./_bid-offer-layout.ts";

/**
 * Decodes `BidOfferV3` payloads into `quote` and `book` events. Not reentrant:
 * use one instance per connection (or per thread of control).
 *
 * @example One parse, both events
 * ```ts
 * import { BidOfferDecoder } from "./bid-offer.ts";
 * // symbol "PTT", bid_price1 = 34.25, bid_volume1 = 1000
 * const payload = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x12, 7, 0x10, 34, 0x18, 0x80, 0xe5, 0x9a, 0x77, 0x60, 0xe8, 0x07]);
 * const meta = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
 * const decoder = new BidOfferDecoder();
 * decoder.parse(payload);
 * const quote = decoder.toQuote(meta);
 * const book = decoder.toBook(meta, meta.seq + 1);
 * console.log(quote.bid, quote.bidSize, book.bids.length); // 34.25 1000 10
 * ```
 */
export class BidOfferDecoder {
  readonly #reader: WireReader = new WireReader();
  readonly #symbols: SymbolCache = new SymbolCache();
  readonly #routes: Uint8Array = buildRoutes();
  /** Money units per slot (bids 0..9, asks 10..19). */
  readonly #units: Float64Array = new Float64Array(2 * BID_OFFER_LEVELS);
  /** Money nanos per slot. */
  readonly #nanos: Int32Array = new Int32Array(2 * BID_OFFER_LEVELS);
  /** Volumes per slot. */
  readonly #volumes: Float64Array = new Float64Array(2 * BID_OFFER_LEVELS);
  /** Flags and symbol bounds from the walk (`HEAD_*` indexes). */
  readonly #head: Int32Array = new Int32Array(5);
  #bidFlag = 0;
  #askFlag = 0;
  #symbol = "";
  /** What the last parse left: 0 nothing usable, 1 the quote only, 2 the whole book. */
  #parsed = 0;

  /** Symbol of the last parsed payload (valid after `parse` or `parseQuote`). */
  get symbol(): string {
    return this.#symbol;
  }

  /**
   * Parses one payload into the decoder's scratch state.
   * @param bytes A `BidOfferV3` message, or a buffer that holds one at `[start, end)`.
   * @param start First byte of the message. @default 0
   * @param end End of the message (exclusive). @default bytes.length
   * @throws DecodeError when the payload is malformed (see the module documentation);
   *   its offset counts from `start`.
   * @throws RangeError when `start` and `end` are not a range of `bytes`.
   */
  parse(bytes: Uint8Array, start = 0, end: number = bytes.length): void {
    this.#walk(bytes, start, end, BOOK_WALK);
    this.#parsed = 2;
  }

  /**
   * Parses one payload for its quote only: level 1 of each side, the flags and
   * the symbol. The framing of every field is checked (tags, wire types,
   * length prefixes and varints within the payload), but the values of levels
   * 2 to 10 are not read: a fault inside them is reported by
   * {@link BidOfferDecoder.parse} only. So every payload `parse` accepts is
   * accepted here with the same quote, and every payload rejected here is
   * rejected by `parse`; a fault in the symbol, the flags or level 1 gets the
   * same error from both. Afterwards {@link BidOfferDecoder.toQuote} works and
   * {@link BidOfferDecoder.toBook} throws until the next full `parse`.
   * @param bytes A `BidOfferV3` message, or a buffer that holds one at `[start, end)`.
   * @param start First byte of the message. @default 0
   * @param end End of the message (exclusive). @default bytes.length
   * @throws DecodeError when the payload is malformed (see the module documentation);
   *   its offset counts from `start`.
   * @throws RangeError when `start` and `end` are not a range of `bytes`.
   */
  parseQuote(bytes: Uint8Array, start = 0, end: number = bytes.length): void {
    this.#walk(bytes, start, end, QUOTE_WALK);
    this.#parsed = 1;
  }

  /**
   * Walks a payload into the scratch state (the fast loop, or the checked one
   * when it gives up), then checks and decodes the symbol and keeps the flags.
   */
  #walk(bytes: Uint8Array, start: number, end: number, walk: WalkPlan): void {
    this.#parsed = 0;
    if (!(start >= 0 && start <= end && end <= bytes.length)) {
      throw new RangeError(
        `[settrade] [${start}, ${end}) is not a range of a payload of ${bytes.length} bytes`,
      );
    }
    const units = this.#units;
    const nanos = this.#nanos;
    const volumes = this.#volumes;
    const head = this.#head;
    if (!walkFast(bytes, start, end, walk, units, nanos, volumes, head)) {
      // The checked loop reads a message of its own, so that its errors'
      // offsets count from the message's first byte.
      if (start !== 0 || end !== bytes.length) bytes = bytes.subarray(start, end);
      start = 0;
      end = bytes.length;
      walkChecked(bytes, this.#reader, this.#routes, walk.slots, units, nanos, volumes, head);
    }
    const symbolStart = head[HEAD_SYMBOL_START];
    const symbolEnd = head[HEAD_SYMBOL_END];
    if (symbolEnd === symbolStart) {
      const symbolTag = head[HEAD_SYMBOL_TAG];
      throw decodeError(
        "empty-symbol",
        symbolTag < 0 ? end - start : symbolTag - start,
        symbolTag < 0 ? "missing symbol" : "empty symbol",
      );
    }
    this.#symbol = this.#symbols.get(bytes, symbolStart, symbolEnd, start);
    this.#bidFlag = head[HEAD_BID_FLAG];
    this.#askFlag = head[HEAD_ASK_FLAG];
  }

  #check(need: number): void {
    if (this.#parsed < need) {
      throw new TypeError(
        this.#parsed === 1
          ? "[settrade] only the quote was parsed: call parse() for a book"
          : "[settrade] no payload parsed: call parse() and let it succeed first",
      );
    }
  }

  /**
   * Builds a `quote` event (top of book) from the last parsed payload.
   * @param meta Receive-side fields.
   * @param seq Sequence number of this event. @default meta.seq
   * @returns The quote event.
   * @throws TypeError when the last `parse` failed or none was made.
   */
  toQuote(meta: Stamp, seq: number = meta.seq): QuoteEvent {
    this.#check(1);
    const units = this.#units;
    const nanos = this.#nanos;
    const volumes = this.#volumes;
    return {
      type: "quote",
      source: meta.source,
      origin: meta.origin,
      symbol: this.#symbol,
      seq,
      recvTs: meta.recvTs,
      recvMono: meta.recvMono,
      epoch: meta.epoch,
      bid: moneyToNumber(units[0], nanos[0]),
      ask: moneyToNumber(units[ASK], nanos[ASK]),
      bidSize: volumes[0],
      askSize: volumes[ASK],
      bidFlag: bookFlag(this.#bidFlag),
      askFlag: bookFlag(this.#askFlag),
    };
  }

  /**
   * Builds a `book` event (all ten levels per side, empty ones as zeros) from
   * the last parsed payload.
   * @param meta Receive-side fields.
   * @param seq Sequence number of this event. @default meta.seq
   * @returns The book event.
   * @throws TypeError when the last `parse` failed or none was made, or was a
   *   {@link BidOfferDecoder.parseQuote}.
   */
  toBook(meta: Stamp, seq: number = meta.seq): BookEvent {
    this.#check(2);
    return {
      type: "book",
      source: meta.source,
      origin: meta.origin,
      symbol: this.#symbol,
      seq,
      recvTs: meta.recvTs,
      recvMono: meta.recvMono,
      epoch: meta.epoch,
      bids: this.#side(0),
      asks: this.#side(ASK),
      bidFlag: bookFlag(this.#bidFlag),
      askFlag: bookFlag(this.#askFlag),
    };
  }

  #side(first: number): BookLevel[] {
    const units = this.#units;
    const nanos = this.#nanos;
    const volumes = this.#volumes;
    // One literal of the ten levels: an array of exactly ten elements, where
    // push() would grow a spare capacity.
    const s = first;
    return [
      { price: moneyToNumber(units[s], nanos[s]), size: volumes[s] },
      { price: moneyToNumber(units[s + 1], nanos[s + 1]), size: volumes[s + 1] },
      { price: moneyToNumber(units[s + 2], nanos[s + 2]), size: volumes[s + 2] },
      { price: moneyToNumber(units[s + 3], nanos[s + 3]), size: volumes[s + 3] },
      { price: moneyToNumber(units[s + 4], nanos[s + 4]), size: volumes[s + 4] },
      { price: moneyToNumber(units[s + 5], nanos[s + 5]), size: volumes[s + 5] },
      { price: moneyToNumber(units[s + 6], nanos[s + 6]), size: volumes[s + 6] },
      { price: moneyToNumber(units[s + 7], nanos[s + 7]), size: volumes[s + 7] },
      { price: moneyToNumber(units[s + 8], nanos[s + 8]), size: volumes[s + 8] },
      { price: moneyToNumber(units[s + 9], nanos[s + 9]), size: volumes[s + 9] },
    ];
  }

  /**
   * Parses a payload and builds its `quote` event.
   * @param bytes A `BidOfferV3` message.
   * @param meta Receive-side fields.
   * @returns The quote event.
   * @throws DecodeError when the payload is malformed.
   */
  decodeQuote(bytes: Uint8Array, meta: Stamp): QuoteEvent {
    this.parse(bytes);
    return this.toQuote(meta);
  }

  /**
   * Parses a payload and builds its `book` event.
   * @param bytes A `BidOfferV3` message.
   * @param meta Receive-side fields.
   * @returns The book event.
   * @throws DecodeError when the payload is malformed.
   */
  decodeBook(bytes: Uint8Array, meta: Stamp): BookEvent {
    this.parse(bytes);
    return this.toBook(meta);
  }
}
