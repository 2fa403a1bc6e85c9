import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { BookEvent, MarketEvent, QuoteEvent } from "../../src/events.ts";
import { tickSize } from "../../connectors/synthetic/mod.ts";
import { allChannels, ofType, onLadder, startManual } from "./_synthetic-helpers.ts";

const BANDS: readonly [number, number][] = [
  [2, 0.01],
  [5, 0.02],
  [10, 0.05],
  [25, 0.1],
  [100, 0.25],
  [200, 0.5],
  [400, 1],
];

/** The tick for a price, straight from the SET table. */
function expectedTick(price: number): number {
  for (const [upper, tick] of BANDS) if (price < upper) return tick;
  return 2;
}

/** Problems with one book: levels, ladder, lots, spacing. */
function bookProblems(ev: BookEvent): string[] {
  const problems: string[] = [];
  if (ev.bids.length !== 10 || ev.asks.length !== 10) problems.push("not 10 levels");
  const normal = ev.bidFlag === "normal";
  for (const [side, levels] of [["bid", ev.bids], ["ask", ev.asks]] as const) {
    for (const [i, level] of levels.entries()) {
      if (level.size % 100 !== 0) problems.push(`${side} ${i} size ${level.size} not in lots`);
      if (!normal) continue;
      if (!onLadder(level.price)) problems.push(`${side} ${i} price ${level.price} off the ladder`);
      if (level.size <= 0) problems.push(`${side} ${i} empty`);
      if (i === 0) continue;
      const prev = levels[i - 1]!.price;
      const step = side === "bid" ? prev - level.price : level.price - prev;
      const tick = tickSize(side === "bid" ? level.price : prev);
      if (Math.abs(step - tick) > 1e-9) problems.push(`${side} ${i} is not one tick from ${prev}`);
    }
  }
  if (normal && !(ev.bids[0]!.price < ev.asks[0]!.price)) problems.push("crossed book");
  return problems;
}

