import { describe, expect, it } from "vitest";
import { decodeBar } from "../../connectors/settrade/decode/candlestick.ts";
import {
  decodeDerivMarket,
  decodeEquityMarket,
} from "../../connectors/settrade/decode/exchange-info.ts";
import { decodeInfo } from "../../connectors/settrade/decode/info.ts";
import { type DecodeError, isDecodeError } from "../../src/errors.ts";
import { validateEvent } from "../../src/schemas.ts";
import {
  candlestickBytes,
  derivMarketBytes,
  equityMarketBytes,
  infoBytes,
  META,
} from "./_fixtures.ts";
import { rawMoney, RawProto } from "./_raw-proto.ts";

function failure(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    if (isDecodeError(e)) return e;
    throw e;
  }
  throw new Error("expected a DecodeError, but the payload decoded");
}

describe("decodeInfo", () => {
  it("decodes an instrument summary with exact prices and a negative change", () => {
    const ev = decodeInfo(
      infoBytes({
        symbol: "PTT",
        last: "34.25",
        high: "34.75",
        low: "33.50",
        change: "-0.75",
        totalVolume: 12_345_600,
        totalValue: "5432109876.12",
        marketStatus: 0,
      }),
      META,
    );
    expect(ev).toEqual({
      type: "info",
      source: "settrade",
      symbol: "PTT",
      seq: 1,
      recvTs: META.recvTs,
      recvMono: META.recvMono,
      epoch: 0,
      last: 34.25,
      high: 34.75,
      low: 33.5,
      change: -0.75,
      totalVolume: 12_345_600,
      totalValue: 5432109876.12,
      marketStatus: { code: 0, name: "unspecified" },
    });
    expect(validateEvent(ev)).toEqual([]);
  });

  it("keeps an unknown market status as its number", () => {
    const ev = decodeInfo(infoBytes({ symbol: "PTT", marketStatus: 42 }), META);
    expect(ev.marketStatus).toEqual({ code: 42, name: "code-42" });
  });

  it("sets the projected open only when the pre-open call sends one", () => {
    const pre = decodeInfo(
      infoBytes({ symbol: "PTT", projectedOpenPrice: "34.5", projectedOpenVolume: 250_000 }),
      META,
    );
    expect(pre.projectedOpenPrice).toBe(34.5);
    expect(pre.projectedOpenVolume).toBe(250_000);
    expect(validateEvent(pre)).toEqual([]);
    const open = decodeInfo(infoBytes({ symbol: "PTT", last: "34.5" }), META);
    expect("projectedOpenPrice" in open).toBe(false);
    expect("projectedOpenVolume" in open).toBe(false);
  });

  it("reads absent prices and volumes as 0 and upper-cases the symbol", () => {
    const ev = decodeInfo(infoBytes({ symbol: "ptt" }), META);
    expect(ev).toMatchObject({ symbol: "PTT", last: 0, change: 0, totalVolume: 0, totalValue: 0 });
  });

  it("rejects volumes above 2^53 - 1, negative volumes and an empty symbol", () => {
    expect(failure(() => decodeInfo(infoBytes({ symbol: "PTT", totalVolume: 2n ** 53n }), META)))
      .toMatchObject({ code: "overflow" });
    expect(failure(() => decodeInfo(infoBytes({ symbol: "PTT", totalVolume: -1n }), META)))
      .toMatchObject({ code: "range" });
    expect(failure(() => decodeInfo(infoBytes({ symbol: "" }), META)).code).toBe("empty-symbol");
    const hugeUnits = new RawProto().string(1, "PTT").bytes(4, rawMoney(2n ** 62n, 0)).finish();
    expect(failure(() => decodeInfo(hugeUnits, META)).code).toBe("overflow");
  });

  it("wraps fromBinary failures as malformed", () => {
    const bytes = infoBytes({ symbol: "PTT", last: "34.25" });
    const err = failure(() => decodeInfo(bytes.subarray(0, bytes.length - 1), META));
    expect(err.code).toBe("malformed");
    expect(err.message).toMatch(/^\[settrade\] malformed InfoV3 payload: /);
    expect(err.cause).toBeDefined();
  });
});

