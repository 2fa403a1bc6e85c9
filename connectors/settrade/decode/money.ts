/**
 * Exact conversion of `google.type.Money` (`units` + `nanos` billionths) to a
 * number: the nearest double to the decimal `units + nanos / 10^9`, i.e. the
 * number `parseFloat` gives for that decimal written out.
 *
 * ## Why the rule is exact
 *
 * - While |units| < 9,000,000 the numerator `units * 1e9 + nanos` is an integer
 *   below 2^53 (even for any int32 `nanos`), so it is exact, and one IEEE
 *   division by 1e9 rounds the exact quotient once: the nearest double.
 * - From |units| ≥ 9,000,000 (> 2^23) the result's ulp is at least 2^-29.
 *   `nanos / 1e9` is rounded once, with an error of at most 2^-52 (any int32
 *   `nanos`, |q| < 2.15). A decimal with 9 fraction digits differs from a
 *   rounding midpoint `m / 2^30` by a non-zero multiple of
 *   1 / (5^9 · 2^30) ≈ 2^-50.9 or by exactly 0; in the latter case
 *   `nanos / 1e9` is a dyadic fraction with no rounding error at all. So the
 *   small error never crosses a midpoint and `units + nanos / 1e9` rounds to
 *   the nearest double too (e.g. 5,432,109,876.12).
 * - `units + nanos * 1e-9` is not exact: `1e-9` is itself rounded, so 0.03
 *   becomes 0.030000000000000002 and 1.14 becomes 1.1400000000000001 (0.01
 *   happens to survive it).
 *
 * `units` must be an exact integer (|units| ≤ 2^53 − 1); the decoders reject
 * larger ones with a `DecodeError` of code `"overflow"`. `nanos` is expected to
 * carry the sign of `units` (as google.type.Money requires), but the result is
 * the exact decimal's nearest double whatever the signs.
 *
 * @module
 */

/**
 * Converts money units and nanos to the nearest double of `units + nanos / 1e9`.
 *
 * @param units Whole units, an integer with |units| ≤ 2^53 − 1.
 * @param nanos Billionths of a unit, an int32 (normally with the sign of `units`).
 * @returns The nearest number to the exact decimal value.
 * @example Prices that naive arithmetic gets wrong
 * ```ts
 * import { moneyToNumber } from "./money.ts";
 * console.log(moneyToNumber(0, 10_000_000)); // 0.01
 * console.log(moneyToNumber(5_432_109_876, 120_000_000)); // 5432109876.12
 * console.log(moneyToNumber(-1, -750_000_000)); // -1.75
 * ```
 */
export function moneyToNumber(units: number, nanos: number): number {
  return units < 9_000_000 && units > -9_000_000
    ? (units * 1e9 + nanos) / 1e9
    : units + nanos / 1e9;
}
