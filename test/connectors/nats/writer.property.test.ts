import { fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTENT_TYPES, decodeEvent, encodeEvent } from "../../../connectors/nats/mod.ts";
import { EventSchema } from "../../../connectors/nats/gen/tickwire/v1/events_pb.ts";
import { toMessage } from "../../../connectors/nats/_message.ts";
import { EventWriter } from "../../../connectors/nats/_writer.ts";
import { type FeedEvent, STATUS_KINDS } from "../../../src/events.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";
import { makeQuote } from "../../_helpers/quote.ts";

/** What `@bufbuild/protobuf` writes for the generated message of an event. */
const reference = (ev: FeedEvent): Uint8Array => toBinary(EventSchema, toMessage(ev));

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
const double = fc.oneof(
  { weight: 3, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 4) },
);

const wellFormed = (s: string): boolean =>
  new TextDecoder().decode(new TextEncoder().encode(s)) === s;

/** Strings a reader gets back unchanged: plain, any code point, graphemes, long ones. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Z0-9.&-]{0,12}$/) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 8 }).filter(wellFormed) },
  { weight: 1, arbitrary: fc.constantFrom("BRK.B", "A*", "X>Y", "A B", "=", "ปตท", "😀.€", "\0") },
  { weight: 1, arbitrary: fc.string({ minLength: 40, maxLength: 300 }) },
);
/** Also lone surrogates, which TextEncoder writes as U+FFFD. */
const anyText = fc.oneof(
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
    fc.record({
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
    }, {
      ...plain,
      requiredKeys: [
        "type",
        "interval",
        "openTs",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "sequence",
      ],
    }),
    fc.record({
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
    }, {
      ...plain,
      requiredKeys: [
        "type",
        "last",
        "high",
        "low",
        "change",
        "totalVolume",
        "totalValue",
        "marketStatus",
      ],
    }),
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

function events(str: fc.Arbitrary<string>): fc.Arbitrary<FeedEvent> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(market(str), bodies(str)).map(([m, b]) => ({ ...m, ...b })) },
    { weight: 1, arbitrary: status(str) },
  ) as fc.Arbitrary<FeedEvent>;
}

describe("nats protobuf writer", () => {
  it("writes the bytes of the generated code's toBinary, for every event type and status kind (property)", () => {
    fc.assert(
      fc.property(events(anyText), (ev) => {
        expect(encodeEvent(ev)).toEqual(reference(ev));
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  it("round-trips through the generated schema's decoder to an identical event (property)", () => {
    fc.assert(
      fc.property(events(text), (ev) => {
        const bytes = encodeEvent(ev);
        expect(() => fromBinary(EventSchema, bytes)).not.toThrow();
        expect(decodeEvent(bytes, CONTENT_TYPES.protobuf)).toStrictEqual(ev);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  it("covers every status kind and every body", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(events(text), (ev) => {
        seen.add(ev.type === "status" ? `status:${ev.kind}` : ev.type);
      }),
      { numRuns: 2_000 },
    );
    expect(seen).toEqual(
      new Set([
        ...["quote", "book", "trade", "bar", "info", "market"],
        ...STATUS_KINDS.map((k) => `status:${k}`),
      ]),
    );
  });

  it("writes lengths of two and three bytes and grows its buffer for large events", () => {
    const levels = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ price: 10 + i / 4, size: i * 100 }));
    const ev: FeedEvent = {
      type: "book",
      source: "s".repeat(20_000),
      symbol: "ปตท".repeat(3_000),
      seq: 1,
      recvTs: 2,
      recvMono: 3,
      epoch: 0,
      bids: levels(2_000),
      asks: levels(7),
      bidFlag: "normal",
      askFlag: "atc",
    };
    const bytes = encodeEvent(ev);
    expect(bytes.length).toBeGreaterThan(60_000);
    expect(bytes).toEqual(reference(ev));
    expect(decodeEvent(bytes, CONTENT_TYPES.protobuf)).toStrictEqual(ev);
  });

  it("hands out bytes that a later event does not overwrite", () => {
    const w = new EventWriter();
    const a = makeQuote({ source: "x", recvTs: 1, recvMono: 1, ask: 2, bidSize: 3, askSize: 4 });
    const first = w.encode(a);
    const copy = first.slice();
    w.encode({ ...a, symbol: "AOT", bid: 99 } as FeedEvent);
    expect(first).toEqual(copy);
  });

  it("refuses an unknown flag, side or status kind, naming the field", () => {
    const w = new EventWriter();
    const q = { type: "quote", source: "x", symbol: "P", seq: 1, recvTs: 1, recvMono: 1, epoch: 0 };
    expect(() => w.encode({ ...q, bidFlag: "open", askFlag: "normal" } as never)).toThrow(
      /cannot encode "quote.bidFlag": open/,
    );
    expect(() => w.encode({ ...q, type: "trade", price: 1, size: 1, side: "up" } as never)).toThrow(
      /cannot encode "trade.side": up/,
    );
    expect(() =>
      w.encode(
        { type: "status", kind: "asleep", source: "x", recvTs: 1, recvMono: 1, epoch: 0 } as never,
      )
    ).toThrow(/cannot encode "status.kind": asleep/);
  });
});
