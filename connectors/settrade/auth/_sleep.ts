/**
 * A cancellable sleep on an injectable clock.
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";

/** The abort reason, or a standard `AbortError` when the signal has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Waits `ms` on `clock`, rejecting with the abort reason as soon as `signal` aborts.
 * @param clock Timer source.
 * @param ms Delay in milliseconds (0 or less still yields to a timer tick).
 * @param signal Cancels the wait.
 * @returns Resolves after the delay.
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
