import { describe, expect, it } from "vitest";
import { BidOfferDecoder, bookFlag } from "../../connectors/settrade/decode/bid-offer.ts";
import { type DecodeError, isDecodeError } from "../../src/errors.ts";
import { validateEvent } from "../../src/schemas.ts";
import { bidOfferBytes, FLAG, META, realisticBook } from "./_fixtures.ts";
import { rawMoney, RawProto, varint, WT } from "./_raw-proto.ts";

function decodeFailure(bytes: Uint8Array): DecodeError {
  try {
    new BidOfferDecoder().parse(bytes);
  } catch (e) {
    if (isDecodeError(e)) return e;
    throw e;
  }
  throw new Error("expected a DecodeError, but the payload decoded");
}

/** symbol "PTT": 5 bytes. */
const SYMBOL = new RawProto().string(1, "PTT");

describe("BidOfferDecoder", () => {
  it("decodes a realistic ten-level book into a quote and a book", () => {
    const decoder = new BidOfferDecoder();
    decoder.parse(bidOfferBytes(realisticBook("PTT", 34.25, { seed: 7 })));
    const quote = decoder.toQuote(META);
    const book = decoder.toBook(META, 2);
    expect(quote).toMatchObject({
      type: "quote",
      source: "settrade",
      symbol: "PTT",
      seq: 1,
      bid: 34.25,
      ask: 34.5,
      bidFlag: "normal",
      askFlag: "normal",
    });
    expect(book.seq).toBe(2);
    expect(book.bids.map((l) => l.price)).toEqual([
      34.25,
      34,
      33.75,
      33.5,
      33.25,
      33,
      32.75,
      32.5,
      32.25,
      32,
    ]);
    expect(book.asks[0]).toEqual({ price: 34.5, size: quote.askSize });
    expect(book.asks).toHaveLength(10);
    expect(validateEvent(quote)).toEqual([]);
    expect(validateEvent(book)).toEqual([]);
  });

  it("keeps two-decimal prices exact", () => {
    const decoder = new BidOfferDecoder();
    decoder.parse(bidOfferBytes({
      symbol: "AAA",
      bids: [{ price: "0.01", size: 100 }, { price: "0.03", size: 100 }],
      asks: [{ price: "1.14", size: 100 }],
    }));
    const book = decoder.toBook(META);
    expect(book.bids[0].price).toBe(0.01);
    expect(book.bids[1].price).toBe(0.03);
    expect(book.asks[0].price).toBe(1.14);
  });

  it("reports ATO and ATC books with zero prices and their flags", () => {
    const decoder = new BidOfferDecoder();
    for (const [flag, name] of [[FLAG.ATO, "ato"], [FLAG.ATC, "atc"]] as const) {
      decoder.parse(bidOfferBytes(realisticBook("KBANK", 150, { flag })));
      const quote = decoder.toQuote(META);
      expect(quote.bid).toBe(0);
      expect(quote.ask).toBe(0);
      expect(quote.bidSize).toBeGreaterThan(0);
      expect(quote.bidFlag).toBe(name);
      expect(quote.askFlag).toBe(name);
      expect(decoder.toBook(META).bids.every((l) => l.price === 0)).toBe(true);
    }
  });

  it("fills missing levels with zeros, ten per side", () => {
    const decoder = new BidOfferDecoder();
    decoder.parse(bidOfferBytes({ symbol: "PTT", bids: [{ price: "34", size: 500 }] }));
    const book = decoder.toBook(META);
    expect(book.bids).toHaveLength(10);
    expect(book.asks).toHaveLength(10);
    expect(book.bids[1]).toEqual({ price: 0, size: 0 });
    expect(book.asks[0]).toEqual({ price: 0, size: 0 });
  });

  it("maps flag codes, unknown ones to undefined", () => {
    expect([0, 1, 2, 3, 4, -1].map(bookFlag)).toEqual([
      "undefined",
      "normal",
      "ato",
      "atc",
      "undefined",
      "undefined",
    ]);
  });

  it("reads a 10-byte negative varint (negative units, negative flag)", () => {
    const bytes = new RawProto()
      .string(1, "X")
      .bytes(2, rawMoney(-1n, -750_000_000))
      .varint(22, -1)
      .finish();
    expect(varint(-1)).toHaveLength(10);
    const decoder = new BidOfferDecoder();
    decoder.parse(bytes);
    const quote = decoder.toQuote(META);
    expect(quote.bid).toBe(-1.75);
    expect(quote.bidFlag).toBe("undefined");
  });

  it("lets the last occurrence of a scalar win and merges repeated prices", () => {
    const bytes = new RawProto()
      .varint(12, 100)
      .string(1, "OLD")
      .bytes(2, rawMoney(34n, 500_000_000))
      .varint(12, 200)
      .bytes(2, rawMoney(undefined, 250_000_000))
      .string(1, "NEW")
      .varint(22, 2)
      .varint(22, 1)
      .finish();
    const decoder = new BidOfferDecoder();
    decoder.parse(bytes);
    expect(decoder.toQuote(META)).toMatchObject({
      symbol: "NEW",
      bid: 34.25,
      bidSize: 200,
      bidFlag: "normal",
    });
  });

  it("upper-cases a lower-case symbol", () => {
    const decoder = new BidOfferDecoder();
    decoder.parse(new RawProto().string(1, "ptt-r").finish());
    expect(decoder.toQuote(META).symbol).toBe("PTT-R");
  });

  it("decodes a symbol again when the same buffer is reused for another symbol", () => {
    const decoder = new BidOfferDecoder();
    const bytes = new RawProto().string(1, "AOT").finish();
    decoder.parse(bytes);
    expect(decoder.toQuote(META).symbol).toBe("AOT");
    bytes.set([0x42, 0x42, 0x4c], 2);
    decoder.parse(bytes);
    expect(decoder.toQuote(META).symbol).toBe("BBL");
  });

  it("accepts volumes up to 2^53 - 1 and rejects larger ones with overflow", () => {
    const decoder = new BidOfferDecoder();
    decoder.parse(new RawProto().string(1, "PTT").varint(17, 2n ** 53n - 1n).finish());
    expect(decoder.toQuote(META).askSize).toBe(Number.MAX_SAFE_INTEGER);
    const err = decodeFailure(new RawProto().string(1, "PTT").varint(17, 2n ** 53n).finish());
    expect(err.code).toBe("overflow");
    expect(err.offset).toBe(7); // after the symbol (5 bytes) and a 2-byte tag
    expect(decodeFailure(new RawProto().string(1, "PTT").varint(12, 2n ** 63n - 1n).finish()).code)
      .toBe("overflow");
  });

  it("rejects units beyond 2^53 - 1 with overflow", () => {
    const money = rawMoney(2n ** 60n, 0);
    const err = decodeFailure(new RawProto().string(1, "PTT").bytes(7, money).finish());
    expect(err.code).toBe("overflow");
    expect(err.offset).toBe(8);
  });

  it("rejects a negative volume with range", () => {
    const err = decodeFailure(new RawProto().string(1, "PTT").varint(34, -5).finish());
    expect(err.code).toBe("range");
    expect(err.offset).toBe(7);
    expect(err.message).toBe("[settrade] negative volume -5 in field 34 at byte 7");
  });

  it("rejects a missing symbol at the end of the payload", () => {
    const bytes = new RawProto().varint(12, 100).finish();
    const err = decodeFailure(bytes);
    expect(err.code).toBe("empty-symbol");
    expect(err.offset).toBe(bytes.length);
    expect(err.message).toBe(`[settrade] missing symbol at byte ${bytes.length}`);
    expect(decodeFailure(new Uint8Array(0)).offset).toBe(0);
    // The same when the checked loop decides (a fast-loop give-up: a repeated scalar).
    const checked = decodeFailure(new RawProto().varint(12, 1).varint(12, 2).finish());
    expect(checked.message).toBe("[settrade] missing symbol at byte 4");
    expect(checked.offset).toBe(4);
  });

  it("rejects an empty symbol at its field, even after a non-empty one", () => {
    const bytes = new RawProto().string(1, "PTT").varint(12, 1).string(1, "").finish();
    const err = decodeFailure(bytes);
    expect(err.code).toBe("empty-symbol");
    expect(err.offset).toBe(7);
    expect(err.message).toBe("[settrade] empty symbol at byte 7");
  });

  it("rejects a symbol that is not UTF-8", () => {
    const err = decodeFailure(new RawProto().bytes(1, [0x50, 0xff, 0x54]).finish());
    expect(err.code).toBe("utf8");
    expect(err.offset).toBe(2);
  });

  it("rejects a truncated tag, varint and fixed-width value with the offset where each starts", () => {
    const sym = SYMBOL.finish();
    const cat = (...parts: number[][]) => Uint8Array.from([...sym, ...parts.flat()]);
    expect(decodeFailure(cat([0x80]))).toMatchObject({ code: "truncated", offset: 5 });
    expect(decodeFailure(cat([0x60, 0xe8]))).toMatchObject({ code: "truncated", offset: 6 });
    expect(decodeFailure(cat([0x60]))).toMatchObject({ code: "truncated", offset: 6 });
    const fixed64 = [...new RawProto().tag(100, WT.fixed64).finish(), 1, 2, 3];
    expect(decodeFailure(cat(fixed64))).toMatchObject({ code: "truncated", offset: 7 });
    expect(decodeFailure(cat([0xa5, 0x06, 1, 2]))).toMatchObject({ code: "truncated", offset: 7 });
    expect(decodeFailure(Uint8Array.from([0x0a]))).toMatchObject({ code: "truncated", offset: 1 });
  });

  it("rejects a length prefix past the end of the payload or of its price", () => {
    expect(decodeFailure(Uint8Array.from([0x0a, 5, 0x50]))).toMatchObject({
      code: "length",
      offset: 1,
    });
    // bid_price1 of 2 bytes whose inner currency_code claims 5 bytes.
    const bytes = Uint8Array.from([...SYMBOL.finish(), 0x12, 2, 0x0a, 5, 0x41, 0x41, 0x41]);
    expect(decodeFailure(bytes)).toMatchObject({ code: "length", offset: 8 });
    // A varint inside a price that runs past the price's end.
    const crossing = Uint8Array.from([...SYMBOL.finish(), 0x12, 2, 0x10, 0x80, 0x01]);
    expect(decodeFailure(crossing)).toMatchObject({ code: "truncated", offset: 8 });
  });

  it("rejects a varint longer than 10 bytes", () => {
    const bytes = Uint8Array.from([...SYMBOL.finish(), 0x60, ...Array(10).fill(0xff), 0x01]);
    expect(decodeFailure(bytes)).toMatchObject({ code: "varint", offset: 6 });
  });

  it("rejects wire types 6 and 7, and known fields with the wrong wire type", () => {
    expect(decodeFailure(Uint8Array.from([0x0e]))).toMatchObject({ code: "wire-type", offset: 0 });
    expect(decodeFailure(Uint8Array.from([...SYMBOL.finish(), 0x67]))).toMatchObject({
      code: "wire-type",
      offset: 5,
    });
    const volumeAsBytes = new RawProto().string(1, "PTT").bytes(12, [1]).finish();
    expect(decodeFailure(volumeAsBytes)).toMatchObject({ code: "wire-type", offset: 5 });
    const priceAsVarint = new RawProto().string(1, "PTT").varint(2, 1).finish();
    expect(decodeFailure(priceAsVarint)).toMatchObject({ code: "wire-type", offset: 5 });
    const symbolAsVarint = new RawProto().varint(1, 1).finish();
    expect(decodeFailure(symbolAsVarint)).toMatchObject({ code: "wire-type", offset: 0 });
    const unitsAsFixed = new RawProto().string(1, "PTT").bytes(2, new RawProto().fixed32(2, 1))
      .finish();
    expect(decodeFailure(unitsAsFixed)).toMatchObject({ code: "wire-type", offset: 7 });
  });

  it("rejects field number 0", () => {
    expect(decodeFailure(Uint8Array.from([0x00, 0x01]))).toMatchObject({ code: "tag", offset: 0 });
  });

  it("rejects malformed groups: stray end, other field's end, no end, too deep", () => {
    const sym = [...SYMBOL.finish()];
    const stray = new RawProto().raw(sym).tag(100, WT.endGroup);
    expect(decodeFailure(stray.finish())).toMatchObject({ code: "wire-type", offset: 5 });
    const mismatched = new RawProto().raw(sym).tag(100, WT.startGroup).tag(101, WT.endGroup);
    expect(decodeFailure(mismatched.finish())).toMatchObject({ code: "wire-type", offset: 7 });
    const open = new RawProto().raw(sym).tag(100, WT.startGroup).varint(1, 1);
    expect(decodeFailure(open.finish())).toMatchObject({ code: "truncated", offset: 9 });
    const deep = new RawProto().raw(sym);
    for (let i = 0; i < 150; i++) deep.tag(100, WT.startGroup);
    expect(decodeFailure(deep.finish()).code).toBe("depth");
  });

  it("refuses to build events before a successful parse", () => {
    const decoder = new BidOfferDecoder();
    const none = "[settrade] no payload parsed: call parse() and let it succeed first";
    expect(() => decoder.toQuote(META)).toThrow(new TypeError(none));
    decoder.parse(SYMBOL.finish());
    expect(decoder.toQuote(META).symbol).toBe("PTT");
    expect(() => decoder.parse(Uint8Array.from([0x80]))).toThrow(
      expect.objectContaining({ code: "truncated", offset: 0 }),
    );
    expect(() => decoder.toBook(META)).toThrow(new TypeError(none));
    expect(() => decoder.toQuote(META)).toThrow(new TypeError(none));
    decoder.parseQuote(SYMBOL.finish());
    expect(decoder.toQuote(META).symbol).toBe("PTT");
    expect(() => decoder.toBook(META)).toThrow(
      new TypeError("[settrade] only the quote was parsed: call parse() for a book"),
    );
  });

  it("decodes quote and book in one call each", () => {
    const decoder = new BidOfferDecoder();
    const bytes = bidOfferBytes(realisticBook("SCB", 112.5));
    expect(decoder.decodeQuote(bytes, META).bid).toBe(112.5);
    expect(decoder.decodeBook(bytes, META).asks[0].price).toBe(113);
    // Each call parses its own payload.
    const other = bidOfferBytes(realisticBook("PTT", 34.25));
    expect(decoder.decodeBook(other, META).symbol).toBe("PTT");
    expect(decoder.decodeQuote(bytes, META).symbol).toBe("SCB");
  });
});

