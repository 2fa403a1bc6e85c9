/**
 * The reconnect loop every connector shares: attempts with backoff (full jitter
 * by default) and a cap, bounded by `maxAttempts`, cancelled by an `AbortSignal`,
 * on an injectable clock; and {@link connectWithRetry}, which runs it through a
 * connector's {@link Lifecycle} so `connecting` and `reconnecting` come out in
 * the contract's order.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { ConnectionError, isAuthError, isConfigError, reasonOf } from "../errors.ts";
import { backoffDelay, DEFAULT_RECONNECT, type ReconnectPolicy } from "./backoff.ts";
import type { Lifecycle } from "./lifecycle.ts";

/**
 * The abort reason of a signal, or a standard `AbortError` when it has none.
 * @param signal An aborted signal.
 * @returns What to throw.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Waits `ms` on `clock`, rejecting with the abort reason as soon as `signal` aborts.
 * @param clock Timer source.
 * @param ms Delay in milliseconds (0 or less still yields to a timer tick).
 * @param signal Cancels the wait.
 * @returns Resolves after the delay.
 * @example
 * ```ts
 * import { sleep, systemClock } from "@tickwire/tickwire";
 * await sleep(systemClock, 1);
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal!));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Whether an error ends a connector instead of being retried, by default: a
 * `ConfigError`, or an `AuthError` with an HTTP 4xx status other than 408 and
 * 429 (a refused key or secret, whose repetition cannot succeed and could lock
 * the account out).
 * @param e A failure of one attempt.
 * @returns `true` when retrying cannot help.
 * @example
 * ```ts
 * import { AuthError, isFatalError } from "@tickwire/tickwire";
 * console.log(isFatalError(new AuthError("refused", { status: 401 }))); // true
 * ```
 */
export function isFatalError(e: unknown): boolean {
  if (isConfigError(e)) return true;
  if (!isAuthError(e)) return false;
  const status = e.status;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 &&
    status !== 429;
}

/** What {@link retryWithBackoff} calls around each attempt. */
export interface RetryHooks<T> {
  /** One attempt. */
  attempt(signal: AbortSignal): Promise<T>;
  /** Before each attempt (a connector emits `connecting`). */
  beforeAttempt?(): void;
  /** Before each wait (a connector emits `reconnecting`); `error` is the previous failure. */
  onRetry?(attempt: number, delayMs: number, error: unknown): void;
}

/** Where {@link retryWithBackoff} starts and what it runs on. */
export interface RetryRun {
  /** Delays and the number of retries. @default DEFAULT_RECONNECT */
  readonly policy?: ReconnectPolicy;
  /** Timer source. */
  readonly clock: Clock;
  /** Stops the loop: it rejects with the abort reason. */
  readonly signal: AbortSignal;
  /** 0 to try at once (a first connection); 1 to wait first (after a loss). @default 0 */
  readonly startAttempt?: 0 | 1;
  /** The loss that started a reconnect (reported with attempt 1). */
  readonly cause?: unknown;
  /** Which failures end the loop at once. @default isFatalError */
  readonly isFatal?: (e: unknown) => boolean;
  /** Uniform random source for jitter. @default Math.random */
  readonly random?: () => number;
  /** Prefix of the give-up message (`[name]`). @default "[tickwire]" */
  readonly label?: string;
}

/**
 * Runs attempts until one succeeds, one fails for good, `maxAttempts` retries
 * are spent, or the signal aborts.
 *
 * @param hooks The attempt and the callbacks around it.
 * @param run Policy, clock, signal and where to start.
 * @returns The successful attempt's result.
 * @throws The abort reason; a fatal error as is; after the last retry, the last
 *   error if it is an `AuthError`, else a `ConnectionError` naming the count.
 * @example Three attempts, the third succeeds
 * ```ts
 * import { retryWithBackoff, systemClock } from "@tickwire/tickwire";
 * let n = 0;
 * const value = await retryWithBackoff({
 *   attempt: async () => { if (++n < 3) throw new Error("refused"); return n; },
 * }, { clock: systemClock, signal: AbortSignal.timeout(5_000), policy: {
 *   initialDelayMs: 1, maxDelayMs: 5, multiplier: 2, jitter: "full", maxAttempts: 5,
 * } });
 * console.log(value); // 3
 * ```
 */
export async function retryWithBackoff<T>(hooks: RetryHooks<T>, run: RetryRun): Promise<T> {
  const { clock, signal } = run;
  const policy = run.policy ?? DEFAULT_RECONNECT;
  const random = run.random ?? Math.random;
  const fatal = run.isFatal ?? isFatalError;
  let attempt: number = run.startAttempt ?? 0;
  let last: unknown = run.cause;
  for (;;) {
    if (signal.aborted) throw abortReason(signal);
    if (attempt > 0) {
      if (attempt > policy.maxAttempts) throw gaveUp(run.label ?? "[tickwire]", attempt - 1, last);
      const delayMs = Math.round(backoffDelay(attempt, policy, random));
      hooks.onRetry?.(attempt, delayMs, last);
      await sleep(clock, delayMs, signal);
    }
    hooks.beforeAttempt?.();
    try {
      return await hooks.attempt(signal);
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      if (fatal(e)) throw e;
      last = e;
    }
    attempt++;
  }
}

function gaveUp(label: string, retries: number, last: unknown): unknown {
  if (isAuthError(last)) return last;
  const detail = last === undefined ? "" : `: ${reasonOf(last)}`;
  return new ConnectionError(
    retries === 0
      ? `${label} connection failed and reconnecting is off${detail}`
      : `${label} gave up after ${retries} reconnect attempt${retries === 1 ? "" : "s"}${detail}`,
    { cause: last },
  );
}

/** Options of {@link connectWithRetry}: a {@link RetryRun} without the label. */
export type ConnectRun = Omit<RetryRun, "label">;

/**
 * Opens a connection through a connector's lifecycle: `connecting` before each
 * attempt, `reconnecting` (attempt, delay, the failure as reason and its code)
 * before each wait. Call `life.connected()` once the result is subscribed.
 *
 * @param life The connector's lifecycle.
 * @param open One attempt: resolves with the open connection.
 * @param run Clock, signal, policy and where to start.
 * @returns What `open` resolved with.
 * @throws As {@link retryWithBackoff}.
 * @example
 * ```ts
 * import { connectWithRetry, Lifecycle, systemClock } from "@tickwire/tickwire";
 * const sink = { event: () => true, status: () => {}, decodeError: () => {}, drain: async () => {} };
 * const life = new Lifecycle("demo", sink, systemClock);
 * const socket = await connectWithRetry(life, async () => "open", {
 *   clock: systemClock, signal: AbortSignal.timeout(1_000),
 * });
 * life.connected();
 * console.log(socket, life.epoch); // open 0
 * ```
 */
export function connectWithRetry<T>(
  life: Lifecycle,
  open: (signal: AbortSignal) => Promise<T>,
  run: ConnectRun,
): Promise<T> {
  return retryWithBackoff({
    attempt: open,
    beforeAttempt: () => life.connecting(),
    onRetry: (attempt, delayMs, error) => {
      const code = (error as { code?: unknown } | undefined)?.code;
      life.reconnecting(
        attempt,
        delayMs,
        error === undefined ? undefined : reasonOf(error),
        typeof code === "string" ? code : undefined,
      );
    },
  }, { ...run, label: `[${life.source}]` });
}
