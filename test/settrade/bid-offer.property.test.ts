import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BidOfferDecoder } from "../../connectors/settrade/decode/bid-offer.ts";
import { isDecodeError } from "../../src/errors.ts";
import { type Money, MoneySchema } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import {
  type BidOfferV3,
  BidOfferV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import { BOOK_WALK } from "../../connectors/settrade/decode/_fast-walk.ts";
import {
  bidOfferArb,
  damaged,
  damagesArb,
  expectFastLoopCoverage,
  expectSameWalks,
} from "./_bid-offer-arbitraries.ts";
import { BOOK_FIELDS, META } from "./_fixtures.ts";
import { RawProto, WT } from "./_raw-proto.ts";
import { referenceBook, referenceQuote } from "./_reference.ts";
import { propertyRuns } from "../_helpers/property-runs.ts";

const messageArb: fc.Arbitrary<BidOfferV3> = bidOfferArb();

/** Small deterministic PRNG (mulberry32) for structural choices. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Appends 0..2 unknown fields of random wire types (groups included) to `out`. */
function unknownFields(out: RawProto, rand: () => number, minField: number, depth = 0): void {
  const count = Math.floor(rand() * 3);
  for (let i = 0; i < count; i++) {
    const field = minField + Math.floor(rand() * 5000);
    switch (Math.floor(rand() * (depth < 2 ? 5 : 4))) {
      case 0:
        out.varint(
          field,
          rand() < 0.3 ? -BigInt(Math.floor(rand() * 1e9)) : Math.floor(rand() * 1e6),
        );
        break;
      case 1:
        out.fixed64(field, BigInt(Math.floor(rand() * 2 ** 52)));
        break;
      case 2:
        out.bytes(
          field,
          Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 256)),
        );
        break;
      case 3:
        out.fixed32(field, Math.floor(rand() * 2 ** 32));
        break;
      default: {
        const inner = new RawProto();
        unknownFields(inner, rand, 1, depth + 1);
        out.group(field, inner);
      }
    }
  }
}

const PRICE_FIELDS = [...range(2, 11), ...range(24, 33)];
const VOLUME_FIELDS = [...range(12, 21), ...range(34, 43)];
function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
const FIELD_NAME = new Map<number, keyof BidOfferV3>([
  ...range(0, 4).map((i) => [2 + i, BOOK_FIELDS.bidPrice[i]] as const),
  ...range(0, 4).map((i) => [24 + i, BOOK_FIELDS.bidPrice[5 + i]] as const),
  ...range(0, 4).map((i) => [7 + i, BOOK_FIELDS.askPrice[i]] as const),
  ...range(0, 4).map((i) => [29 + i, BOOK_FIELDS.askPrice[5 + i]] as const),
  ...range(0, 4).map((i) => [12 + i, BOOK_FIELDS.bidVolume[i]] as const),
  ...range(0, 4).map((i) => [34 + i, BOOK_FIELDS.bidVolume[5 + i]] as const),
  ...range(0, 4).map((i) => [17 + i, BOOK_FIELDS.askVolume[i]] as const),
  ...range(0, 4).map((i) => [39 + i, BOOK_FIELDS.askVolume[5 + i]] as const),
]);

/** A Money body with its fields in random order and unknown fields between them. */
function moneyBody(rand: () => number, units?: bigint, nanos?: number): RawProto {
  const parts: ((p: RawProto) => void)[] = [];
  if (units !== undefined) parts.push((p) => p.varint(2, units));
  if (nanos !== undefined) parts.push((p) => p.varint(3, nanos));
  if (rand() < 0.3) parts.push((p) => p.string(1, "THB"));
  parts.sort(() => rand() - 0.5);
  const body = new RawProto();
  for (const part of parts) {
    unknownFields(body, rand, 4);
    part(body);
  }
  return body;
}

/**
 * Encodes `msg` by hand: fields shuffled, scalars sent twice (an earlier decoy,
 * the real value last), prices split over several occurrences that merge to the
 * real value, explicit zeros, and unknown fields of every wire type.
 */
function scrambled(msg: BidOfferV3, seed: number): Uint8Array {
  const rand = rng(seed);
  const m = msg as unknown as Record<string, unknown>;
  const perField: ((p: RawProto) => void)[][] = [];
  const junk = (): bigint => BigInt(Math.floor(rand() * 1e6));
  if (rand() < 0.3) perField.push([(p) => p.string(1, "DECOY"), (p) => p.string(1, msg.symbol)]);
  else perField.push([(p) => p.string(1, msg.symbol)]);
  for (const [field, value] of [[22, msg.bidFlag], [23, msg.askFlag]] as const) {
    const occ: ((p: RawProto) => void)[] = [];
    if (rand() < 0.3) occ.push((p) => p.varint(field, Math.floor(rand() * 8) - 2));
    if (value !== 0 || occ.length > 0 || rand() < 0.5) occ.push((p) => p.varint(field, value));
    perField.push(occ);
  }
  for (const field of VOLUME_FIELDS) {
    const v = m[FIELD_NAME.get(field)!] as bigint;
    const occ: ((p: RawProto) => void)[] = [];
    if (rand() < 0.3) occ.push((p) => p.varint(field, junk()));
    if (v !== 0n || occ.length > 0 || rand() < 0.2) occ.push((p) => p.varint(field, v));
    perField.push(occ);
  }
  for (const field of PRICE_FIELDS) {
    const price = m[FIELD_NAME.get(field)!] as Money | undefined;
    if (price === undefined) continue;
    const { units, nanos } = price;
    const occ: ((p: RawProto) => void)[] = [];
    switch (Math.floor(rand() * 4)) {
      case 0:
        occ.push((p) => p.bytes(field, moneyBody(rand, units, nanos)));
        break;
      case 1:
        occ.push((p) => p.bytes(field, moneyBody(rand, units, 7)));
        occ.push((p) => p.bytes(field, moneyBody(rand, undefined, nanos)));
        break;
      case 2:
        occ.push((p) => p.bytes(field, moneyBody(rand, junk(), nanos)));
        occ.push((p) => p.bytes(field, moneyBody(rand, units, undefined)));
        break;
      default:
        occ.push((p) => p.bytes(field, moneyBody(rand, junk(), -5)));
        occ.push((p) => p.bytes(field, moneyBody(rand, units, undefined)));
        occ.push((p) => p.bytes(field, moneyBody(rand, undefined, nanos)));
    }
    perField.push(occ);
  }
  // Interleave the fields at random, keeping each field's occurrences in order.
  const out = new RawProto();
  const queues = perField.filter((q) => q.length > 0);
  while (queues.length > 0) {
    const i = Math.floor(rand() * queues.length);
    unknownFields(out, rand, 44);
    queues[i].shift()!(out);
    if (queues[i].length === 0) queues.splice(i, 1);
  }
  unknownFields(out, rand, 44);
  return out.finish();
}