describe("decodeBar", () => {
  const bar = {
    symbol: "PTT",
    interval: "5m",
    timeMs: 1_700_000_100_000,
    open: "34.25",
    high: "34.75",
    low: "34",
    close: "34.5",
    volume: 1_250_000,
    value: "43062500.5",
    lastSequence: 987,
  };

  it("decodes a candlestick with its opening time in epoch milliseconds", () => {
    const ev = decodeBar(candlestickBytes(bar), META, 9);
    expect(ev).toEqual({
      type: "bar",
      source: "settrade",
      symbol: "PTT",
      seq: 9,
      recvTs: META.recvTs,
      recvMono: META.recvMono,
      epoch: 0,
      interval: "5m",
      openTs: 1_700_000_100_000,
      open: 34.25,
      high: 34.75,
      low: 34,
      close: 34.5,
      volume: 1_250_000,
      value: 43062500.5,
      sequence: 987,
    });
    expect(validateEvent(ev)).toEqual([]);
  });

  it("keeps sub-second opening times", () => {
    expect(decodeBar(candlestickBytes({ ...bar, timeMs: 1_700_000_000_250 }), META).openTs)
      .toBe(1_700_000_000_250);
  });

  it("rejects a bar without time, interval or symbol, and an overflowing volume", () => {
    expect(failure(() => decodeBar(candlestickBytes({ ...bar, timeMs: undefined }), META)).code)
      .toBe("missing-time");
    expect(failure(() => decodeBar(candlestickBytes({ ...bar, interval: "" }), META)).code)
      .toBe("empty-interval");
    expect(failure(() => decodeBar(candlestickBytes({ ...bar, symbol: "" }), META)).code)
      .toBe("empty-symbol");
    expect(failure(() => decodeBar(candlestickBytes({ ...bar, volume: 2n ** 60n }), META)).code)
      .toBe("overflow");
    expect(failure(() => decodeBar(candlestickBytes({ ...bar, lastSequence: -2 }), META)).code)
      .toBe("range");
  });
});

describe("decodeEquityMarket and decodeDerivMarket", () => {
  it("decodes SET with its index figures", () => {
    const ev = decodeEquityMarket(
      equityMarketBytes({
        name: "SET",
        marketStatus: 3,
        current: "1402.35",
        high: "1410.2",
        low: "1398.07",
        change: "-5.61",
        percentChange: "-0.4",
        totalIndexVolume: 15_234_567_890,
        totalIndexValue: "5432109876.12",
      }),
      META,
    );
    expect(ev).toEqual({
      type: "market",
      source: "settrade",
      symbol: "SET",
      seq: 1,
      recvTs: META.recvTs,
      recvMono: META.recvMono,
      epoch: 0,
      market: "SET",
      status: { code: 3, name: "code-3" },
      current: 1402.35,
      high: 1410.2,
      low: 1398.07,
      change: -5.61,
      percentChange: -0.4,
      totalVolume: 15_234_567_890,
      totalValue: 5432109876.12,
    });
    expect(validateEvent(ev)).toEqual([]);
  });

  it("upper-cases the symbol of mai but keeps the market as spelled", () => {
    const ev = decodeEquityMarket(equityMarketBytes({ name: "mai" }), META);
    expect(ev.symbol).toBe("MAI");
    expect(ev.market).toBe("mai");
    expect(ev.status).toEqual({ code: 0, name: "unspecified" });
  });

  it("decodes TFEX with volume, deals and open interest", () => {
    const ev = decodeDerivMarket(
      derivMarketBytes({
        name: "TFEX",
        marketStatus: 17,
        totalVolume: 250_000,
        totalDeal: 41_000,
        openInterest: 1_200_000,
      }),
      META,
    );
    expect(ev).toEqual({
      type: "market",
      source: "settrade",
      symbol: "TFEX",
      seq: 1,
      recvTs: META.recvTs,
      recvMono: META.recvMono,
      epoch: 0,
      market: "TFEX",
      status: { code: 17, name: "code-17" },
      totalVolume: 250_000,
      totalDeal: 41_000,
      openInterest: 1_200_000,
    });
    expect(validateEvent(ev)).toEqual([]);
  });

  it("rejects an absent market_info, an empty name and a negative open interest", () => {
    expect(failure(() => decodeEquityMarket(new Uint8Array(0), META)).code).toBe("empty-symbol");
    expect(failure(() => decodeDerivMarket(new Uint8Array(0), META)).code).toBe("empty-symbol");
    expect(failure(() => decodeEquityMarket(equityMarketBytes({ name: "" }), META)).code)
      .toBe("empty-symbol");
    expect(
      failure(() => decodeDerivMarket(derivMarketBytes({ name: "TFEX", openInterest: -3 }), META))
        .code,
    )
      .toBe("range");
    expect(failure(() => decodeDerivMarket(Uint8Array.from([0x0a, 4, 0x0a]), META)).code)
      .toBe("malformed");
  });
});
