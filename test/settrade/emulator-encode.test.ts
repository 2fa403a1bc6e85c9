import { fromBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moneyToNumber } from "../../connectors/settrade/decode/money.ts";
import { BarAggregator, bucketStart } from "../../connectors/settrade/emulator/_bars.ts";
import { encodeBidOffer, toMoney } from "../../connectors/settrade/emulator/_encode.ts";
import type { BarEvent, BookEvent } from "../../src/events.ts";
import { BidOfferV3Schema } from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";

const base = { source: "synthetic", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 } as const;

describe("settrade emulator: encoding", () => {
  it("writes prices as Money that decodes to the same number, nanos signed like units", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }), (satang) => {
        const value = satang / 100;
        const m = toMoney(value);
        expect(moneyToNumber(Number(m.units), m.nanos)).toBe(value);
        expect(m.nanos === 0 || Math.sign(m.nanos) === Math.sign(value)).toBe(true);
        expect(Math.abs(m.nanos)).toBeLessThan(1_000_000_000);
      }),
      { numRuns: 500 },
    );
    expect(toMoney(-1.75)).toMatchObject({ units: -1n, nanos: -750_000_000 });
    expect(toMoney(0.01)).toMatchObject({ units: 0n, nanos: 10_000_000 });
  });

  it("leaves auction prices of 0 out of the book and keeps the flags and volumes", () => {
    const level = (size: number) => ({ price: 0, size });
    const ev: BookEvent = {
      ...base,
      type: "book",
      symbol: "PTT",
      bids: [level(500), ...Array.from({ length: 9 }, () => level(0))],
      asks: [level(300), ...Array.from({ length: 9 }, () => level(0))],
      bidFlag: "ato",
      askFlag: "ato",
    };
    const m = fromBinary(BidOfferV3Schema, encodeBidOffer(ev));
    expect(m).toMatchObject({
      symbol: "PTT",
      bidFlag: 2,
      askFlag: 2,
      bidVolume1: 500n,
      askVolume1: 300n,
    });
    expect(m.bidPrice1).toBeUndefined();
  });
});

describe("settrade emulator: longer candlesticks", () => {
  const bar = (
    openTs: number,
    o: number,
    h: number,
    l: number,
    c: number,
    volume: number,
  ): BarEvent => ({
    ...base,
    type: "bar",
    symbol: "PTT",
    interval: "1m",
    openTs,
    open: o,
    high: h,
    low: l,
    close: c,
    volume,
    value: volume * c,
    sequence: 1,
  });

  it("folds one-minute updates into the open bar of a longer interval", () => {
    const t = Date.UTC(2026, 0, 5, 3, 0, 0);
    const agg = new BarAggregator();
    agg.update(bar(t, 10, 10.5, 10, 10.2, 100), "5m");
    agg.update(bar(t, 10, 11, 9.8, 10.4, 300), "5m"); // same minute, updated
    const out = agg.update(bar(t + 60_000, 10.4, 10.6, 10.3, 10.5, 200), "5m");
    expect(out).toMatchObject({
      interval: "5m",
      openTs: t,
      open: 10,
      high: 11,
      low: 9.8,
      close: 10.5,
      volume: 500,
    });
    const next = agg.update(bar(t + 300_000, 10.5, 10.5, 10.5, 10.5, 100), "5m");
    expect(next).toMatchObject({ openTs: t + 300_000, open: 10.5, volume: 100 });
  });

  it("starts days at midnight in Bangkok", () => {
    const tenAm = Date.UTC(2026, 0, 5, 3, 0, 0);
    expect(bucketStart(tenAm, "1d")).toBe(Date.UTC(2026, 0, 4, 17, 0, 0));
  });
});
