import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moneyToNumber } from "../../connectors/settrade/decode/money.ts";

const E9 = 1_000_000_000n;

/** The exact decimal `units + nanos / 1e9`, written out (nanos of any sign). */
function exactDecimal(units: number, nanos: number): string {
  const total = BigInt(units) * E9 + BigInt(nanos);
  const neg = total < 0n;
  const abs = neg ? -total : total;
  return `${neg ? "-" : ""}${abs / E9}.${String(abs % E9).padStart(9, "0")}`;
}

/** A finite double as an exact fraction num / 2^shift (shift ≥ 0). */
function exactBinary(x: number): { num: bigint; shift: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  return e >= 0
    ? { num: sign * (mant << BigInt(e)), shift: 0n }
    : { num: sign * mant, shift: BigInt(-e) };
}

function nextDouble(x: number, dir: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  let bits = view.getBigInt64(0);
  if (x === 0) return dir * Number.MIN_VALUE;
  bits += (x > 0) === (dir > 0) ? 1n : -1n;
  view.setBigInt64(0, bits);
  return view.getFloat64(0);
}

/** |x − total/1e9| scaled by 1e9 · 2^S, for a fixed large S (exact integers). */
function distance(x: number, total: bigint): bigint {
  const S = 1100n;
  const { num, shift } = exactBinary(x);
  const d = num * E9 * (1n << (S - shift)) - total * (1n << S);
  return d < 0n ? -d : d;
}

/** Whether x is a nearest double to the exact decimal (checked with BigInt only). */
function isNearest(x: number, units: number, nanos: number): boolean {
  const total = BigInt(units) * E9 + BigInt(nanos);
  const d = distance(x, total);
  return d <= distance(nextDouble(x, 1), total) && d <= distance(nextDouble(x, -1), total);
}

const units = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: -10_000_000, max: 10_000_000 }),
  fc.integer({ min: -100_000_000_000, max: 100_000_000_000 }),
  fc.maxSafeInteger(),
);
const nanos = fc.integer({ min: -999_999_999, max: 999_999_999 });
const sameSign = fc.tuple(units, nanos).map(([u, n]) =>
  [u, u === 0 ? n : Math.sign(u) * Math.abs(n)] as const
);

describe("moneyToNumber", () => {
  it("keeps two-decimal prices exact where units + nanos * 1e-9 is off by one ulp", () => {
    expect(0 + 30_000_000 * 1e-9).not.toBe(0.03);
    expect(1 + 140_000_000 * 1e-9).not.toBe(1.14);
    expect(moneyToNumber(0, 30_000_000)).toBe(0.03);
    expect(moneyToNumber(1, 140_000_000)).toBe(1.14);
    expect(moneyToNumber(0, 10_000_000)).toBe(0.01);
    expect(moneyToNumber(0, 70_000_000)).toBe(0.07);
    expect(moneyToNumber(34, 250_000_000)).toBe(34.25);
    expect(moneyToNumber(1, 10_000_000)).toBe(1.01);
  });

  it("keeps large values such as a market's total value", () => {
    expect(moneyToNumber(5_432_109_876, 120_000_000)).toBe(5432109876.12);
    expect(moneyToNumber(9_000_000, 10_000_000)).toBe(9000000.01);
    expect(moneyToNumber(8_999_999, 990_000_000)).toBe(8999999.99);
    expect(moneyToNumber(123_456_789_012, 345_678_901)).toBe(123456789012.345678901);
  });

  it("keeps negative values, with nanos carrying the sign", () => {
    expect(moneyToNumber(-1, -750_000_000)).toBe(-1.75);
    expect(moneyToNumber(0, -10_000_000)).toBe(-0.01);
    expect(moneyToNumber(-5_432_109_876, -120_000_000)).toBe(-5432109876.12);
  });

  it("gives 0 for an absent price", () => {
    expect(moneyToNumber(0, 0)).toBe(0);
  });

  it("equals parseFloat of the exact decimal for prices up to twenty digits", () => {
    const upTo20Digits = fc.tuple(
      fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }),
      nanos,
    ).map(([u, n]) => [u, u === 0 ? n : Math.sign(u) * Math.abs(n)] as const);
    fc.assert(
      fc.property(upTo20Digits, ([u, n]) => {
        expect(moneyToNumber(u, n)).toBe(parseFloat(exactDecimal(u, n)));
      }),
      { numRuns: 5000 },
    );
  });

  it("is the nearest double to the exact decimal for every safe integer of units", () => {
    fc.assert(
      fc.property(sameSign, ([u, n]) => {
        const x = moneyToNumber(u, n);
        expect(isNearest(x, u, n)).toBe(true);
        expect(x).toBe(parseFloat(exactDecimal(u, n)));
      }),
      { numRuns: 3000 },
    );
  });

  it("is exact even when nanos has the other sign or lies outside ±999,999,999", () => {
    const int32 = fc.integer({ min: -2_147_483_648, max: 2_147_483_647 });
    fc.assert(
      fc.property(units, int32, (u, n) => {
        expect(isNearest(moneyToNumber(u, n), u, n)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("is exact at the switch between the two formulas", () => {
    for (
      const u of [8_388_607, 8_388_608, 8_999_999, 9_000_000, 9_000_001, -8_999_999, -9_000_000]
    ) {
      for (const n of [1, 5, 10_000_000, 123_456_789, 500_000_000, 999_999_999]) {
        const nn = u < 0 ? -n : n;
        expect(isNearest(moneyToNumber(u, nn), u, nn)).toBe(true);
      }
    }
  });

  it("detects a value that is not the nearest double", () => {
    expect(isNearest(0.030000000000000002, 0, 30_000_000)).toBe(false);
    expect(isNearest(0.03, 0, 30_000_000)).toBe(true);
  });
});