describe("synthetic connector: SET tick ladder", () => {
  it("gives the SET tick for each band, the higher band's at a boundary", () => {
    expect([1.99, 2, 4.98, 5, 9.95, 10, 24.9, 25, 99.75, 100, 199.5, 200, 399, 400, 1000])
      .toEqual([1.99, 2, 4.98, 5, 9.95, 10, 24.9, 25, 99.75, 100, 199.5, 200, 399, 400, 1000]);
    expect(
      [1.99, 2, 4.98, 5, 9.95, 10, 24.9, 25, 99.75, 100, 199.5, 200, 399, 400, 1000].map(tickSize),
    )
      .toEqual([0.01, 0.02, 0.02, 0.05, 0.05, 0.1, 0.1, 0.25, 0.25, 0.5, 0.5, 1, 1, 2, 2]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5_000, noNaN: true }), (p) => {
        expect(tickSize(p)).toBe(expectedTick(p));
      }),
    );
  });

  it("rejects a negative or non-finite price", () => {
    expect(() => tickSize(-0.01)).toThrow(RangeError);
    expect(() => tickSize(Number.NaN)).toThrow(RangeError);
    expect(() => tickSize(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("keeps every quote, book and trade price on the ladder, with bid below ask", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.stringMatching(/^[A-Z]{2,6}$/),
        (seed, symbol) => {
          const run = startManual({ seed, rate: 400 }, allChannels([symbol]));
          run.advance(2_000);
          const events = run.rec.events;
          expect(events.length).toBeGreaterThan(100);
          let touch: QuoteEvent | undefined;
          for (const ev of events) {
            if (ev.type === "quote") {
              expect(onLadder(ev.bid) && onLadder(ev.ask), `${ev.bid}/${ev.ask}`).toBe(true);
              expect(ev.bid).toBeLessThan(ev.ask);
              expect(ev.bidSize % 100 === 0 && ev.askSize % 100 === 0).toBe(true);
              touch = ev;
            } else if (ev.type === "book") {
              expect(bookProblems(ev)).toEqual([]);
            } else if (ev.type === "trade") {
              expect(onLadder(ev.price), `${ev.price}`).toBe(true);
              expect(ev.size % 100).toBe(0);
              if (touch !== undefined) {
                expect(ev.price).toBe(ev.side === "buy" ? touch.ask : touch.bid);
              }
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("starts instruments at prices spread over the bands from 1.50 to 400 THB", () => {
    const symbols = Array.from({ length: 60 }, (_, i) => `S${i}`);
    const run = startManual(
      { seed: 3, rate: 100 },
      symbols.map((symbol) => ({ channel: "quote", symbol })),
    );
    run.advance(4_000);
    const first = new Map<string, number>();
    for (const q of ofType(run.rec.events, "quote")) {
      if (!first.has(q.symbol)) first.set(q.symbol, q.bid);
    }
    expect(first.size).toBe(60);
    const bands = new Set([...first.values()].map(tickSize));
    expect(bands.size).toBeGreaterThanOrEqual(6);
    for (const bid of first.values()) {
      expect(bid).toBeGreaterThanOrEqual(1.05);
      expect(bid).toBeLessThanOrEqual(520);
    }
  });
});

describe("synthetic connector: trades, bars and info", () => {
  let events: MarketEvent[] = [];
  beforeAll(() => {
    const run = startManual({ seed: 21, rate: 500 }, allChannels(["PTT", "AOT"]));
    run.advance(10_000);
    events = run.rec.events;
  });

  it("prints trades at the touch with a side and a unique, deterministic id", () => {
    const trades = ofType(events, "trade");
    expect(trades.length).toBeGreaterThan(100);
    expect(trades.every((t) => t.side === "buy" || t.side === "sell")).toBe(true);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
    expect(trades.filter((t) => t.symbol === "PTT")[0]!.tradeId).toBe("PTT-1");
  });

  it("sends the open 1-minute bar after each trade, aggregating the minute's trades", () => {
    for (const symbol of ["PTT", "AOT"]) {
      const mine = events.filter((ev) =>
        ev.symbol === symbol && (ev.type === "trade" || ev.type === "bar")
      );
      let agg: {
        openTs: number;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
      } | undefined;
      let sequence = 0;
      let pending = 0;
      const openTsSeen = new Set<number>();
      for (const ev of mine) {
        if (ev.type === "trade") {
          const openTs = ev.exchTs! - (ev.exchTs! % 60_000);
          if (agg === undefined || agg.openTs !== openTs) {
            agg = {
              openTs,
              open: ev.price,
              high: ev.price,
              low: ev.price,
              close: ev.price,
              volume: 0,
            };
          }
          agg.high = Math.max(agg.high, ev.price);
          agg.low = Math.min(agg.low, ev.price);
          agg.close = ev.price;
          agg.volume += ev.size;
          pending++;
          continue;
        }
        if (ev.type !== "bar") continue;
        expect(pending).toBe(1);
        pending = 0;
        expect(ev).toMatchObject({ interval: "1m", sequence: ++sequence, ...agg });
        openTsSeen.add(ev.openTs);
      }
      expect(openTsSeen.size).toBeGreaterThan(2);
    }
  });

  it("follows last, high, low, volume and the change from a fixed prior close in info", () => {
    const last = new Map<string, { price: number; volume: number; high: number; low: number }>();
    let prevClose: number | undefined;
    for (const ev of events) {
      if (ev.symbol !== "PTT") continue;
      if (ev.type === "trade") {
        const s = last.get("PTT") ?? { price: 0, volume: 0, high: ev.price, low: ev.price };
        last.set("PTT", {
          price: ev.price,
          volume: s.volume + ev.size,
          high: Math.max(s.high, ev.price),
          low: Math.min(s.low, ev.price),
        });
      } else if (ev.type === "info") {
        const s = last.get("PTT")!;
        expect(ev).toMatchObject({
          last: s.price,
          totalVolume: s.volume,
          high: s.high,
          low: s.low,
        });
        expect(ev.marketStatus).toEqual({ code: 2, name: "open" });
        const close = Math.round((ev.last - ev.change) * 100) / 100;
        prevClose ??= close;
        expect(close).toBe(prevClose);
        expect(ev.totalValue).toBeGreaterThan(0);
      }
    }
    expect(prevClose).toBeDefined();
  });

  it("reports the SET market with an index level and the open status", () => {
    const markets = ofType(events, "market");
    expect(markets.length).toBeGreaterThan(100);
    for (const m of markets) {
      expect(m).toMatchObject({ symbol: "SET", market: "SET", status: { code: 2, name: "open" } });
      expect(m.low! <= m.current! && m.current! <= m.high!).toBe(true);
    }
  });
});

describe("synthetic connector: ATO and ATC", () => {
  const phases = [
    { at: 0, phase: "ato" },
    { at: 300, phase: "normal" },
    { at: 600, phase: "atc" },
  ] as const;
  let events: MarketEvent[] = [];
  /** Events certainly inside each phase (a step emits at most 5 events). */
  let ato: MarketEvent[] = [];
  let normal: MarketEvent[] = [];
  let atc: MarketEvent[] = [];
  beforeAll(() => {
    const run = startManual(
      { seed: 8, rate: 500, phases, limit: 900 },
      allChannels(["KBANK", "SCB"]),
    );
    run.advance(10_000);
    events = run.rec.events;
    ato = events.slice(0, 300);
    normal = events.slice(305, 600);
    atc = events.slice(605);
  });

  it("flags quotes and books ato/atc with prices 0 and prints no trades during the auctions", () => {
    expect(events).toHaveLength(900);
    for (const [flag, slice] of [["ato", ato], ["atc", atc]] as const) {
      expect(ofType(slice, "trade")).toEqual([]);
      expect(ofType(slice, "bar")).toEqual([]);
      const quotes = ofType(slice, "quote");
      expect(quotes.length).toBeGreaterThan(10);
      for (const q of quotes) {
        expect(q).toMatchObject({ bid: 0, ask: 0, bidFlag: flag, askFlag: flag });
      }
      for (const b of ofType(slice, "book")) {
        expect(b).toMatchObject({ bidFlag: flag, askFlag: flag });
        expect([...b.bids, ...b.asks].every((l) => l.price === 0)).toBe(true);
        expect(bookProblems(b)).toEqual([]);
      }
    }
  });

  it("carries the session status and the projected open in info during the auctions", () => {
    for (
      const [status, slice] of [["pre-open", ato], ["open", normal], ["pre-close", atc]] as const
    ) {
      const infos = ofType(slice, "info");
      expect(infos.length).toBeGreaterThan(0);
      for (const info of infos) {
        expect(info.marketStatus.name).toBe(status);
        if (status === "open") expect(info.projectedOpenPrice).toBeUndefined();
        else expect(onLadder(info.projectedOpenPrice!)).toBe(true);
      }
      for (const m of ofType(slice, "market")) expect(m.status.name).toBe(status);
    }
  });

  it("opens with an auction trade at the projected price, then trades at the touch", () => {
    const trades = ofType(events.slice(0, 600), "trade");
    const lastProjected = ofType(ato, "info").filter((i) => i.symbol === "KBANK").at(-1)!;
    const opening = trades.find((t) => t.symbol === "KBANK")!;
    expect(opening).toMatchObject({ side: "unknown", price: lastProjected.projectedOpenPrice });
    expect(trades.filter((t) => t.side === "unknown")).toHaveLength(2);
    for (const q of ofType(normal, "quote")) expect(q.bidFlag).toBe("normal");
  });
});
