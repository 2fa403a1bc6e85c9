/**
 * Fault state shared by the REST server and the publisher: refused logins, a
 * publishing stall, and malformed payloads (a count, or a seeded fraction).
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";

const P = "[settrade-emulator]";

/** How refused logins are answered. */
export interface LoginRefusal {
  /** HTTP status, 400..599. @default 401 */
  readonly status?: number;
  /** `code` of the JSON error body. @default "E401" (inferred format: `E` + status) */
  readonly code?: string;
  /** `message` of the JSON error body. @default "Login refused" */
  readonly message?: string;
}

/** What to send malformed: the next `n` payloads, or a fraction of all of them. */
export type MalformedSpec = number | { readonly rate: number };

/**
 * Endpoints that {@link Faults.refuse} can make fail: the REST paths other than
 * login (see `refuseLogins`), and the WebSocket upgrade of the realtime connection.
 */
export type RefusableEndpoint = "refresh" | "dispatcher" | "quote" | "candlesticks" | "upgrade";

/** The endpoints {@link Faults.refuse} takes. */
export const REFUSABLE: readonly RefusableEndpoint[] = [
  "refresh",
  "dispatcher",
  "quote",
  "candlesticks",
  "upgrade",
];

function answer(how: LoginRefusal, status0: number, message: string): Required<LoginRefusal> {
  const status = how.status ?? status0;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`${P} refusal status must be an integer from 400 to 599, got ${status}`);
  }
  return { status, code: how.code ?? `E${status}`, message: how.message ?? message };
}

/** Current faults. */
export class Faults {
  readonly #clock: Clock;
  #stallUntil = -Infinity;
  #malformedLeft = 0;
  #malformedRate = 0;
  #rng: number;
  /** The refusal in force, or `undefined` while logins are accepted. */
  refusal: Required<LoginRefusal> | undefined;
  readonly #refused = new Map<RefusableEndpoint, Required<LoginRefusal>>();
  #outageUntil = -Infinity;
  /** Delay of every market REST answer (quote, candlesticks), ms. */
  marketLatencyMs = 0;

  /**
   * @param clock Time source of the stall.
   * @param seed Seed of the malformed-rate draws.
   */
  constructor(clock: Clock, seed: number) {
    this.#clock = clock;
    this.#rng = (seed ^ 0x9e3779b9) >>> 0;
  }

  /**
   * Turns login refusal on or off.
   * @param on Whether to refuse.
   * @param how Status, code and message of the refusal.
   * @throws RangeError for a status outside 400..599.
   */
  refuseLogins(on: boolean, how: LoginRefusal = {}): void {
    this.refusal = on ? answer(how, 401, "Login refused") : undefined;
  }

  /**
   * Makes an endpoint fail (or work again): its requests are answered with the
   * given status and JSON error body; a refused upgrade closes the socket with it.
   * @param endpoint Which one. @param on Whether to refuse.
   * @param how Status (default 503), code (`E` + status) and message.
   * @throws RangeError for an unknown endpoint or a status outside 400..599.
   */
  refuse(endpoint: RefusableEndpoint, on: boolean, how: LoginRefusal = {}): void {
    if (!REFUSABLE.includes(endpoint)) {
      throw new RangeError(
        `${P} unknown endpoint ${JSON.stringify(endpoint)}: expected ${REFUSABLE.join(", ")}`,
      );
    }
    if (on) this.#refused.set(endpoint, answer(how, 503, "Service unavailable"));
    else this.#refused.delete(endpoint);
  }

  /**
   * @param endpoint An endpoint.
   * @returns How it is refused now, or `undefined` when it works (an outage refuses upgrades).
   */
  refusalOf(endpoint: RefusableEndpoint): Required<LoginRefusal> | undefined {
    const set = this.#refused.get(endpoint);
    if (set !== undefined) return set;
    if (endpoint === "upgrade" && this.#clock.now() < this.#outageUntil) {
      return { status: 503, code: "E503", message: "realtime service unavailable" };
    }
    return undefined;
  }

  /**
   * Delays every market REST answer (quote, candlesticks) by `ms` (0 ends it).
   * @param ms Milliseconds, finite and >= 0.
   */
  slowMarket(ms: number): void {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`${P} slowMarket needs a finite number of ms >= 0, got ${String(ms)}`);
    }
    this.marketLatencyMs = ms;
  }

  /**
   * Starts a realtime outage: upgrades are refused (503) for `ms` from now (0 ends it).
   * @param ms Milliseconds, finite and >= 0.
   */
  outage(ms: number): void {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`${P} outage needs a finite number of ms >= 0, got ${String(ms)}`);
    }
    this.#outageUntil = this.#clock.now() + ms;
  }

  /**
   * Stops publishing for `ms` from now (0 ends a stall).
   * @param ms Milliseconds, finite and >= 0.
   */
  stall(ms: number): void {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`${P} stall needs a finite number of ms >= 0, got ${String(ms)}`);
    }
    this.#stallUntil = this.#clock.now() + ms;
  }

  /** @returns Whether publishing is stalled now. */
  stalled(): boolean {
    return this.#clock.now() < this.#stallUntil;
  }

  /**
   * Sends the next `n` payloads malformed, or a fraction of every payload.
   * @param spec A count (integer >= 0) or `{ rate }` in [0, 1] (0 stops).
   */
  sendMalformed(spec: MalformedSpec): void {
    if (typeof spec === "number") {
      if (!Number.isSafeInteger(spec) || spec < 0) {
        throw new RangeError(`${P} malformed count must be an integer >= 0, got ${spec}`);
      }
      this.#malformedLeft = spec;
      return;
    }
    const rate = typeof spec === "object" && spec !== null ? spec.rate : NaN;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`${P} malformed rate must be a number from 0 to 1, got ${String(rate)}`);
    }
    this.#malformedRate = rate;
  }

  /** @returns Whether the next payload is to be sent malformed (consumes the count). */
  nextMalformed(): boolean {
    if (this.#malformedLeft > 0) {
      this.#malformedLeft--;
      return true;
    }
    return this.#malformedRate > 0 && this.#draw() < this.#malformedRate;
  }

  /** mulberry32: a uniform draw in [0, 1). */
  #draw(): number {
    let t = (this.#rng = (this.#rng + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}
