/** fast-check arbitraries of BidOfferV3 messages, shared by the decoder's property tests. */
import { create } from "@bufbuild/protobuf";
import fc from "fast-check";
import { type Money, MoneySchema } from "../../src/gen/google/type/money_pb.ts";
import {
  type BidOfferV3,
  type BidOfferV3_Flag,
  BidOfferV3Schema,
} from "../../src/gen/settrade/v3/bid_offer_pb.ts";
import { BOOK_FIELDS } from "./_fixtures.ts";

/** Largest volume a number holds exactly. */
export const MAX: bigint = 2n ** 53n - 1n;

/** Wire-like symbols, now and then any graphemes. */
export const symbolArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9&-]{0,11}$/) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }) },
);
const unitsArb = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: -1000n, max: 100_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -MAX, max: MAX }) },
);
const nanosArb = fc.integer({ min: -999_999_999, max: 999_999_999 });

/** A price, often absent (proto3 default). */
export const moneyArb: fc.Arbitrary<Money | undefined> = fc.option(
  fc.record({ units: unitsArb, nanos: nanosArb, currencyCode: fc.constantFrom("", "THB") })
    .map((m) => create(MoneySchema, m)),
  { nil: undefined, freq: 3 },
);

/** A volume up to 2^53 - 1. */
export const volumeArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: 10_000_000n }),
  fc.bigInt({ min: 0n, max: MAX }),
);

/** A flag value, known or not. */
export const flagArb: fc.Arbitrary<number> = fc.integer({ min: -3, max: 6 });

/**
 * A BidOfferV3 with ten levels a side, built with the generated code.
 * @param symbols Symbols to use. @default symbolArb
 */
export function bidOfferArb(symbols: fc.Arbitrary<string> = symbolArb): fc.Arbitrary<BidOfferV3> {
  return fc.record({
    symbol: symbols,
    bidFlag: flagArb,
    askFlag: flagArb,
    bidPrices: fc.array(moneyArb, { minLength: 10, maxLength: 10 }),
    askPrices: fc.array(moneyArb, { minLength: 10, maxLength: 10 }),
    bidVolumes: fc.array(volumeArb, { minLength: 10, maxLength: 10 }),
    askVolumes: fc.array(volumeArb, { minLength: 10, maxLength: 10 }),
  }).map((r) => {
    const msg = create(BidOfferV3Schema, {
      symbol: r.symbol,
      bidFlag: r.bidFlag as BidOfferV3_Flag,
      askFlag: r.askFlag as BidOfferV3_Flag,
    });
    const m = msg as unknown as Record<string, unknown>;
    for (let i = 0; i < 10; i++) {
      m[BOOK_FIELDS.bidPrice[i]] = r.bidPrices[i];
      m[BOOK_FIELDS.askPrice[i]] = r.askPrices[i];
      m[BOOK_FIELDS.bidVolume[i]] = r.bidVolumes[i];
      m[BOOK_FIELDS.askVolume[i]] = r.askVolumes[i];
    }
    return msg;
  });
}
