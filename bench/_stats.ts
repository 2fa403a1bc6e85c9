/**
 * Small statistics and formatting helpers shared by the benchmark sections.
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";

/**
 * The median of some numbers (the mean of the two middle ones for an even count).
 * @param values At least one number.
 * @returns The median.
 * @example
 * ```ts
 * import { median } from "./_stats.ts";
 * console.log(median([3, 1, 2])); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Latency percentiles, nanoseconds. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** An HDR histogram of nanoseconds, 1 ns to 60 s, 3 significant digits. */
export interface NanoHistogram {
  /** Records one value in nanoseconds (clamped to the histogram's range). */
  record(ns: number): void;
  /** @returns The percentiles so far. */
  percentiles(): Percentiles;
}

/**
 * Builds an HDR histogram (`hdr-histogram-js`, JavaScript backend) of nanoseconds.
 * @returns The histogram.
 * @example
 * ```ts
 * import { nanoHistogram } from "./_stats.ts";
 * const h = nanoHistogram();
 * h.record(250);
 * console.log(h.percentiles().p50); // 250
 * ```
 */
export function nanoHistogram(): NanoHistogram {
  const max = 60e9;
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: max,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  return {
    record(ns: number): void {
      h.recordValue(ns < 1 ? 1 : ns > max ? max : Math.round(ns));
    },
    percentiles(): Percentiles {
      return {
        count: h.totalCount,
        p50: h.getValueAtPercentile(50),
        p99: h.getValueAtPercentile(99),
        p999: h.getValueAtPercentile(99.9),
        max: h.maxValue,
        mean: Math.round(h.mean),
      };
    },
  };
}

/**
 * Formats a rate with a metric suffix: `4.12 M`, `865 k`.
 * @param perSecond Events per second.
 * @returns The text.
 */
export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "-";
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} k`;
  return perSecond.toFixed(0);
}

/**
 * Formats nanoseconds as ns, µs or ms.
 * @param ns Nanoseconds.
 * @returns The text.
 */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return "-";
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(0)} µs`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/**
 * Formats bytes as MB (10^6) with a sign.
 * @param bytes Bytes.
 * @returns The text.
 */
export function fmtMB(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 0 ? "+" : ""}${mb.toFixed(2)} MB`;
}

/**
 * A monotonic clock in nanoseconds as a double, comparable across processes on
 * one machine: `performance.now()` shifted onto `process.hrtime` (both read the
 * system's monotonic clock), without allocating per call. The shift is taken
 * from the tightest of several bracketed readings (the first call of either
 * clock may be slow), so it is exact to a few tens of nanoseconds.
 * @returns A function returning the time in nanoseconds.
 */
export function monoNanos(): () => number {
  performance.now();
  process.hrtime.bigint();
  let gap = Infinity;
  let base = 0;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    const h = Number(process.hrtime.bigint());
    const b = performance.now();
    if (b - a < gap) {
      gap = b - a;
      base = h - ((a + b) / 2) * 1e6;
    }
  }
  return () => base + performance.now() * 1e6;
}

/**
 * Formats repeated measurements as their median and spread:
 * `1.20 M (1.10 M … 1.31 M, ±9 %)`, the ± being half the range over the median.
 * @param values At least one measurement.
 * @param fmt Formats one value.
 * @returns The text (the bare median for a single value).
 * @example
 * ```ts
 * import { fmtRate, fmtSpread } from "./_stats.ts";
 * console.log(fmtSpread([900e3, 1.1e6, 1e6], fmtRate)); // "1.00 M (900 k … 1.10 M, ±10 %)"
 * ```
 */
export function fmtSpread(values: readonly number[], fmt: (v: number) => string): string {
  if (values.length === 0) return "-";
  const m = median(values);
  if (values.length === 1) return fmt(m);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pm = m > 0 ? ((hi - lo) / 2 / m) * 100 : 0;
  return `${fmt(m)} (${fmt(lo)} … ${fmt(hi)}, ±${pm.toFixed(0)} %)`;
}