describe("BidOfferDecoder against the generated code", () => {
  it("its fast loop finishes the feed's encoding and agrees with the checked loop, damaged or not", () => {
    expectFastLoopCoverage(BOOK_WALK);
  });

  it("decodes every message toBinary writes into the reference quote and book", () => {
    const decoder = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, (msg) => {
        const bytes = toBinary(BidOfferV3Schema, msg);
        expectSameWalks(bytes, BOOK_WALK);
        decoder.parse(bytes);
        expect(decoder.toQuote(META)).toEqual(referenceQuote(msg, META));
        expect(decoder.toBook(META)).toEqual(referenceBook(msg, META));
        const parsed = fromBinary(BidOfferV3Schema, bytes);
        expect(decoder.toBook(META)).toEqual(referenceBook(parsed, META));
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  it("takes the fast loop for the feed's own encoding, and the checked one agrees", () => {
    const msg = create(BidOfferV3Schema, {
      symbol: "PTT",
      bidFlag: 1,
      askFlag: 1,
      bidPrice1: create(MoneySchema, { units: 34n, nanos: 250_000_000 }),
      bidPrice10: create(MoneySchema, { units: 0n, nanos: 990_000_000 }),
      askPrice1: create(MoneySchema, { units: 34n, nanos: 500_000_000 }),
      askPrice6: create(MoneySchema, { units: 600n }),
      bidVolume1: 2n ** 34n + 5n, // five bytes
      bidVolume9: 12n,
      askVolume1: 100n,
    });
    const bytes = toBinary(BidOfferV3Schema, msg);
    expect(expectSameWalks(bytes, BOOK_WALK)).toBe(true);
    const decoder = new BidOfferDecoder();
    decoder.parse(bytes);
    expect(decoder.toBook(META)).toEqual(referenceBook(msg, META));
  });

  it("decodes shuffled, repeated, merged and padded encodings like protobuf does", () => {
    const decoder = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, fc.integer(), (msg, seed) => {
        const bytes = scrambled(msg, seed);
        expectSameWalks(bytes, BOOK_WALK);
        const parsed = fromBinary(BidOfferV3Schema, bytes);
        decoder.parse(bytes);
        expect(decoder.toQuote(META)).toEqual(referenceQuote(msg, META));
        expect(decoder.toBook(META)).toEqual(referenceBook(msg, META));
        expect(decoder.toBook(META)).toEqual(referenceBook(parsed, META));
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});

describe("BidOfferDecoder on hostile input", () => {
  function outcome(decoder: BidOfferDecoder, bytes: Uint8Array): "ok" | "decode-error" {
    try {
      decoder.parse(bytes);
      return "ok";
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      expect(typeof e.offset).toBe("number");
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
      return "decode-error";
    }
  }

  it("throws nothing but DecodeError on random bytes", () => {
    const decoder = new BidOfferDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectSameWalks(bytes, BOOK_WALK);
        outcome(decoder, bytes);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("throws nothing but DecodeError on damaged payloads, and agrees with fromBinary when both accept", () => {
    const decoder = new BidOfferDecoder();
    fc.assert(
      fc.property(messageArb, damagesArb, (msg, damages) => {
        const payload = damaged(toBinary(BidOfferV3Schema, msg), damages);
        expectSameWalks(payload, BOOK_WALK);
        if (outcome(decoder, payload) !== "ok") return;
        let parsed: BidOfferV3;
        try {
          parsed = fromBinary(BidOfferV3Schema, payload);
        } catch {
          return;
        }
        expect(decoder.toBook(META)).toEqual(referenceBook(parsed, META));
        expect(decoder.toQuote(META)).toEqual(referenceQuote(parsed, META));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it("skips unknown fields of every wire type, groups included", () => {
    const decoder = new BidOfferDecoder();
    const inner = new RawProto().varint(1, 5).group(2, new RawProto().fixed32(3, 9));
    const bytes = new RawProto()
      .varint(100, -1)
      .fixed64(101, 123n)
      .bytes(102, [1, 2, 3])
      .fixed32(103, 7)
      .group(104, inner)
      .string(1, "PTT")
      .tag(105, WT.startGroup).tag(105, WT.endGroup)
      .finish();
    decoder.parse(bytes);
    expect(decoder.toQuote(META).symbol).toBe("PTT");
    expect(fromBinary(BidOfferV3Schema, bytes).symbol).toBe("PTT");
  });
});
