/**
 * What a user would write instead of tickwire's decoder: decode the whole
 * message with a general protobuf library, then build the same `quote` or
 * `book` event from it. Two peers, each used as its documentation shows:
 *
 * - `@bufbuild/protobuf` `fromBinary` with the generated schema (int64 as
 *   `bigint`, converted with `Number`);
 * - `protobufjs` reflection (`Type.decode`, runtime-generated code) from the
 *   same `.proto` files, default options (int64 as `Long`, converted with
 *   `toNumber()`).
 *
 * Prices go through the project's exact `moneyToNumber`, flags through
 * `bookFlag`, so every peer event equals tickwire's field for field (checked
 * before any timing).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import protobuf from "protobufjs";
import type { BookEvent, BookLevel, QuoteEvent } from "../src/events.ts";
import {
  type BidOfferV3,
  BidOfferV3Schema,
} from "../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import type { Money } from "../connectors/settrade/gen/google/type/money_pb.ts";
import { bookFlag } from "../connectors/settrade/decode/bid-offer.ts";
import { moneyToNumber } from "../connectors/settrade/decode/money.ts";
import type { Stamp } from "../src/kit/stamp.ts";

/** A `Long` from protobufjs (only what the events need). */
interface Long {
  toNumber(): number;
}

/** A `google.type.Money` as protobufjs decodes it. */
interface PbjsMoney {
  readonly units: Long | number;
  readonly nanos: number;
}

/** The fields of a decoded `BidOfferV3` the events read, as protobufjs gives them. */
export type PbjsBidOffer = Record<string, unknown> & {
  readonly symbol: string;
  readonly bidFlag: number;
  readonly askFlag: number;
};

/** A protobufjs message type: `decode(bytes)`. */
export interface PbjsType {
  decode(bytes: Uint8Array): PbjsBidOffer;
}

/**
 * Loads `BidOfferV3` with protobufjs from the project's `.proto` files (parsed
 * text, so it runs the same on Node, Bun and Deno).
 * @returns The message type.
 */
export function loadProtobufjsBidOffer(): PbjsType {
  const root = new protobuf.Root();
  for (const file of ["google/type/money.proto", "settrade/v3/bid_offer.proto"]) {
    const text = readFileSync(new URL(`../proto/${file}`, import.meta.url), "utf8");
    protobuf.parse(text, root);
  }
  root.resolveAll();
  return root.lookupType("settrade.v3.BidOfferV3") as unknown as PbjsType;
}

function esPrice(m: Money | undefined): number {
  return m === undefined ? 0 : moneyToNumber(Number(m.units), m.nanos);
}

function esLevel(price: Money | undefined, size: bigint): BookLevel {
  return { price: esPrice(price), size: Number(size) };
}

/**
 * `@bufbuild/protobuf`: `fromBinary` and a `quote` event.
 * @param bytes Payload. @param meta Receive-side fields.
 * @returns The quote.
 */
export function esQuote(bytes: Uint8Array, meta: Stamp): QuoteEvent {
  const m: BidOfferV3 = fromBinary(BidOfferV3Schema, bytes);
  return {
    type: "quote",
    source: meta.source,
    symbol: m.symbol,
    seq: meta.seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    bid: esPrice(m.bidPrice1),
    ask: esPrice(m.askPrice1),
    bidSize: Number(m.bidVolume1),
    askSize: Number(m.askVolume1),
    bidFlag: bookFlag(m.bidFlag),
    askFlag: bookFlag(m.askFlag),
  };
}

/**
 * `@bufbuild/protobuf`: `fromBinary` and a `book` event (ten levels per side).
 * @param bytes Payload. @param meta Receive-side fields.
 * @returns The book.
 */
