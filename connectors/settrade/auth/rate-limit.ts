/**
 * Settrade's REST rate limits: every response carries `X-RateLimit-Limit-second`,
 * `X-RateLimit-Limit-minute`, `X-RateLimit-Remaining-second` and
 * `X-RateLimit-Remaining-minute`. {@link RateLimiter} remembers the remaining
 * budget and holds a request back while the current window's budget is spent;
 * {@link RestClient} wraps `fetch` with it, a timeout and bounded 429 retries.
 *
 * Inferred (not documented by Settrade): windows are fixed and aligned to the wall
 * clock's second and minute boundaries, the way the API gateway these header names
 * come from counts them; a 429 without `Retry-After` clears at the next window.
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";
import { systemClock } from "../../../src/clock.ts";
import { ConnectionError } from "../../../src/errors.ts";
import { abortReason, sleep } from "../../../src/kit/retry.ts";

/** What the limiter knows, for health and tests. `undefined` when never reported. */
export interface RateLimitSnapshot {
  /** Requests allowed per second, from the last `X-RateLimit-Limit-second` header. */
  readonly limitSecond: number | undefined;
  /** Requests allowed per minute, from the last `X-RateLimit-Limit-minute` header. */
  readonly limitMinute: number | undefined;
  /** Remaining budget of the current second window, as counted here. */
  readonly remainingSecond: number | undefined;
  /** Remaining budget of the current minute window, as counted here. */
  readonly remainingMinute: number | undefined;
  /** Wall time (epoch ms) before which no request is sent (after a 429). */
  readonly blockedUntil: number;
}

interface Window {
  id: number;
  remaining: number | undefined;
  limit: number | undefined;
}

/** Longest `Retry-After` honoured, ms: a larger value is capped (inferred safety). */
const MAX_RETRY_AFTER_MS = 300_000;

