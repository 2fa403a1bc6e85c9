/**
 * Straightforward reference mappings from generated-code messages to events,
 * written independently of the decoders under test (prices via `parseFloat` of
 * the exact decimal), for property tests.
 *
 * @module
 */

import type { BookEvent, BookFlag, QuoteEvent } from "../../src/events.ts";
import type { Money } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import type { BidOfferV3 } from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import { BOOK_FIELDS } from "./_fixtures.ts";

const E9 = 1_000_000_000n;

/** The exact decimal of a Money, parsed by `parseFloat`; absent → 0. */
export function referencePrice(m: Money | undefined): number {
  if (m === undefined) return 0;
  const total = m.units * E9 + BigInt(m.nanos);
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const x = parseFloat(`${abs / E9}.${String(abs % E9).padStart(9, "0")}`);
  return neg ? -x : x;
}

const FLAGS: Record<number, BookFlag> = { 0: "undefined", 1: "normal", 2: "ato", 3: "atc" };

/** Flag name of a wire code. */
export function referenceFlag(code: number): BookFlag {
  return FLAGS[code] ?? "undefined";
}

/** Receive-side fields. */
export interface Meta {
  readonly source: string;
  readonly seq: number;
  readonly recvTs: number;
  readonly recvMono: number;
  readonly epoch: number;
}

/** The fields a decoder should put on every event of a message. */
function referenceStamp(msg: BidOfferV3, meta: Meta) {
  return {
    source: meta.source,
    symbol: msg.symbol.toUpperCase(),
    seq: meta.seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
  };
}

/** The quote a decoder should produce for a message. */
export function referenceQuote(msg: BidOfferV3, meta: Meta): QuoteEvent {
  return {
    type: "quote",
    ...referenceStamp(msg, meta),
    bid: referencePrice(msg.bidPrice1),
    ask: referencePrice(msg.askPrice1),
    bidSize: Number(msg.bidVolume1),
    askSize: Number(msg.askVolume1),
    bidFlag: referenceFlag(msg.bidFlag),
    askFlag: referenceFlag(msg.askFlag),
  };
}

/** The book a decoder should produce for a message. */
export function referenceBook(msg: BidOfferV3, meta: Meta): BookEvent {
  const side = (prices: readonly (keyof BidOfferV3)[], volumes: readonly (keyof BidOfferV3)[]) =>
    prices.map((p, i) => ({
      price: referencePrice(msg[p] as Money | undefined),
      size: Number(msg[volumes[i]] as bigint),
    }));
  return {
    type: "book",
    ...referenceStamp(msg, meta),
    bids: side(BOOK_FIELDS.bidPrice, BOOK_FIELDS.bidVolume),
    asks: side(BOOK_FIELDS.askPrice, BOOK_FIELDS.askVolume),
    bidFlag: referenceFlag(msg.bidFlag),
    askFlag: referenceFlag(msg.askFlag),
  };
}