export function esBook(bytes: Uint8Array, meta: Stamp): BookEvent {
  const m: BidOfferV3 = fromBinary(BidOfferV3Schema, bytes);
  return {
    type: "book",
    source: meta.source,
    symbol: m.symbol,
    seq: meta.seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    bids: [
      esLevel(m.bidPrice1, m.bidVolume1),
      esLevel(m.bidPrice2, m.bidVolume2),
      esLevel(m.bidPrice3, m.bidVolume3),
      esLevel(m.bidPrice4, m.bidVolume4),
      esLevel(m.bidPrice5, m.bidVolume5),
      esLevel(m.bidPrice6, m.bidVolume6),
      esLevel(m.bidPrice7, m.bidVolume7),
      esLevel(m.bidPrice8, m.bidVolume8),
      esLevel(m.bidPrice9, m.bidVolume9),
      esLevel(m.bidPrice10, m.bidVolume10),
    ],
    asks: [
      esLevel(m.askPrice1, m.askVolume1),
      esLevel(m.askPrice2, m.askVolume2),
      esLevel(m.askPrice3, m.askVolume3),
      esLevel(m.askPrice4, m.askVolume4),
      esLevel(m.askPrice5, m.askVolume5),
      esLevel(m.askPrice6, m.askVolume6),
      esLevel(m.askPrice7, m.askVolume7),
      esLevel(m.askPrice8, m.askVolume8),
      esLevel(m.askPrice9, m.askVolume9),
      esLevel(m.askPrice10, m.askVolume10),
    ],
    bidFlag: bookFlag(m.bidFlag),
    askFlag: bookFlag(m.askFlag),
  };
}

function long(v: unknown): number {
  return typeof v === "number" ? v : (v as Long).toNumber();
}

function pbPrice(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const m = v as PbjsMoney;
  return moneyToNumber(long(m.units), m.nanos);
}

function pbLevel(price: unknown, size: unknown): BookLevel {
  return { price: pbPrice(price), size: long(size) };
}

/**
 * protobufjs: `decode` and a `quote` event.
 * @param type From {@link loadProtobufjsBidOffer}. @param bytes Payload.
 * @param meta Receive-side fields.
 * @returns The quote.
 */
export function pbQuote(type: PbjsType, bytes: Uint8Array, meta: Stamp): QuoteEvent {
  const m = type.decode(bytes);
  return {
    type: "quote",
    source: meta.source,
    symbol: m.symbol,
    seq: meta.seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    bid: pbPrice(m.bidPrice1),
    ask: pbPrice(m.askPrice1),
    bidSize: long(m.bidVolume1),
    askSize: long(m.askVolume1),
    bidFlag: bookFlag(m.bidFlag),
    askFlag: bookFlag(m.askFlag),
  };
}

/**
 * protobufjs: `decode` and a `book` event (ten levels per side).
 * @param type From {@link loadProtobufjsBidOffer}. @param bytes Payload.
 * @param meta Receive-side fields.
 * @returns The book.
 */
export function pbBook(type: PbjsType, bytes: Uint8Array, meta: Stamp): BookEvent {
  const m = type.decode(bytes);
  return {
    type: "book",
    source: meta.source,
    symbol: m.symbol,
    seq: meta.seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    bids: [
      pbLevel(m.bidPrice1, m.bidVolume1),
      pbLevel(m.bidPrice2, m.bidVolume2),
      pbLevel(m.bidPrice3, m.bidVolume3),
      pbLevel(m.bidPrice4, m.bidVolume4),
      pbLevel(m.bidPrice5, m.bidVolume5),
      pbLevel(m.bidPrice6, m.bidVolume6),
      pbLevel(m.bidPrice7, m.bidVolume7),
      pbLevel(m.bidPrice8, m.bidVolume8),
      pbLevel(m.bidPrice9, m.bidVolume9),
      pbLevel(m.bidPrice10, m.bidVolume10),
    ],
    asks: [
      pbLevel(m.askPrice1, m.askVolume1),
      pbLevel(m.askPrice2, m.askVolume2),
      pbLevel(m.askPrice3, m.askVolume3),
      pbLevel(m.askPrice4, m.askVolume4),
      pbLevel(m.askPrice5, m.askVolume5),
      pbLevel(m.askPrice6, m.askVolume6),
      pbLevel(m.askPrice7, m.askVolume7),
      pbLevel(m.askPrice8, m.askVolume8),
      pbLevel(m.askPrice9, m.askVolume9),
      pbLevel(m.askPrice10, m.askVolume10),
    ],
    bidFlag: bookFlag(m.bidFlag),
    askFlag: bookFlag(m.askFlag),
  };
}
