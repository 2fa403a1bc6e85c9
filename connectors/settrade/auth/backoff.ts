/**
 * Exponential backoff with jitter and a cap, shared by login retries and reconnects.
 *
 * @module
 */

/** The shape of a backoff policy (see `SettradeReconnectOptions` for the defaults). */
export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  readonly initialDelayMs: number;
  /** Cap on any delay, ms (applied after jitter). */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). */
  readonly multiplier: number;
  /** Random spread as a fraction of the delay: 0.2 means ±20 %. */
  readonly jitter: number;
}

/**
 * The delay before retry number `attempt`: `initialDelayMs * multiplier^(attempt - 1)`,
 * spread by ±`jitter`, capped at `maxDelayMs`.
 *
 * @param attempt Retry number, from 1.
 * @param policy The backoff policy.
 * @param random Uniform source in [0, 1). @default Math.random
 * @returns Milliseconds to wait, in [0, maxDelayMs].
 * @example Delays of a 500 ms / ×2 / 30 s policy without jitter
 * ```ts
 * import { backoffDelay } from "@tickwire/tickwire/connectors/settrade";
 * const policy = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0 };
 * console.log([1, 2, 3, 10].map((n) => backoffDelay(n, policy))); // [500, 1000, 2000, 30000]
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.max(0, Math.floor(attempt) - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exp);
  const spread = base * policy.jitter;
  const delay = base - spread + 2 * spread * random();
  return Math.min(policy.maxDelayMs, Math.max(0, delay));
}
