import { fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QUOTE_WALK, walkFast } from "../../connectors/settrade/decode/_fast-walk.ts";
import { BidOfferDecoder } from "../../connectors/settrade/decode/bid-offer.ts";
import { isDecodeError } from "../../src/errors.ts";
import {
  type BidOfferV3,
  BidOfferV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import {
  bidOfferArb,
  damaged,
  damagesArb,
  expectFastLoopCoverage,
  expectSameWalks,
  MAX,
  walkOutputs,
} from "./_bid-offer-arbitraries.ts";
import { META } from "./_fixtures.ts";
import { RawProto } from "./_raw-proto.ts";
import { referenceQuote } from "./_reference.ts";
import { propertyRuns } from "../_helpers/property-runs.ts";

const messageArb: fc.Arbitrary<BidOfferV3> = bidOfferArb(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9&-]{0,11}$/),
);

type Outcome = { ok: true; quote: unknown } | { ok: false; error: string };

/** Parses with `parse` or `parseQuote` and reports the quote or the error's code, offset and message. */
function outcome(d: BidOfferDecoder, bytes: Uint8Array, quoteOnly: boolean): Outcome {
  try {
    if (quoteOnly) d.parseQuote(bytes);
    else d.parse(bytes);
  } catch (e) {
    if (!isDecodeError(e)) throw e;
    return { ok: false, error: `${e.code}@${e.offset}: ${e.message}` };
  }
  return { ok: true, quote: d.toQuote(META) };
}

/** Each payload is rejected with `code` by the quote-only parse, with the full parse's very error. */
function expectSameError(cases: readonly [string, Uint8Array][]): void {
  const quick = new BidOfferDecoder();
  const full = new BidOfferDecoder();
  for (const [code, bytes] of cases) {
    expectSameWalks(bytes, QUOTE_WALK);
    const a = outcome(quick, bytes, true);
    expect(a.ok ? "accepted" : a.error.split("@")[0]).toBe(code);
    expect(a).toEqual(outcome(full, bytes, false));
  }
}

/** Price fields of levels 2-10 (bid then ask), which a quote-only parse steps over. */
const UNREAD_PRICES = [3, 4, 5, 6, 24, 25, 26, 27, 28, 8, 9, 10, 11, 29, 30, 31, 32, 33];
/** Volume fields of levels 2-10. */
const UNREAD_VOLUMES = [13, 14, 15, 16, 34, 35, 36, 37, 38, 18, 19, 20, 21, 39, 40, 41, 42, 43];

