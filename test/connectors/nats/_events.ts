/**
 * Arbitrary events for the NATS codec's property tests: every event type and
 * status kind, any double (edges often), any text.
 */

import fc from "fast-check";
import { type FeedEvent, STATUS_KINDS } from "../../../src/events.ts";

const EDGES = [
  NaN,
  0,
  -0,
  Infinity,
  -Infinity,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 64,
  0.1 + 0.2,
  1e-310,
];
/** Any double, NaN, ±0, ±Infinity, subnormals and the extremes often. */
export const double: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 4) },
);

const wellFormed = (s: string): boolean =>
  new TextDecoder().decode(new TextEncoder().encode(s)) === s;

/** Strings a reader gets back unchanged: plain, any code point, graphemes, long ones. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Z0-9.&-]{0,12}$/) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 8 }).filter(wellFormed) },
  { weight: 1, arbitrary: fc.constantFrom("BRK.B", "A*", "X>Y", "A B", "=", "ปตท", "😀.€", "\0") },
  { weight: 1, arbitrary: fc.string({ minLength: 40, maxLength: 300 }) },
);
/** Also lone surrogates, which TextEncoder writes as U+FFFD. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  text,
  fc.array(fc.constantFrom("a", "\uD800", "\uDC00", "\uD83D\uDE00", "é", "\uFFFF"), {
    maxLength: 6,
  })
    .map((a) => a.join("")),
);

const flag = fc.constantFrom("normal", "ato", "atc", "undefined");
const plain = { noNullPrototype: true } as const;
const level = fc.record({ price: double, size: double }, plain);
const code = fc.record({ code: double, name: text }, plain);

/** A record of `model` with every key required but `optional`. */
function recordBut<T extends Record<string, fc.Arbitrary<unknown>>>(
  model: T,
  ...optional: (keyof T & string)[]
) {
  const requiredKeys = Object.keys(model).filter((k) => !optional.includes(k));
  return fc.record(model, { ...plain, requiredKeys });
}

function market(str: fc.Arbitrary<string>) {
  return fc.record({
    source: str,
    symbol: str.filter((s) => s !== ""),
    seq: double,
    recvTs: double,
    recvMono: double,
    epoch: double,
    exchTs: double,
    origin: str,
    via: fc.constantFrom("poll", "backfill"),
    streamSeq: double,
  }, { ...plain, requiredKeys: ["source", "symbol", "seq", "recvTs", "recvMono", "epoch"] });
}

function bodies(str: fc.Arbitrary<string>) {
  return fc.oneof(
    fc.record({
      type: fc.constant("quote"),
      bid: double,
      ask: double,
      bidSize: double,
      askSize: double,
      bidFlag: flag,
      askFlag: flag,
    }, plain),
    fc.record({
      type: fc.constant("book"),
      bids: fc.array(level, { maxLength: 12 }),
      asks: fc.array(level, { maxLength: 12 }),
      bidFlag: flag,
      askFlag: flag,
    }, plain),
    fc.record({
      type: fc.constant("trade"),
      price: double,
      size: double,
      side: fc.constantFrom("buy", "sell", "unknown"),
      tradeId: str,
    }, { ...plain, requiredKeys: ["type", "price", "size", "side"] }),
    recordBut({
      type: fc.constant("bar"),
      interval: str,
      openTs: double,
      open: double,
      high: double,
      low: double,
      close: double,
      volume: double,
      value: double,
      sequence: double,
    }, "value"),
    recordBut(
      {
        type: fc.constant("info"),
        last: double,
        high: double,
        low: double,
        change: double,
        totalVolume: double,
        totalValue: double,
        projectedOpenPrice: double,
        projectedOpenVolume: double,
        marketStatus: code,
      },
      "projectedOpenPrice",
      "projectedOpenVolume",
    ),
    fc.record({
      type: fc.constant("market"),
      market: str,
      status: code,
      current: double,
      high: double,
      low: double,
      change: double,
      percentChange: double,
      totalVolume: double,
      totalValue: double,
      totalDeal: double,
      openInterest: double,
    }, { ...plain, requiredKeys: ["type", "market", "status"] }),
  );
}

/** A status of any kind; `symbols` on `stale` only (the one kind whose reader keeps it). */
function status(str: fc.Arbitrary<string>) {
  const fields = fc.record({
    source: str,
    recvTs: double,
    recvMono: double,
    epoch: double,
    origin: str,
    reason: str,
    attempt: double,
    delayMs: double,
    code: str,
    mode: str,
    previous: str,
    from: double,
    to: double,
    scope: str,
    ageMs: double,
    quiet: str,
    symbol: str,
    eventType: str,
  }, { ...plain, requiredKeys: ["source", "recvTs", "recvMono", "epoch"] });
  return fc.tuple(fc.constantFrom(...STATUS_KINDS), fields, fc.array(str, { maxLength: 5 })).map((
    [kind, f, symbols],
  ) => ({ type: "status", kind, ...f, ...(kind === "stale" ? { symbols } : {}) }));
}

/** Any event: every market type with any optional fields, and every status kind. */
export function events(str: fc.Arbitrary<string>): fc.Arbitrary<FeedEvent> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(market(str), bodies(str)).map(([m, b]) => ({ ...m, ...b })) },
    { weight: 1, arbitrary: status(str) },
  ) as fc.Arbitrary<FeedEvent>;
}
