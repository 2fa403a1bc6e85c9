/**
 * The reconnect loop: attempts with exponential backoff, jitter and a cap
 * (`backoffDelay`, policy from the `reconnect` options), bounded by
 * `maxAttempts`, cancelled by an `AbortSignal`, on an injectable clock.
 *
 * Which failures are final: a definitive authentication refusal (an
 * `AuthError` with an HTTP 4xx status other than 408 and 429: a bad key,
 * signature, app code or broker), whose repetition cannot succeed and could get
 * the app locked out; and a `ConfigError` (e.g. an unreadable `caFile`).
 * Everything else (network, timeouts, 5xx, a broker that refuses or drops the
 * connection) is retried.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import { ConnectionError, isAuthError, isConfigError } from "../../src/errors.ts";
import type { SettradeReconnectOptions } from "./config.ts";
import { abortReason, sleep } from "./auth/_sleep.ts";
import { backoffDelay } from "./auth/backoff.ts";

/**
 * Whether an error ends the feed instead of being retried.
 * @param e A failure of one attempt.
 * @returns `true` for a definitive authentication refusal or a configuration error.
 */
export function isFatal(e: unknown): boolean {
  if (isConfigError(e)) return true;
  if (!isAuthError(e)) return false;
  const status = e.status;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 &&
    status !== 429;
}

/**
 * The message of an error, shortened, for statuses and logs.
 * @param e Anything thrown.
 * @returns One line of at most 200 characters.
 */
export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === "string" ? e : String(e);
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** What the loop calls around each attempt. */
export interface RetryHooks<T> {
  /** One attempt. */
  attempt(signal: AbortSignal): Promise<T>;
  /** Before each attempt (emit `connecting`). */
  beforeAttempt(): void;
  /** Before each wait (emit `reconnecting`). `error` is the previous failure or loss. */
  onRetry(attempt: number, delayMs: number, error: unknown): void;
}

/** Where the loop starts and what it runs on. */
export interface RetryRun {
  readonly policy: SettradeReconnectOptions;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Uniform random source for jitter. @default Math.random */
  readonly random?: () => number;
  /** 0 to try at once (first connect); 1 to wait before the first attempt (after a loss). */
  readonly startAttempt: 0 | 1;
  /** The loss that started a reconnect (reported with attempt 1). */
  readonly cause?: unknown;
}

/**
 * Runs attempts until one succeeds, one fails for good, `maxAttempts` retries
 * are spent, or the signal aborts.
 *
 * @param hooks The attempt and the status callbacks.
 * @param run Policy, clock, signal and where to start.
 * @returns The successful attempt's result.
 * @throws The abort reason; a fatal error as is; after the last retry, the last
 *   error if it is an `AuthError`, else a `ConnectionError` naming the count.
 */
export async function retryWithBackoff<T>(hooks: RetryHooks<T>, run: RetryRun): Promise<T> {
  const { policy, clock, signal } = run;
  const random = run.random ?? Math.random;
  let attempt: number = run.startAttempt;
  let last: unknown = run.cause;
  for (;;) {
    if (signal.aborted) throw abortReason(signal);
    if (attempt > 0) {
      if (attempt > policy.maxAttempts) throw gaveUp(attempt - 1, last);
      const delayMs = Math.round(backoffDelay(attempt, policy, random));
      hooks.onRetry(attempt, delayMs, last);
      await sleep(clock, delayMs, signal);
    }
    hooks.beforeAttempt();
    try {
      return await hooks.attempt(signal);
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      if (isFatal(e)) throw e;
      last = e;
    }
    attempt++;
  }
}

function gaveUp(retries: number, last: unknown): unknown {
  if (isAuthError(last)) return last;
  const detail = last === undefined ? "" : `: ${messageOf(last)}`;
  return new ConnectionError(
    retries === 0
      ? `[settrade] connection failed and reconnecting is off${detail}`
      : `[settrade] gave up after ${retries} reconnect attempt${retries === 1 ? "" : "s"}${detail}`,
    { cause: last },
  );
}
