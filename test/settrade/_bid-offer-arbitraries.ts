/** fast-check arbitraries of BidOfferV3 messages and loop checks, shared by the decoder's property tests. */
import { create, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { type Money, MoneySchema } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import {
  type BidOfferV3,
  type BidOfferV3_Flag,
  BidOfferV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import { expect } from "vitest";
import { buildRoutes } from "../../connectors/settrade/decode/_bid-offer-layout.ts";
import { walkChecked } from "../../connectors/settrade/decode/_checked-walk.ts";
import { walkFast, type WalkPlan } from "../../connectors/settrade/decode/_fast-walk.ts";
import { WireReader } from "../../connectors/settrade/decode/_wire.ts";
import { BOOK_FIELDS } from "./_fixtures.ts";
import { propertyRuns } from "../_helpers/property-runs.ts";

/** One change to a payload: cut it at, overwrite, insert or delete a byte. */
export interface Damage {
  readonly at: number;
  readonly kind: "truncate" | "flip" | "insert" | "delete";
  readonly byte: number;
}

/** One to three damages to a payload. */
export const damagesArb: fc.Arbitrary<Damage[]> = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom(
      "truncate" as const,
      "flip" as const,
      "insert" as const,
      "delete" as const,
    ),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 3 },
);

/**
 * Applies damages in turn (`at` wraps around the payload's length at the time).
 * @param bytes The payload. @param damages What to do to it.
 * @returns A damaged copy.
 */
export function damaged(bytes: Uint8Array, damages: readonly Damage[]): Uint8Array {
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
export function bidOfferArb(
  symbols: fc.Arbitrary<string> = symbolArb,
  prices: fc.Arbitrary<Money | undefined> = moneyArb,
  volumes: fc.Arbitrary<bigint> = volumeArb,
  flags: fc.Arbitrary<number> = flagArb,
): fc.Arbitrary<BidOfferV3> {
  return fc.record({
    symbol: symbols,
    bidFlag: flags,
    askFlag: flags,
    bidPrices: fc.array(prices, { minLength: 10, maxLength: 10 }),
    askPrices: fc.array(prices, { minLength: 10, maxLength: 10 }),
    bidVolumes: fc.array(volumes, { minLength: 10, maxLength: 10 }),
    askVolumes: fc.array(volumes, { minLength: 10, maxLength: 10 }),
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

/**
 * A BidOfferV3 as the feed sends it: prices under 100,000 baht with no
 * currency code, volumes up to 2^35 (five bytes; one in a hundred up to 2^36,
 * six bytes), known flags.
 * The encoding the decoder's fast loop is for, with its edges.
 */
export const feedLikeBidOfferArb: fc.Arbitrary<BidOfferV3> = bidOfferArb(
  fc.stringMatching(/^[A-Z][A-Z0-9&-]{0,11}$/),
  fc.option(
    fc.record({
      units: fc.bigInt({ min: 0n, max: 100_000n }),
      nanos: fc.integer({ min: 0, max: 999_999_999 }),
    }).map((m) => create(MoneySchema, m)),
    { nil: undefined, freq: 8 },
  ),
  fc.oneof(
    { weight: 50, arbitrary: fc.bigInt({ min: 0n, max: 1_000_000n }) },
    { weight: 49, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 35n - 1n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 35n, max: 2n ** 36n }) },
  ),
  fc.integer({ min: 0, max: 3 }),
);

/** Fresh scratch state for one walk of the decoder's loops. */
export function walkOutputs(): {
  units: Float64Array;
  nanos: Int32Array;
  volumes: Float64Array;
  head: Int32Array;
} {
  return {
    units: new Float64Array(20),
    nanos: new Int32Array(20),
    volumes: new Float64Array(20),
    head: new Int32Array(5),
  };
}

/** Padding put around a payload: bytes that look like more fields, or stop every varint. */
const PADDINGS: readonly number[][] = [
  [],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0x00, 0x01, 0x7f],
  [
    0x0a,
    0x03,
    0x50,
    0x80,
    0x12,
    0x02,
    0x10,
    0x01,
  ],
];

/**
 * Whenever the fast loop finishes a payload, the checked loop must accept it
 * too, with the same slots and head: the fast loop only takes a short cut. And
 * the fast loop must decide and read the same whatever surrounds the payload
 * in its buffer (as in a capture chunk), so it never reads past its end.
 * @param bytes Any payload.
 * @param walk QUOTE_WALK or BOOK_WALK.
 * @returns Whether the fast loop finished (so callers can count its coverage).
 */
export function expectSameWalks(bytes: Uint8Array, walk: WalkPlan): boolean {
  const slots = walk.slots;
  const read = (o: ReturnType<typeof walkOutputs>, shift = 0) => {
    // Symbol bounds and tag (head 2-4) count from the buffer's start: from the
    // payload's when one was seen.
    const seen = o.head[4]! >= 0;
    const out: number[] = [...o.head].map((x, i) => i >= 2 && seen ? x - shift : x);
    for (let s = 0; s < 20; s++) {
      if ((slots & (1 << s)) !== 0) out.push(o.units[s], o.nanos[s], o.volumes[s]);
    }
    return out;
  };
  const fast = walkOutputs();
  const done = walkFast(
    bytes,
    0,
    bytes.length,
    walk,
    fast.units,
    fast.nanos,
    fast.volumes,
    fast.head,
  );
  for (const pad of PADDINGS) {
    const big = Uint8Array.from([...pad, ...bytes, ...pad]);
    const inner = walkOutputs();
    const at = pad.length;
    const doneInner = walkFast(
      big,
      at,
      at + bytes.length,
      walk,
      inner.units,
      inner.nanos,
      inner.volumes,
      inner.head,
    );
    expect(doneInner).toBe(done);
    if (done) expect(read(inner, at)).toEqual(read(fast));
  }
  if (!done) return false;
  const checked = walkOutputs();
  walkChecked(
    bytes,
    new WireReader(),
    buildRoutes(),
    slots,
    checked.units,
    checked.nanos,
    checked.volumes,
    checked.head,
  );
  expect(read(fast)).toEqual(read(checked));
  return true;
}

/**
 * The fast loop, on feed-like messages, plain, with a byte replaced and cut
 * short: it must finish most plain ones (only six-byte volumes take the
 * checked loop) and agree with the checked loop whenever it finishes.
 * @param walk QUOTE_WALK or BOOK_WALK.
 */
export function expectFastLoopCoverage(walk: WalkPlan): void {
  let fast = 0;
  fc.assert(
    fc.property(
      feedLikeBidOfferArb,
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      (msg, at, byte) => {
        const bytes = toBinary(BidOfferV3Schema, msg);
        if (expectSameWalks(bytes, walk)) fast++;
        const flipped = bytes.slice();
        if (flipped.length > 0) flipped[at % flipped.length] = byte;
        expectSameWalks(flipped, walk);
        expectSameWalks(bytes.subarray(0, at % (bytes.length + 1)), walk);
      },
    ),
    { numRuns: propertyRuns(1000) },
  );
  expect(fast).toBeGreaterThan(propertyRuns(1000) * 0.7);
}
