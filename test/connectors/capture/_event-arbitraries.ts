/**
 * fast-check arbitraries of valid market events of every type, as a capture
 * holds them: every required field, any subset of the optional ones, values at
 * the edges of each rule (0, MAX_SAFE_INTEGER, fractions, non-ASCII text).
 *
 * @module
 */

import fc from "fast-check";
import type { MarketEvent } from "../../../src/events.ts";

const plain = { noNullPrototype: true } as const;

/** Finite doubles (what `finite` accepts), with the edges often. */
export const finite: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 4) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, Number.MAX_VALUE, -Number.MIN_VALUE, 1_767_582_000_000.25),
  },
);
/** Sizes: finite, 0 to MAX_SAFE_INTEGER, fractions allowed. */
export const size: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: 0, max: Number.MAX_SAFE_INTEGER, noNaN: true }),
  fc.constantFrom(0, 100, 0.5, Number.MAX_SAFE_INTEGER),
);
/** Counts: integers from 0. */
export const count: fc.Arbitrary<number> = fc.oneof(
  fc.nat(),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 2 ** 60),
);
/** Any well-formed text, non-ASCII included. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9.&-]{0,12}$/),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.constantFrom("ปตท", "😀.€", "a\nb", 'q"uote\\', "\u2028"),
);
/** Symbols: non-empty and equal to their upper case. */
export const symbol: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Z0-9.&-]{1,12}$/),
  fc.constantFrom("ปตท", "É", "ÅB-R", "BRK.B", "1"),
);
const flag = fc.constantFrom("normal", "ato", "atc", "undefined");
const level = fc.record({ price: finite, size }, plain);
const code = fc.record({ code: fc.integer(), name: text }, plain);

const base = {
  source: text.filter((s) => s !== ""),
  symbol,
  seq: count,
  recvTs: finite,
  recvMono: finite,
  epoch: count,
  exchTs: finite,
  origin: text,
  via: fc.constantFrom("poll", "backfill"),
  streamSeq: count,
};
const baseRequired = ["type", "source", "symbol", "seq", "recvTs", "recvMono", "epoch"];

function record<T>(
  fields: { [K in keyof T]: fc.Arbitrary<T[K]> },
  required: readonly string[],
): fc.Arbitrary<MarketEvent> {
  return fc.record(fields as never, {
    ...plain,
    requiredKeys: [...baseRequired, ...required] as never,
  }) as unknown as fc.Arbitrary<MarketEvent>;
}

/** A valid market event of any type. */
export const marketEvent: fc.Arbitrary<MarketEvent> = fc.oneof(
  record({
    type: fc.constant("quote"),
    ...base,
    bid: finite,
    ask: finite,
    bidSize: size,
    askSize: size,
    bidFlag: flag,
    askFlag: flag,
  }, ["bid", "ask", "bidSize", "askSize", "bidFlag", "askFlag"]),
  record({
    type: fc.constant("book"),
    ...base,
    bids: fc.array(level, { maxLength: 10 }),
    asks: fc.array(level, { maxLength: 10 }),
    bidFlag: flag,
    askFlag: flag,
  }, ["bids", "asks", "bidFlag", "askFlag"]),
  record({
    type: fc.constant("trade"),
    ...base,
    price: finite,
    size,
    side: fc.constantFrom("buy", "sell", "unknown"),
    tradeId: text,
  }, ["price", "size", "side"]),
  record({
    type: fc.constant("bar"),
    ...base,
    interval: text.filter((s) => s !== ""),
    openTs: finite,
    open: finite,
    high: finite,
    low: finite,
    close: finite,
    volume: size,
    value: finite,
    sequence: count,
  }, ["interval", "openTs", "open", "high", "low", "close", "volume", "sequence"]),
  record({
    type: fc.constant("info"),
    ...base,
    last: finite,
    high: finite,
    low: finite,
    change: finite,
    totalVolume: size,
    totalValue: finite,
    projectedOpenPrice: finite,
    projectedOpenVolume: size,
    marketStatus: code,
  }, ["last", "high", "low", "change", "totalVolume", "totalValue", "marketStatus"]),
  record({
    type: fc.constant("market"),
    ...base,
    market: text.filter((s) => s !== ""),
    status: code,
    current: finite,
    high: finite,
    low: finite,
    change: finite,
    percentChange: finite,
    totalVolume: size,
    totalValue: finite,
    totalDeal: size,
    openInterest: size,
  }, ["market", "status"]),
);

/** A value as a capture line gives it back: through JSON text (-0 becomes 0). */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
