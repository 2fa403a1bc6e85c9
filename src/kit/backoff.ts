/**
 * Reconnect policy and backoff delays, shared by every connector.
 *
 * @module
 */

/**
 * How a connector retries: exponential backoff with jitter and a cap, bounded by
 * a number of attempts. Every connector built on the kit reads the same shape
 * under its `reconnect` option.
 */
export interface ReconnectPolicy {
  /** Delay before the first retry, ms. @default 500 */
  readonly initialDelayMs: number;
  /** Cap on any delay, ms (applied after jitter). @default 30_000 */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). @default 2 */
  readonly multiplier: number;
  /**
   * `"full"`: each delay is drawn uniformly from [0, the exponential delay]
   * ("full jitter", which spreads a crowd of clients best); a number in [0, 1]:
   * the delay is spread by ± that fraction (0.2 means ± 20 %). @default "full"
   */
  readonly jitter: "full" | number;
  /** Retries after a loss (or a failed first attempt) before giving up. @default Infinity */
  readonly maxAttempts: number;
}

/**
 * The defaults of {@link ReconnectPolicy}.
 * @example
 * ```ts
 * import { DEFAULT_RECONNECT } from "@tickwire/tickwire";
 * console.log(DEFAULT_RECONNECT.jitter); // "full"
 * ```
 */
export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: "full",
  maxAttempts: Infinity,
});

/** The part of a policy that sets the delays. */
export type BackoffPolicy = Pick<
  ReconnectPolicy,
  "initialDelayMs" | "maxDelayMs" | "multiplier" | "jitter"
>;

/**
 * The delay before retry number `attempt`: `initialDelayMs * multiplier^(attempt - 1)`,
 * capped at `maxDelayMs`, then jittered (full jitter: uniform in [0, that];
 * a fraction: ± that share of it), and capped again.
 *
 * @param attempt Retry number, from 1.
 * @param policy The backoff policy.
 * @param random Uniform source in [0, 1). @default Math.random
 * @returns Milliseconds to wait, in [0, maxDelayMs].
 * @example Delays of a 500 ms / ×2 / 30 s policy without jitter
 * ```ts
 * import { backoffDelay } from "@tickwire/tickwire";
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
  if (policy.jitter === "full") return Math.min(policy.maxDelayMs, base * random());
  const spread = base * policy.jitter;
  const delay = base - spread + 2 * spread * random();
  return Math.min(policy.maxDelayMs, Math.max(0, delay));
}