describe("BidOfferDecoder on a payload inside a larger buffer", () => {
  /** The payload inside a buffer padded with 0xff: 7 bytes on both sides unless told. */
  function embedded(
    payload: Uint8Array,
    before = 7,
    after = 7,
  ): { buf: Uint8Array; start: number; end: number } {
    const buf = new Uint8Array(before + payload.length + after).fill(0xff);
    buf.set(payload, before);
    return { buf, start: before, end: before + payload.length };
  }

  function failure(parse: () => void): string {
    try {
      parse();
    } catch (e) {
      if (isDecodeError(e)) return `${e.code}@${e.offset}: ${e.message}`;
      throw e;
    }
    return "decoded";
  }

  it("decodes the range as it decodes the payload alone, book and quote", () => {
    const payload = bidOfferBytes(realisticBook("PTT", 34.25, { seed: 3 }));
    const { buf, start, end } = embedded(payload);
    const alone = new BidOfferDecoder();
    const inside = new BidOfferDecoder();
    alone.parse(payload);
    inside.parse(buf, start, end);
    expect(inside.toBook(META)).toEqual(alone.toBook(META));
    inside.parseQuote(buf, start, end);
    expect(inside.toQuote(META)).toEqual(alone.toQuote(META));
  });

  it("reports faults with offsets from the payload's first byte", () => {
    const cases = [
      bidOfferBytes(realisticBook("PTT", 34.25, { seed: 3 })).slice(0, 40), // cut short
      new RawProto().varint(12, 5).finish(), // no symbol
      new RawProto().string(1, "").varint(12, 5).finish(), // empty symbol
      new RawProto().bytes(1, [0x41, 0xff]).finish(), // not UTF-8
      new RawProto().string(1, "PTT").varint(17, -5).finish(), // negative volume
    ];
    // Padding on both sides, before only, after only: the checked loop must see the range alone.
    const paddings = [[7, 7], [7, 0], [0, 7]] as const;
    for (const payload of cases) {
      for (const [before, after] of paddings) {
        const { buf, start, end } = embedded(payload, before, after);
        for (const quoteOnly of [false, true]) {
          const alone = failure(() =>
            quoteOnly
              ? new BidOfferDecoder().parseQuote(payload)
              : new BidOfferDecoder().parse(payload)
          );
          expect(alone).not.toBe("decoded");
          const inside = failure(() =>
            quoteOnly
              ? new BidOfferDecoder().parseQuote(buf, start, end)
              : new BidOfferDecoder().parse(buf, start, end)
          );
          expect(inside, `padding ${before}/${after}`).toBe(alone);
        }
      }
    }
  });

  it("refuses a range that is not inside the buffer", () => {
    const d = new BidOfferDecoder();
    expect(() => d.parse(new Uint8Array(4), 2, 5)).toThrow(RangeError);
    expect(() => d.parseQuote(new Uint8Array(4), 3, 2)).toThrow(/\[3, 2\) is not a range/);
    expect(() => d.parse(new Uint8Array(4), -1, 2)).toThrow(
      new RangeError("[settrade] [-1, 2) is not a range of a payload of 4 bytes"),
    );
  });
});

describe("BidOfferDecoder origin", () => {
  it("stamps origin from the meta, so a replayed event has the keys of a live one", () => {
    const payload = bidOfferBytes(realisticBook("PTT", 34.25, { seed: 5 }));
    const d = new BidOfferDecoder();
    d.parse(payload);
    const live = d.toQuote(META);
    const replayed = d.toQuote({ ...META, source: "replay", origin: "settrade" });
    expect(live.origin).toBeUndefined();
    expect(replayed.origin).toBe("settrade");
    expect(Object.keys(replayed)).toEqual(Object.keys(live));
    expect(d.toBook({ ...META, origin: "settrade" }).origin).toBe("settrade");
    expect(validateEvent(live)).toEqual([]);
    expect(validateEvent(replayed)).toEqual([]);
  });
});