describe("BidOfferDecoder.parseQuote", () => {
  it("its fast loop finishes the feed's encoding and agrees with the checked loop, damaged or not", () => {
    expectFastLoopCoverage(QUOTE_WALK);
  });

  it("reads the quote of every message toBinary writes like the reference and the full parse", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, (msg) => {
        const bytes = toBinary(BidOfferV3Schema, msg);
        expectSameWalks(bytes, QUOTE_WALK);
        quick.parseQuote(bytes);
        expect(quick.toQuote(META)).toEqual(referenceQuote(msg, META));
        expect(quick.toQuote(META)).toEqual(
          referenceQuote(fromBinary(BidOfferV3Schema, bytes), META),
        );
        full.parse(bytes);
        expect(quick.toQuote(META)).toEqual(full.toQuote(META));
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  it("accepts every damaged payload the full parse accepts, with the same quote, and rejects only what it rejects", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, damagesArb, (msg, ds) => {
        const bytes = damaged(toBinary(BidOfferV3Schema, msg), ds);
        expectSameWalks(bytes, QUOTE_WALK);
        const a = outcome(quick, bytes, true);
        const b = outcome(full, bytes, false);
        if (b.ok) expect(a).toEqual(b);
        if (!a.ok) {
          expect(b.ok).toBe(false);
          return;
        }
        // Only a payload valid through and through can be held to fromBinary: a
        // fault inside a level the quote steps over can throw fromBinary's
        // reading of the outer message off its frame (seen: a truncated fixed64
        // in a price read past the price's end, and a currency code then read
        // as the symbol), while the quote walk frames that level by its length.
        if (!b.ok) return;
        let parsed: BidOfferV3;
        try {
          parsed = fromBinary(BidOfferV3Schema, bytes);
        } catch {
          return;
        }
        expect(a.quote).toEqual(referenceQuote(parsed, META));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it("accepts random bytes only when the full parse may, and its two loops agree", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectSameWalks(bytes, QUOTE_WALK);
        const a = outcome(quick, bytes, true);
        const b = outcome(full, bytes, false);
        if (b.ok) expect(a).toEqual(b);
        if (!a.ok) expect(b.ok).toBe(false);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("reads no value of levels 2-10: any bytes inside them leave the quote as the reference's", () => {
    const unread = fc.oneof(
      fc.record({
        field: fc.constantFrom(...UNREAD_PRICES),
        body: fc.uint8Array({ maxLength: 24 }),
      }).map(({ field, body }) => (m: RawProto) => m.bytes(field, body)),
      fc.record({
        field: fc.constantFrom(...UNREAD_VOLUMES),
        value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      }).map(({ field, value }) => (m: RawProto) => m.varint(field, value)),
    );
    const quick = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, fc.array(unread, { maxLength: 8 }), (msg, extra) => {
        const m = new RawProto().raw(toBinary(BidOfferV3Schema, msg));
        for (const add of extra) add(m);
        const bytes = m.finish();
        expectSameWalks(bytes, QUOTE_WALK);
        quick.parseQuote(bytes);
        expect(quick.toQuote(META)).toEqual(referenceQuote(msg, META));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it("takes the fast loop for the feed's own encoding, unknown fields included", () => {
    const bytes = new RawProto()
      .string(1, "PTT")
      .bytes(2, new RawProto().varint(2, 34).varint(3, 250_000_000)) // bid_price1
      .bytes(3, new RawProto().varint(2, 34)) // bid_price2
      .bytes(7, new RawProto().varint(2, 34).varint(3, 500_000_000)) // ask_price1
      .varint(12, 1000)
      .varint(13, 2n ** 40n) // bid_volume2
      .varint(17, 200_000_000) // ask_volume1: four bytes
      .varint(22, 1)
      .varint(23, 1)
      .fixed64(100, 12345n) // unknown fields, as the benchmark's stamps
      .fixed32(101, 7)
      .varint(300, 9)
      .bytes(2047, [1, 2, 3])
      .finish();
    const out = walkOutputs();
    expect(
      walkFast(
        bytes,
        0,
        bytes.length,
        QUOTE_WALK,
        out.units,
        out.nanos,
        out.volumes,
        out.head,
      ),
    ).toBe(true);
    expectSameWalks(bytes, QUOTE_WALK);
    const d = new BidOfferDecoder();
    d.parseQuote(bytes);
    expect(d.toQuote(META)).toMatchObject({
      symbol: "PTT",
      bid: 34.25,
      ask: 34.5,
      bidSize: 1000,
      askSize: 200_000_000,
      bidFlag: "normal",
    });
  });

  it("rejects framing faults on levels it does not read, with the full parse's error", () => {
    const sym = (): RawProto => new RawProto().string(1, "PTT");
    const cases: [string, Uint8Array][] = [
      ["length", sym().raw([0x1a, 20, 0x10, 1]).finish()], // bid_price2 longer than the payload
      ["wire-type", sym().varint(27, 1).finish()], // bid_price9 as a varint
      ["wire-type", sym().bytes(14, [1]).finish()], // bid_volume3 length-delimited
      ["varint", sym().raw([0x70, ...Array(10).fill(0xff), 1]).finish()], // bid_volume3: 11 bytes
      ["truncated", sym().raw([0x70, 0x80, 0x80]).finish()], // bid_volume3 cut short
      ["truncated", sym().raw([0xc2, 0x01]).finish()], // bid_price6 with no length
    ];
    expectSameError(cases);
  });

  it("leaves the values of unread levels to the full parse", () => {
    const sym = (): RawProto => new RawProto().string(1, "PTT").varint(12, 5);
    const cases: [string, Uint8Array][] = [
      ["overflow", sym().varint(15, 2n ** 53n).finish()], // bid_volume4
      ["range", sym().varint(40, -5).finish()], // ask_volume7
      ["overflow", sym().bytes(26, new RawProto().varint(2, 2n ** 60n)).finish()], // bid_price8 units
      ["truncated", sym().bytes(4, [0x18, 0x80, 0x80]).finish()], // bid_price3: nanos cut short
      ["wire-type", sym().bytes(9, new RawProto().fixed32(2, 1)).finish()], // ask_price3 units as fixed32
    ];
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    for (const [code, bytes] of cases) {
      expectSameWalks(bytes, QUOTE_WALK);
      expect(outcome(quick, bytes, true)).toMatchObject({ ok: true, quote: { bidSize: 5 } });
      const b = outcome(full, bytes, false);
      expect(b.ok ? "accepted" : b.error.split("@")[0]).toBe(code);
    }
  });

  it("rejects faults in what it reads exactly as the full parse does", () => {
    const sym = (): RawProto => new RawProto().string(1, "PTT");
    const cases: [string, Uint8Array][] = [
      ["range", sym().varint(17, -5).finish()], // ask_volume1
      ["overflow", sym().varint(12, 2n ** 53n).finish()], // bid_volume1
      ["overflow", sym().bytes(2, new RawProto().varint(2, 2n ** 60n)).finish()], // bid_price1 units
      ["wire-type", sym().bytes(7, new RawProto().fixed32(3, 1)).finish()], // ask_price1 nanos as fixed32
      ["truncated", sym().bytes(2, [0x10, 0x80]).finish()], // bid_price1 units cut short
      ["empty-symbol", new RawProto().string(1, "").varint(12, 1).finish()],
      ["empty-symbol", new RawProto().varint(12, 1).finish()],
      ["utf8", new RawProto().bytes(1, [0xff, 0xfe]).finish()],
    ];
    expectSameError(cases);
  });

  it("accepts unconverted levels at their limits: volume 2^53 - 1, negative units, ten-byte nanos", () => {
    const bytes = new RawProto()
      .string(1, "PTT")
      .varint(13, MAX) // bid_volume2
      .bytes(8, new RawProto().varint(2, -MAX).varint(3, -1)) // ask_price2
      .bytes(2, new RawProto().varint(2, 34).varint(3, 250_000_000)) // bid_price1
      .varint(12, 1000)
      .finish();
    const d = new BidOfferDecoder();
    d.parseQuote(bytes);
    expect(d.toQuote(META)).toMatchObject({ symbol: "PTT", bid: 34.25, bidSize: 1000, ask: 0 });
  });

  it("refuses a book after a quote-only parse, and allows it after a full one", () => {
    const d = new BidOfferDecoder();
    const bytes = new RawProto().string(1, "PTT").varint(12, 5).finish();
    d.parseQuote(bytes);
    expect(() => d.toBook(META)).toThrow(TypeError);
    d.parse(bytes);
    expect(d.toBook(META).bids[0].size).toBe(5);
  });
});
