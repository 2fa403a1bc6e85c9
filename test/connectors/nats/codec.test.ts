import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPES,
  decodeEvent,
  encodeEvent,
  type WireEncoding,
} from "../../../connectors/nats/mod.ts";
import { type FeedEvent, STATUS_KINDS } from "../../../src/events.ts";
import { isDecodeError } from "../../../src/errors.ts";
import { validateEvent } from "../../../src/schemas.ts";

const stamp = {
  source: "synthetic",
  seq: 7,
  recvTs: 1_733_300_000_123.25,
  recvMono: 51.5,
  epoch: 2,
};
const flags = { bidFlag: "normal", askFlag: "ato" } as const;

/** One event of every market type, with every optional field set somewhere. */
const MARKET: FeedEvent[] = [
  {
    type: "quote",
    ...stamp,
    symbol: "PTT",
    bid: 33.25,
    ask: 33.5,
    bidSize: 100,
    askSize: 0,
    ...flags,
  },
  {
    type: "book",
    ...stamp,
    symbol: "BRK.B",
    exchTs: 1_733_300_000_000,
    bids: [{ price: 10.1, size: 5 }, { price: 0, size: 0 }],
    asks: [],
    bidFlag: "atc",
    askFlag: "undefined",
  },
  {
    type: "trade",
    ...stamp,
    symbol: "AOT",
    price: 60.75,
    size: 300,
    side: "sell",
    tradeId: "T-1",
    via: "backfill",
    streamSeq: 99,
  },
  { type: "trade", ...stamp, symbol: "AOT", price: 61, size: 1, side: "unknown", via: "poll" },
  {
    type: "bar",
    ...stamp,
    symbol: "KBANK",
    interval: "1m",
    openTs: 1_733_299_940_000,
    open: 150,
    high: 151.5,
    low: 149.5,
    close: 151,
    volume: 12_000,
    value: 1_806_000.5,
    sequence: 0,
  },
  {
    type: "info",
    ...stamp,
    symbol: "CPALL",
    origin: "settrade",
    last: 55.25,
    high: 56,
    low: 0,
    change: -0.75,
    totalVolume: 1e7,
    totalValue: 5.5e8,
    projectedOpenPrice: 55,
    projectedOpenVolume: 1000,
    marketStatus: { code: 3, name: "open" },
  },
  {
    type: "market",
    ...stamp,
    symbol: "MAI",
    market: "mai",
    status: { code: 42, name: "code-42" },
    current: 321.12,
    percentChange: -1.5,
    openInterest: 7,
  },
];

const statusBase = {
  type: "status",
  source: "synthetic",
  epoch: 1,
  recvTs: 5,
  recvMono: 6,
} as const;
/** One status of every kind, with its kind's fields. */
const STATUSES: FeedEvent[] = [
  { ...statusBase, kind: "connecting" },
  { ...statusBase, kind: "connected", reason: "up" },
  { ...statusBase, kind: "reconnecting", attempt: 3, delayMs: 1_500.5, code: "E1" },
  { ...statusBase, kind: "disconnected", reason: "closed" },
  { ...statusBase, kind: "mode", mode: "poll", previous: "stream" },
  { ...statusBase, kind: "gap", from: 10, to: 20, reason: "aged out" },
  {
    ...statusBase,
    kind: "stale",
    scope: "symbols",
    symbols: ["A", "B"],
    ageMs: 30_000,
    quiet: "stale",
  },
  { ...statusBase, kind: "stale", scope: "feed", symbols: [], ageMs: 1 },
  { ...statusBase, kind: "recovered", symbol: "PTT" },
  { ...statusBase, kind: "subscribe-error", symbol: "X", reason: "unknown symbol" },
  { ...statusBase, kind: "error", reason: "listener threw", code: "listener", eventType: "quote" },
  { ...statusBase, kind: "end", origin: "settrade" },
];

const ENCODINGS: WireEncoding[] = ["protobuf", "json"];

function roundTrip(ev: FeedEvent, enc: WireEncoding): FeedEvent {
  return decodeEvent(encodeEvent(ev, enc), CONTENT_TYPES[enc]);
}

describe("nats codec", () => {
  it("covers every status kind of the event model", () => {
    expect(new Set(STATUSES.map((s) => s.type === "status" && s.kind))).toEqual(
      new Set(STATUS_KINDS),
    );
  });

  for (const enc of ENCODINGS) {
    it(`round-trips every event type and status kind unchanged (${enc})`, () => {
      for (const ev of [...MARKET, ...STATUSES]) {
        const back = roundTrip(ev, enc);
        expect(back).toStrictEqual(ev);
        expect(validateEvent(back)).toEqual([]);
      }
    });

    it(`keeps every double bit for bit, fractions and extremes included (${enc}, property)`, () => {
      const doubles = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) =>
        enc === "protobuf" || !Object.is(d, -0)
      );
      fc.assert(
        fc.property(doubles, doubles, doubles, doubles, (bid, ask, recvTs, exchTs) => {
          const ev = { ...MARKET[0]!, bid, ask, recvTs, exchTs } as FeedEvent;
          const back = roundTrip(ev, enc) as typeof ev & { bid: number; ask: number };
          expect(Object.is(back.bid, bid)).toBe(true);
          expect(Object.is(back.ask, ask)).toBe(true);
          expect(Object.is(back.recvTs, recvTs)).toBe(true);
          expect(Object.is((back as { exchTs?: number }).exchTs, exchTs)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  }

  it("keeps -0 in protobuf", () => {
    const ev = { ...MARKET[0]!, bid: -0 } as FeedEvent;
    expect(Object.is((roundTrip(ev, "protobuf") as { bid: number }).bid, -0)).toBe(true);
  });

  it("refuses an unknown schema version, naming it", () => {
    const bytes = encodeEvent(MARKET[0]!);
    expect(() => decodeEvent(bytes, "application/x-protobuf; schema=tickwire.v9")).toThrow(
      /unknown schema or encoding "application\/x-protobuf; schema=tickwire.v9"/,
    );
    expect(() => decodeEvent(bytes, undefined)).toThrow(/no Content-Type header/);
  });

  it("refuses bytes that are not an event, with a DecodeError", () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([0xff, 0xff, 0xff]), CONTENT_TYPES.protobuf],
      [new TextEncoder().encode("{not json"), CONTENT_TYPES.json],
      [new Uint8Array(0), CONTENT_TYPES.protobuf],
      [new TextEncoder().encode('{"source":"x","quote":{"bid":1}}'), CONTENT_TYPES.json],
    ];
    for (const [bytes, ct] of cases) {
      let err: unknown;
      try {
        decodeEvent(bytes, ct);
      } catch (e) {
        err = e;
      }
      expect(isDecodeError(err), String(err)).toBe(true);
      expect(String(err)).toMatch(/\[nats\] bad event: /);
    }
  });

  it("names a missing field", () => {
    const bytes = new TextEncoder().encode(
      '{"source":"x","symbol":"PTT","quote":{"bid":1,"ask":2,"bidSize":3,"bidFlag":"BOOK_FLAG_NORMAL","askFlag":"BOOK_FLAG_NORMAL"}}',
    );
    expect(() => decodeEvent(bytes, CONTENT_TYPES.json)).toThrow(/"quote.askSize" is missing/);
  });
});
