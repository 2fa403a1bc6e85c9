import { describe, expect, it } from "vitest";
import {
  BOOK_WALK,
  QUOTE_WALK,
  type WalkPlan,
} from "../../connectors/settrade/decode/_fast-walk.ts";
import { expectSameWalks } from "./_bid-offer-arbitraries.ts";

/**
 * The fast loop's contract, case by case (`_fast-walk.ts`, "Give up rather than
 * judge"): it finishes every payload in the usual encoding, whichever field
 * comes last, and gives up on each unusual one, at the exact boundary. When it
 * finishes, it must agree with the checked loop (`expectSameWalks`).
 */

const A = 0x41;
/** bid_flag (field 22) and ask_flag (23): two-byte tags. */
const BID_FLAG = [0xb0, 0x01];
const ASK_FLAG = [0xb8, 0x01];
/** Field 50, unknown, by wire type: varint, fixed64, length-delimited, fixed32. */
const UNKNOWN_VARINT = [0x90, 0x03];
const UNKNOWN_FIXED64 = [0x91, 0x03];
const UNKNOWN_LEN = [0x92, 0x03];
const UNKNOWN_FIXED32 = [0x95, 0x03];
/** Field 44, the first past the table, as a varint. */
const FIELD_44 = [0xe0, 0x02];

/** A varint's bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** bid_price1 (field 2) holding the given Money fields. */
const price = (...fields: number[][]): number[] => {
  const body = fields.flat();
  return [0x12, body.length, ...body];
};
const units = (n: number): number[] => [0x10, ...varint(n)];
const nanos = (n: number): number[] => [0x18, ...varint(n)];
const symbol = [0x0a, 1, A];

type Case = readonly [name: string, bytes: number[], walk: WalkPlan, finishes: boolean];

const FINISHES: readonly Case[] = [
  ["a symbol last", [0x60, 5, 0x0a, 3, 0x50, 0x54, 0x54], BOOK_WALK, true],
  ["a bid flag last", [...symbol, ...BID_FLAG, 1], BOOK_WALK, true],
  ["an ask flag last", [...symbol, ...ASK_FLAG, 2], QUOTE_WALK, true],
  ["a price last", [...symbol, ...price(units(5))], BOOK_WALK, true],
  ["units then nanos", [...symbol, ...price(units(5), nanos(7))], BOOK_WALK, true],
  ["units 128 (two bytes, the first 0x80)", [...symbol, ...price(units(128))], BOOK_WALK, true],
  ["units 2^14 (three bytes)", [...symbol, ...price(units(2 ** 14))], BOOK_WALK, true],
  ["units 2^21 (four bytes)", [...symbol, ...price(units(2 ** 21))], BOOK_WALK, true],
  ["nanos 2^28 (five bytes)", [...symbol, ...price(nanos(2 ** 28))], BOOK_WALK, true],
  ["nanos 999,999,999", [...symbol, ...price(nanos(999_999_999))], QUOTE_WALK, true],
  ["a skipped price last", [...symbol, 0x1a, 2, 0x10, 5], QUOTE_WALK, true],
  ["a skipped volume last", [...symbol, 0x68, 5], QUOTE_WALK, true],
  [
    "an unknown varint of nine bytes",
    [...symbol, ...UNKNOWN_VARINT, ...varint(2 ** 56)],
    BOOK_WALK,
    true,
  ],
  [
    "an unknown fixed64 last",
    [...symbol, ...UNKNOWN_FIXED64, 1, 2, 3, 4, 5, 6, 7, 8],
    BOOK_WALK,
    true,
  ],
  ["an unknown fixed32 last", [...symbol, ...UNKNOWN_FIXED32, 1, 2, 3, 4], BOOK_WALK, true],
  ["an unknown length-delimited field last", [...symbol, ...UNKNOWN_LEN, 2, 9, 9], BOOK_WALK, true],
  ["field 44, past the table", [...symbol, ...FIELD_44, 5], BOOK_WALK, true],
];

/** A bid_volume1 of 5: a tail that completes the walk wherever a mistake lands on it. */
const TAIL = [0x60, 5];

/**
 * Each case is followed by bytes a mistaken reading would take for fields that
 * end the payload exactly: a loop that did not give up would finish, and the
 * checked loop, which reads them right, would disagree or refuse.
 */
const GIVES_UP: readonly Case[] = [
  ["a three-byte tag (second byte 0x80)", [...symbol, 0x80, 0x80, 0x01, ...TAIL], BOOK_WALK, false],
  [
    "a symbol longer than 127",
    [0x0a, 0x80, 0x01, ...new Array<number>(127).fill(A), ...TAIL],
    BOOK_WALK,
    false,
  ],
  [
    "an unknown field longer than 127",
    [...UNKNOWN_LEN, 0x80, 0x01, ...new Array<number>(127).fill(0), ...TAIL],
    BOOK_WALK,
    false,
  ],
  [
    "a price longer than 127, its length's second byte a units tag",
    [0x12, 0x80, 0x10, 1, ...Array.from({ length: 63 }, () => [0x10, 1]).flat()],
    BOOK_WALK,
    false,
  ],
  ["a price longer than 127 before a field 16", [0x12, 0x80, 0x01, 5], BOOK_WALK, false],
  ["a price longer than what follows, its length a tag", [0x12, 0x60, 5], BOOK_WALK, false],
  ["a bid flag of two bytes", [...symbol, ...BID_FLAG, 0x80, ...TAIL], BOOK_WALK, false],
  ["an ask flag of two bytes", [...symbol, ...ASK_FLAG, 0x80, ...TAIL], BOOK_WALK, false],
  [
    "a volume of six bytes",
    [...symbol, 0x60, 0x80, 0x80, 0x80, 0x80, 0x80, ...TAIL],
    BOOK_WALK,
    false,
  ],
  [
    "an unknown varint of ten bytes",
    [...symbol, ...UNKNOWN_VARINT, ...varint(2 ** 63)],
    BOOK_WALK,
    false,
  ],
  ["units of five bytes", [...symbol, ...price(units(2 ** 28))], BOOK_WALK, false],
  [
    "a Money field other than units and nanos, its length a symbol tag",
    [0x12, 0x0a, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    BOOK_WALK,
    false,
  ],
  ["a price cut short", [...symbol, 0x12, 5, 0x10, 1], BOOK_WALK, false],
  [
    "a units varint that runs past its price",
    [...symbol, 0x12, 2, 0x10, 0x80, ...TAIL],
    BOOK_WALK,
    false,
  ],
  ["a bid flag tag with no value", [...symbol, ...BID_FLAG], BOOK_WALK, false],
  ["an ask flag tag with no value", [...symbol, ...ASK_FLAG], QUOTE_WALK, false],
  [
    "units that run to the end of their price, its length a symbol tag",
    [0x12, 0x0a, 0x10, 0x80, 0x80, 0x80, 0x80, ...new Array<number>(12).fill(1)],
    BOOK_WALK,
    false,
  ],
  ["a units tag that ends its price", [...symbol, 0x12, 1, 0x10, 0x60, ...TAIL], BOOK_WALK, false],
];

describe("the fast loop's contract", () => {
  it.each(FINISHES)("finishes %s, and agrees with the checked loop", (_, bytes, walk, finishes) => {
    expect(expectSameWalks(Uint8Array.from(bytes), walk)).toBe(finishes);
  });

  it.each(GIVES_UP)("gives up on %s", (_, bytes, walk, finishes) => {
    expect(expectSameWalks(Uint8Array.from(bytes), walk)).toBe(finishes);
  });
});
