/**
 * Longer candlesticks from the synthetic 1-minute bars: the open bar of each
 * interval, updated on every 1-minute update (which repeats while its minute is open).
 *
 * @module
 */

import type { BarEvent } from "../../../src/events.ts";
import { INTERVAL_MINUTES } from "./_topics.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Bangkok time is UTC+7 all year. */
const BANGKOK_OFFSET = 7 * 3_600_000;

/**
 * Opening time of the interval holding `ts`.
 * @param ts Epoch ms.
 * @param interval A key of {@link INTERVAL_MINUTES}.
 * @returns Epoch ms; days start at midnight in Bangkok.
 */
export function bucketStart(ts: number, interval: string): number {
  const minutes = INTERVAL_MINUTES[interval] ?? 1;
  if (minutes === 1_440) return Math.floor((ts + BANGKOK_OFFSET) / DAY) * DAY - BANGKOK_OFFSET;
  const size = minutes * MINUTE;
  return Math.floor(ts / size) * size;
}

interface Totals {
  open: number;
  high: number;
  low: number;
  volume: number;
  value: number;
}

interface Open {
  start: number;
  /** Minutes of the interval already closed. */
  done: Totals | undefined;
  minuteTs: number;
  minute: BarEvent;
}

/** Aggregates 1-minute bars per symbol and interval. */
export class BarAggregator {
  readonly #open = new Map<string, Open>();

  /**
   * The open bar of `interval` after a 1-minute update.
   * @param bar A 1-minute bar (repeated while its minute is open).
   * @param interval Target interval.
   * @returns The bar of `interval` holding it.
   */
  update(bar: BarEvent, interval: string): BarEvent {
    if (interval === bar.interval) return bar;
    const key = `${bar.symbol}/${interval}`;
    const start = bucketStart(bar.openTs, interval);
    let s = this.#open.get(key);
    if (s === undefined || s.start !== start) {
      s = { start, done: undefined, minuteTs: bar.openTs, minute: bar };
      this.#open.set(key, s);
    } else if (s.minuteTs !== bar.openTs) {
      s.done = merge(s.done, s.minute);
      s.minuteTs = bar.openTs;
      s.minute = bar;
    } else {
      s.minute = bar;
    }
    const t = merge(s.done, bar);
    return {
      ...bar,
      interval,
      openTs: start,
      open: t.open,
      high: t.high,
      low: t.low,
      volume: t.volume,
      value: t.value,
    };
  }
}

function merge(done: Totals | undefined, bar: BarEvent): Totals {
  if (done === undefined) {
    return {
      open: bar.open,
      high: bar.high,
      low: bar.low,
      volume: bar.volume,
      value: bar.value ?? 0,
    };
  }
  return {
    open: done.open,
    high: Math.max(done.high, bar.high),
    low: Math.min(done.low, bar.low),
    volume: done.volume + bar.volume,
    // Sums of values in satang-exact THB, rounded back to 2 decimals.
    value: Math.round((done.value + (bar.value ?? 0)) * 100) / 100,
  };
}