function header(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Tracks the server's rate-limit budget and makes requests wait for the next window
 * when it is spent. Counts requests it lets through, so concurrent requests share
 * the budget before the server's answer arrives; a new window starts with the
 * limit last announced, so never more requests go out than the headers allow.
 *
 * @example Waiting for budget before each request
 * ```ts
 * import { RateLimiter } from "./rate-limit.ts";
 * const limiter = new RateLimiter();
 * await limiter.acquire();
 * limiter.update(429, new Headers({ "Retry-After": "1" }));
 * console.log(limiter.snapshot().blockedUntil > Date.now()); // true
 * ```
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #second: Window = { id: -1, remaining: undefined, limit: undefined };
  readonly #minute: Window = { id: -1, remaining: undefined, limit: undefined };
  #blockedUntil = 0;

  /**
   * Creates a limiter that knows no budget yet (nothing is held back until a response reports one).
   * @param clock Time source for windows and waits. @default systemClock
   */
  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /**
   * Reports the budget as counted now.
   * @returns What is known about the budget now.
   */
  snapshot(): RateLimitSnapshot {
    const now = this.#clock.now();
    const current = (w: Window, size: number) =>
      w.id === Math.floor(now / size) ? w.remaining : undefined;
    return {
      limitSecond: this.#second.limit,
      limitMinute: this.#minute.limit,
      remainingSecond: current(this.#second, 1_000),
      remainingMinute: current(this.#minute, 60_000),
      blockedUntil: this.#blockedUntil,
    };
  }

  /** Milliseconds to wait before a request may go out now (0 when it may). */
  #waitMs(now: number): number {
    let wait = this.#blockedUntil - now;
    for (const [w, size] of [[this.#second, 1_000], [this.#minute, 60_000]] as const) {
      const id = Math.floor(now / size);
      if (w.id === id && w.remaining !== undefined && w.remaining <= 0) {
        wait = Math.max(wait, (id + 1) * size - now);
      }
    }
    return Math.max(0, wait);
  }

  /**
   * Waits until the budget allows one more request, then counts it.
   * @param signal Cancels the wait (rejects with the abort reason).
   * @returns Resolves when the request may be sent.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = this.#clock.now();
      const wait = this.#waitMs(now);
      if (wait <= 0) {
        for (const [w, size] of [[this.#second, 1_000], [this.#minute, 60_000]] as const) {
          const id = Math.floor(now / size);
          if (w.id !== id && w.limit !== undefined) {
            // A new window: its budget is the announced limit, counted here until the
            // server's next answer reports it, so concurrent requests cannot overrun it.
            w.id = id;
            w.remaining = w.limit;
          }
          if (w.id === id && w.remaining !== undefined) w.remaining--;
        }
        return;
      }
      // Each wait ends at a later window boundary (or the 429 block), so this ends.
      await sleep(this.#clock, wait, signal);
    }
  }

  /**
   * Records a response's rate-limit headers; on 429 blocks until `Retry-After`
   * (seconds or an HTTP date, capped at 5 minutes) or, without it, the next window.
   * @param status HTTP status.
   * @param headers Response headers.
   */
  update(status: number, headers: Headers): void {
    const now = this.#clock.now();
    const pairs = [
      [this.#second, 1_000, "second"],
      [this.#minute, 60_000, "minute"],
    ] as const;
    for (const [w, size, unit] of pairs) {
      const limit = header(headers, `x-ratelimit-limit-${unit}`);
      const remaining = header(headers, `x-ratelimit-remaining-${unit}`);
      if (limit !== undefined) w.limit = limit;
      if (remaining === undefined) continue;
      const id = Math.floor(now / size);
      // Within one window keep the lower count: ours may already include requests
      // sent after the one this response answers.
      w.remaining = w.id === id && w.remaining !== undefined
        ? Math.min(w.remaining, remaining)
        : remaining;
      w.id = id;
    }
    if (status !== 429) return;
    let until: number | undefined;
    const retryAfter = headers.get("retry-after");
    if (retryAfter !== null) {
      const seconds = Number(retryAfter);
      const date = Date.parse(retryAfter);
      if (retryAfter.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) {
        until = now + seconds * 1_000;
      } else if (Number.isFinite(date)) until = date;
    }
    if (until === undefined) {
      const minuteSpent = this.#minute.id === Math.floor(now / 60_000) &&
        this.#minute.remaining !== undefined && this.#minute.remaining <= 0;
      const size = minuteSpent ? 60_000 : 1_000;
      until = (Math.floor(now / size) + 1) * size;
    }
    this.#blockedUntil = Math.max(this.#blockedUntil, Math.min(until, now + MAX_RETRY_AFTER_MS));
  }
}

/** The `fetch` a {@link RestClient} calls (the global one by default). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A REST response read to the end. */
export interface RestResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as text. */
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown;
}

/** Options of {@link RestClient}. */
export interface RestClientOptions {
  /** HTTP client. @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Time source for windows, waits and timeouts. @default systemClock */
  readonly clock?: Clock;
  /** Limiter to share between clients of the same credentials. @default a new one */
  readonly limiter?: RateLimiter;
  /** Timeout of one request, headers and body, ms. @default 15_000 */
  readonly timeoutMs?: number;
  /** Resends after a 429 (each after the limiter's wait). @default 2 */
  readonly maxRetriesOn429?: number;
}

/**
 * `fetch` behind a {@link RateLimiter}, with a timeout and bounded 429 retries; reads
 * the whole body. Network failures and timeouts become `ConnectionError`s naming the
 * method and path (never headers or bodies).
 *
 * @example A rate-limited GET (here to the local emulator's statistics)
 * ```ts
 * import { RestClient } from "./rate-limit.ts";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * const emulator = await startSettradeEmulator();
 * const rest = new RestClient({ timeoutMs: 5_000 });
 * const res = await rest.request(`${emulator.url}/_emulator/stats`, { method: "GET" });
 * console.log(res.status); // 200
 * await emulator.stop();
 * ```
 */
export class RestClient {
  /** The limiter this client waits on. */
  readonly limiter: RateLimiter;
  readonly #fetch: FetchLike;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #retries: number;

  /**
   * Creates a client; no request is sent until {@link RestClient.request}.
   * @param options Fetch, clock, limiter, timeout and 429 retries.
   * @throws RangeError when `timeoutMs` is not > 0 or `maxRetriesOn429` is negative.
   */
  constructor(options: RestClientOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.limiter = options.limiter ?? new RateLimiter(this.#clock);
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#retries = options.maxRetriesOn429 ?? 2;
    if (!(this.#timeoutMs > 0) || !(this.#retries >= 0)) {
      throw new RangeError("RestClient: timeoutMs must be > 0 and maxRetriesOn429 >= 0");
    }
  }

  /**
   * Sends one request (again after a 429, at most `maxRetriesOn429` times).
   * @param url Absolute URL.
   * @param init Method, headers, body.
   * @param signal Cancels waiting and the request (rejects with the abort reason).
   * @returns The response with its body read.
   * @throws ConnectionError on a network failure or timeout.
   */
  async request(url: string, init: RequestInit = {}, signal?: AbortSignal): Promise<RestResponse> {
    for (let attempt = 0;; attempt++) {
      await this.limiter.acquire(signal);
      const res = await this.#once(url, init, signal);
      this.limiter.update(res.status, res.headers);
      if (res.status !== 429 || attempt >= this.#retries) return res;
    }
  }

  async #once(url: string, init: RequestInit, signal?: AbortSignal): Promise<RestResponse> {
    const what = `${(init.method ?? "GET").toUpperCase()} ${pathOf(url)}`;
    // One controller for the timeout and the caller's signal, linked by a listener
    // removed afterwards: `AbortSignal.any` on a long-lived signal keeps a record
    // per request on some runtimes (Node 20), a leak over a long session.
    const timeout = new AbortController();
    const timer = this.#clock.setTimeout(() => timeout.abort(), this.#timeoutMs);
    const onAbort = (): void => timeout.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await this.#fetch(url, { ...init, signal: timeout.signal });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, ok: res.ok, headers: res.headers, text, json };
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (timeout.signal.aborted) {
        throw new ConnectionError(
          `[settrade] request timed out after ${this.#timeoutMs} ms: ${what}`,
        );
      }
      throw new ConnectionError(`[settrade] request failed: ${what}`, { cause: e });
    } finally {
      this.#clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
