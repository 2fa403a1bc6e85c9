/**
 * REST rate limits: fixed windows aligned to the wall clock's seconds and
 * minutes (inferred, as the client assumes), reported on every answer with
 * `X-RateLimit-Limit-second`, `X-RateLimit-Limit-minute`,
 * `X-RateLimit-Remaining-second` and `X-RateLimit-Remaining-minute`.
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";

/** The outcome of one request against the limits. */
export interface RateDecision {
  /** Whether the request may be served. */
  readonly ok: boolean;
  /** Headers to send, whatever the outcome. */
  readonly headers: Record<string, string>;
}

interface Window {
  id: number;
  used: number;
}

/** Counts requests per second and per minute. */
export class RateLimits {
  readonly #clock: Clock;
  readonly #perSecond: number;
  readonly #perMinute: number;
  readonly #second: Window = { id: -1, used: 0 };
  readonly #minute: Window = { id: -1, used: 0 };

  readonly #announce: boolean;

  /**
   * @param clock Wall clock. @param perSecond Limit per second. @param perMinute Limit per minute.
   * @param announce Whether answers carry the `X-RateLimit-*` headers.
   */
  constructor(clock: Clock, perSecond: number, perMinute: number, announce = true) {
    this.#clock = clock;
    this.#perSecond = perSecond;
    this.#perMinute = perMinute;
    this.#announce = announce;
  }

  /** @returns Whether one more request fits, and the headers to send. */
  take(): RateDecision {
    const now = this.#clock.now();
    for (const [w, size] of [[this.#second, 1_000], [this.#minute, 60_000]] as const) {
      const id = Math.floor(now / size);
      if (w.id !== id) {
        w.id = id;
        w.used = 0;
      }
    }
    const ok = this.#second.used < this.#perSecond && this.#minute.used < this.#perMinute;
    if (ok) {
      this.#second.used++;
      this.#minute.used++;
    }
    const headers: Record<string, string> = this.#announce
      ? {
        "X-RateLimit-Limit-second": String(this.#perSecond),
        "X-RateLimit-Limit-minute": String(this.#perMinute),
        "X-RateLimit-Remaining-second": String(Math.max(0, this.#perSecond - this.#second.used)),
        "X-RateLimit-Remaining-minute": String(Math.max(0, this.#perMinute - this.#minute.used)),
      }
      : {};
    if (!ok) {
      const size = this.#minute.used >= this.#perMinute ? 60_000 : 1_000;
      const waitMs = (Math.floor(now / size) + 1) * size - now;
      headers["Retry-After"] = String(Math.max(1, Math.ceil(waitMs / 1_000)));
    }
    return { ok, headers };
  }
}
