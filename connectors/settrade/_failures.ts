/**
 * How the Settrade connector fails: which errors end it (the rest are
 * retried), how a login retried by the auth client shows in the statuses, and
 * the bound on start-up.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import { ConnectionError, isConfigError } from "../../src/errors.ts";
import type { Lifecycle } from "../../src/kit/lifecycle.ts";
import { reasonOf } from "../../src/errors.ts";
import { isLoginRefusal, type LoginRetryHooks } from "./auth/client.ts";

/**
 * The server's error code carried by an error, if any.
 * @param e Anything thrown.
 * @returns The code (`"E401"`, ...), or `undefined`.
 */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Whether an error ends the connector: only a refused login (bad key, secret,
 * app code or broker) or a configuration error (an unreadable CA file).
 * Everything else, a 401 on a token included, is retried.
 * @param e A failure.
 * @returns `true` when retrying cannot help.
 */
export function isFatal(e: unknown): boolean {
  return isConfigError(e) || isLoginRefusal(e);
}

/**
 * Reports the auth client's login retries while connecting, in the contract's
 * order: `reconnecting` (retry number, delay, the failure and the server's
 * code), then `connecting` when the next attempt begins.
 * @param life The connector's lifecycle.
 * @returns Hooks for `SettradeAuth`'s `onLoginRetry`.
 */
export function loginRetryReporter(life: Lifecycle): LoginRetryHooks {
  let retrying = false;
  return {
    onRetry(attempt, delayMs, error): void {
      // Only while connecting: a login during a token renewal keeps the connection up.
      if (life.phase !== "connecting") return;
      retrying = true;
      life.reconnecting(attempt, delayMs, `${reasonOf(error)} (login retry)`, errorCode(error));
    },
    beforeAttempt(): void {
      if (!retrying || life.phase !== "reconnecting") return;
      retrying = false;
      life.connecting();
    },
  };
}

/** A running start-up bound. */
export interface StartupTimeout {
  /** Aborts with a `ConnectionError` naming the host once the time is up. */
  readonly signal: AbortSignal;
  /** Stops the timer (the connection is up, or connecting ended otherwise). */
  cancel(): void;
}

/**
 * Bounds the first connection: after `ms`, the signal aborts with a
 * `ConnectionError` naming the host and the last failure.
 * @param clock Timer source. @param ms The bound (`connectTimeoutMs`).
 * @param url The REST base whose host is named.
 * @param lastError The last failure's reason, read when the time is up.
 * @returns The signal and a way to cancel it.
 */
export function startupTimeout(
  clock: Clock,
  ms: number,
  url: string,
  lastError: () => string | undefined,
): StartupTimeout {
  const ac = new AbortController();
  const timer = clock.setTimeout(() => {
    const last = lastError();
    ac.abort(
      new ConnectionError(
        `[settrade] could not connect to ${hostOf(url)} within ${ms} ms (connectTimeoutMs)${
          last === undefined ? "" : `; last error: ${last}`
        }`,
      ),
    );
  }, ms);
  return { signal: ac.signal, cancel: () => clock.clearTimeout(timer) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
