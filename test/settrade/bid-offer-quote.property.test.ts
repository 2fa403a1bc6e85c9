import { fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BidOfferDecoder } from "../../connectors/settrade/decode/bid-offer.ts";
import { isDecodeError } from "../../src/errors.ts";
import { type BidOfferV3, BidOfferV3Schema } from "../../src/gen/settrade/v3/bid_offer_pb.ts";
import { bidOfferArb, MAX } from "./_bid-offer-arbitraries.ts";
import { META } from "./_fixtures.ts";
import { RawProto } from "./_raw-proto.ts";
import { referenceQuote } from "./_reference.ts";

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

function damaged(bytes: Uint8Array, damages: { at: number; kind: string; byte: number }[]) {
  let b = Array.from(bytes);
  for (const d of damages) {
    const at = b.length === 0 ? 0 : d.at % b.length;
    if (d.kind === "truncate") b = b.slice(0, at);
    else if (d.kind === "flip") b[at] = d.byte;
    else if (d.kind === "insert") b.splice(at, 0, d.byte);
    else b.splice(at, 1);
  }
  return Uint8Array.from(b);
}

describe("BidOfferDecoder.parseQuote", () => {
  it("reads the quote of every message toBinary writes like the reference and the full parse", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, (msg) => {
        const bytes = toBinary(BidOfferV3Schema, msg);
        quick.parseQuote(bytes);
        expect(quick.toQuote(META)).toEqual(referenceQuote(msg, META));
        expect(quick.toQuote(META)).toEqual(
          referenceQuote(fromBinary(BidOfferV3Schema, bytes), META),
        );
        full.parse(bytes);
        expect(quick.toQuote(META)).toEqual(full.toQuote(META));
      }),
      { numRuns: 400 },
    );
  });

  it("accepts and rejects damaged payloads exactly as the full parse does, with the same error", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    const damage = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("truncate", "flip", "insert", "delete"),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(messageArb, fc.array(damage, { minLength: 1, maxLength: 3 }), (msg, ds) => {
        const bytes = damaged(toBinary(BidOfferV3Schema, msg), ds);
        const a = outcome(quick, bytes, true);
        expect(a).toEqual(outcome(full, bytes, false));
        if (!a.ok) return;
        let parsed: BidOfferV3;
        try {
          parsed = fromBinary(BidOfferV3Schema, bytes);
        } catch {
          return;
        }
        expect(a.quote).toEqual(referenceQuote(parsed, META));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects random bytes exactly as the full parse does", () => {
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(outcome(quick, bytes, true)).toEqual(outcome(full, bytes, false));
      }),
      { numRuns: 3000 },
    );
  });

  it("still rejects malformed levels it does not convert", () => {
    const sym = (): RawProto => new RawProto().string(1, "PTT");
    const cases: [string, Uint8Array][] = [
      ["overflow", sym().varint(15, 2n ** 53n).finish()], // bid_volume4
      ["range", sym().varint(40, -5).finish()], // ask_volume7
      ["overflow", sym().bytes(26, new RawProto().varint(2, 2n ** 60n)).finish()], // bid_price8 units
      ["truncated", sym().bytes(4, [0x18, 0x80, 0x80]).finish()], // bid_price3: nanos cut short
      ["wire-type", sym().bytes(9, new RawProto().fixed32(2, 1)).finish()], // ask_price3 units as fixed32
      ["wire-type", sym().bytes(30, [0x0d, 1, 2, 3, 4]).finish()], // ask_price7 currency as fixed32
      ["length", sym().raw([0x1a, 20, 0x10, 1]).finish()], // bid_price2 longer than the payload
      ["wire-type", sym().varint(27, 1).finish()], // bid_price9 as a varint
      ["varint", sym().raw([0x70, ...Array(10).fill(0xff), 1]).finish()], // bid_volume3: 11 bytes
    ];
    const quick = new BidOfferDecoder();
    const full = new BidOfferDecoder();
    for (const [code, bytes] of cases) {
      const a = outcome(quick, bytes, true);
      expect(a.ok ? "accepted" : a.error.split("@")[0]).toBe(code);
      expect(a).toEqual(outcome(full, bytes, false));
    }
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
