/**
 * Candlestick history for the market REST endpoint: a seeded walk on the SET
 * tick ladder that ends at the instrument's current price. The same seed,
 * symbol, interval and reference price give the same bars.
 *
 * @module
 */

import { tickSize } from "../../synthetic/mod.ts";
import { bucketStart } from "./_bars.ts";
import { INTERVAL_MINUTES } from "./_topics.ts";

/** Bars in columns, oldest first (inferred shape, after Settrade's SDK answers). */
export interface CandleColumns {
  readonly symbol: string;
  readonly interval: string;
  readonly lastSequence: number;
  /** Opening times, epoch seconds. */
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  readonly volume: number[];
  readonly value: number[];
}

/** Tick (satang) of the band holding a price in satang. */
const tick = (satang: number): number => Math.round(tickSize(satang / 100) * 100);
const up = (s: number): number => s + tick(s);
const down = (s: number): number => (s <= 1 ? 1 : s - tick(s - 1));

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function rng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number): number => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

function walk(s: number, steps: number): number {
  let p = s;
  for (let i = 0; i < Math.abs(steps); i++) p = steps > 0 ? up(p) : down(p);
  return p;
}

/**
 * Builds `limit` bars ending with the interval that holds `nowMs`.
 * @param seed Emulator seed. @param symbol Symbol. @param interval A served interval.
 * @param limit Number of bars (≥ 1). @param lastPrice Close of the newest bar, THB (> 0).
 * @param nowMs Current time, epoch ms.
 * @returns The bars in columns.
 */
export function candleHistory(
  seed: number,
  symbol: string,
  interval: string,
  limit: number,
  lastPrice: number,
  nowMs: number,
): CandleColumns {
  const draw = rng(hash(`${seed}/${symbol}/${interval}`));
  const minutes = INTERVAL_MINUTES[interval] ?? 1;
  const size = minutes * 60_000;
  const newest = bucketStart(nowMs, interval);
  const close = new Array<number>(limit);
  close[limit - 1] = Math.max(1, Math.round(lastPrice * 100));
  for (let i = limit - 1; i > 0; i--) close[i - 1] = walk(close[i]!, draw(7) - 3);
  const out: CandleColumns = {
    symbol,
    interval,
    lastSequence: limit,
    time: [],
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
    value: [],
  };
  for (let i = 0; i < limit; i++) {
    const c = close[i]!;
    const o = i === 0 ? walk(c, draw(3) - 1) : close[i - 1]!;
    const volume = 100 * (1 + draw(500)) * Math.min(minutes, 60);
    out.time.push(Math.floor((newest - (limit - 1 - i) * size) / 1_000));
    out.open.push(o / 100);
    out.high.push(walk(Math.max(o, c), draw(3)) / 100);
    out.low.push(walk(Math.min(o, c), -draw(3)) / 100);
    out.close.push(c / 100);
    out.volume.push(volume);
    out.value.push(Math.round((volume * (o + c)) / 2) / 100);
  }
  return out;
}
