/**
 * The dispatcher's drop-rate monitor: an exponential moving average of
 * `dropped / pushed` per sample, with one warning per excursion above a threshold.
 *
 * @module
 */

import type { Logger } from "./log.ts";

/** Settings of {@link DropRateMonitor}. */
export interface DropRateSettings {
  readonly logger: Logger;
  /** EMA above which one warning is logged; re-armed below half of it. */
  readonly threshold: number;
  /** Smoothing factor per sample, 0 < alpha <= 1. */
  readonly alpha: number;
  /** Overflow policy named in the warning. */
  readonly policy: string;
  /** Capacity reported in the warning. */
  readonly capacity: number;
}

/** EMA of the drop rate between samples; the EMA starts at 0. */
export class DropRateMonitor {
  readonly #settings: DropRateSettings;
  #ema = 0;
  #lastPushed = 0;
  #lastDropped = 0;
  #warned = false;

  /** @param settings Logger, threshold, smoothing and what to report. */
  constructor(settings: DropRateSettings) {
    this.#settings = settings;
  }

  /** The last EMA, from 0 to 1. */
  get ema(): number {
    return this.#ema;
  }

  /**
   * Folds in the drop rate since the previous sample (0 when nothing was pushed).
   * @param pushed Running total of events pushed.
   * @param dropped Running total of events dropped.
   * @returns The new EMA.
   */
  sample(pushed: number, dropped: number): number {
    const s = this.#settings;
    const dp = pushed - this.#lastPushed;
    const rate = dp > 0 ? (dropped - this.#lastDropped) / dp : 0;
    this.#lastPushed = pushed;
    this.#lastDropped = dropped;
    const ema = s.alpha * rate + (1 - s.alpha) * this.#ema;
    this.#ema = ema;
    if (!this.#warned && ema > s.threshold) {
      this.#warned = true;
      s.logger.warn(
        `[dispatcher] dropping ${(ema * 100).toFixed(2)}% of events under "${s.policy}"` +
          "; the consumer is slower than the feed",
        { dropRateEma: ema, threshold: s.threshold, capacity: s.capacity, pushed, dropped },
      );
    } else if (this.#warned && ema < s.threshold / 2) {
      this.#warned = false;
    }
    return ema;
  }
}
