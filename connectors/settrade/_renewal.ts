/**
 * When the Settrade connector renews its access token: a timer set at the
 * token's `refreshAt` (never sooner than {@link MIN_RENEWAL_DELAY_MS}), and,
 * after a failed renewal, again after a backoff delay. One renewal runs at a
 * time; cancelling stops the timer and aborts the renewal in flight.
 *
 * @module
 */

import type { Clock, TimerHandle } from "../../src/clock.ts";
import { ConnectionError } from "../../src/errors.ts";
import { backoffDelay, type BackoffPolicy } from "../../src/kit/backoff.ts";

/**
 * Shortest wait before a token renewal, ms: bounds the renewal rate when the
 * server hands out tokens that expire (almost) at once.
 * @example Reading the floor
 * ```ts
 * import { MIN_RENEWAL_DELAY_MS } from "./_renewal.ts";
 * console.log(MIN_RENEWAL_DELAY_MS); // 200
 * ```
 */
export const MIN_RENEWAL_DELAY_MS = 200;

/** Schedules renewals on a clock. */
export class RenewalTimer {
  readonly #clock: Clock;
  readonly #policy: BackoffPolicy;
  readonly #run: (signal: AbortSignal) => Promise<void>;
  #timer: TimerHandle | undefined;
  #inFlight: AbortController | undefined;
  #failures = 0;

  /**
   * @param clock Timer source.
   * @param policy Backoff after failures.
   * @param run One renewal; gets a signal that aborts when cancelled.
   */
  constructor(clock: Clock, policy: BackoffPolicy, run: (signal: AbortSignal) => Promise<void>) {
    this.#clock = clock;
    this.#policy = policy;
    this.#run = run;
  }

  /**
   * Schedules the next renewal at `refreshAt` (wall ms), replacing any other.
   * @param refreshAt When the token should be renewed; nothing is scheduled when undefined.
   */
  schedule(refreshAt: number | undefined): void {
    this.cancel();
    if (refreshAt === undefined) return;
    this.#start(Math.max(MIN_RENEWAL_DELAY_MS, refreshAt - this.#clock.now()));
  }

  /**
   * Schedules another try after a backoff delay (the failures count up).
   * @returns The delay, ms.
   */
  retry(): number {
    const delay = Math.round(backoffDelay(++this.#failures, this.#policy));
    this.#start(delay);
    return delay;
  }

  /** Resets the failure count after a renewal that worked. */
  succeeded(): void {
    this.#failures = 0;
  }

  /** Stops the timer and aborts the renewal in flight, if any. */
  cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort(new ConnectionError("[settrade] token renewal cancelled"));
    this.#inFlight = undefined;
  }

  #start(delay: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      const ac = new AbortController();
      this.#inFlight = ac;
      void this.#run(ac.signal).finally(() => {
        if (this.#inFlight === ac) this.#inFlight = undefined;
      });
    }, delay);
  }
}
