/**
 * The SET tick ladder. Internally prices are integer satang (0.01 THB); every
 * band's lower bound is a multiple of both its own tick and the tick below it,
 * so stepping one tick at a time never leaves the ladder.
 *
 * @module
 */

/** Upper bound (exclusive, satang) and tick (satang) of each band, lowest first. */
const BANDS: readonly (readonly [number, number])[] = [
  [200, 1],
  [500, 2],
  [1_000, 5],
  [2_500, 10],
  [10_000, 25],
  [20_000, 50],
  [40_000, 100],
];
const TOP_TICK = 200;

/**
 * Tick size of the band holding a price, in satang.
 * @param satang Price in satang.
 * @returns The tick in satang; a price exactly at a boundary takes the higher band's tick.
 */
export function tickSatang(satang: number): number {
  for (let i = 0; i < BANDS.length; i++) {
    if (satang < BANDS[i]![0]) return BANDS[i]![1];
  }
  return TOP_TICK;
}

/**
 * The SET tick size (minimum price step) for a price in THB. A price exactly at
 * a band boundary takes the higher band's tick.
 *
 * @param price Price in THB, finite and >= 0.
 * @returns The tick in THB: 0.01 below 2, 0.02 below 5, 0.05 below 10, 0.10 below 25,
 *   0.25 below 100, 0.50 below 200, 1 below 400, 2 from 400 up.
 * @throws RangeError when the price is negative or not finite.
 * @example Ticks around band boundaries
 * ```ts
 * import { tickSize } from "@tickwire/tickwire/connectors/synthetic";
 * console.log(tickSize(1.99), tickSize(2), tickSize(399), tickSize(400)); // 0.01 0.02 1 2
 * ```
 */
export function tickSize(price: number): number {
  if (!Number.isFinite(price) || price < 0) {
    throw new RangeError(`[synthetic] price must be a finite number >= 0, got "${String(price)}"`);
  }
  for (let i = 0; i < BANDS.length; i++) {
    if (price < BANDS[i]![0] / 100) return BANDS[i]![1] / 100;
  }
  return TOP_TICK / 100;
}

/**
 * @param satang A price on the ladder.
 * @returns The next price up the ladder.
 */
export function tickUp(satang: number): number {
  return satang + tickSatang(satang);
}

/**
 * @param satang A price on the ladder, above 1 satang.
 * @returns The next price down the ladder.
 */
export function tickDown(satang: number): number {
  return satang - tickSatang(satang - 1);
}

/**
 * @param satang Any positive integer price.
 * @returns The nearest ladder price at or below it (at least 1 satang).
 */
export function snapDown(satang: number): number {
  const p = Math.max(1, Math.floor(satang));
  return p - (p % tickSatang(p));
}

/**
 * @param satang Any positive integer price.
 * @returns The nearest ladder price at or above it.
 */
export function snapUp(satang: number): number {
  const p = snapDown(satang);
  return p < satang ? tickUp(p) : p;
}
