/**
 * Counters of the emulator, for tests and the `/_emulator/stats` endpoint.
 *
 * @module
 */

/** What the emulator has done so far. */
export interface SettradeEmulatorStats {
  /** Login requests received (any outcome). */
  readonly loginAttempts: number;
  /** Successful logins. */
  readonly logins: number;
  /** Successful token refreshes. */
  readonly refreshes: number;
  /** Dispatcher tokens issued. */
  readonly dispatcherTokens: number;
  /** WebSocket upgrades accepted (MQTT connections opened), in total. */
  readonly connections: number;
  /** MQTT connections open now. */
  readonly openConnections: number;
  /** WebSocket upgrades refused (missing, wrong, expired or revoked token; wrong path). */
  readonly upgradesRefused: number;
  /** Payloads published (malformed ones included). */
  readonly published: number;
  /** Malformed payloads published. */
  readonly malformed: number;
  /** Payloads held back by a stall. */
  readonly stalled: number;
  /** Messages sent on the subscription-error topic. */
  readonly subscriptionErrors: number;
  /** Settrade REST requests answered (control endpoints excluded). */
  readonly restRequests: number;
  /** Of those, answered 429 because the rate limit was spent. */
  readonly rateLimited: number;
  /** Market REST quote requests (any outcome). */
  readonly quoteRequests: number;
  /** Market REST candlestick requests (any outcome). */
  readonly candlestickRequests: number;
}

/** REST requests received in one wall-clock second. */
export interface SecondCount {
  /** The second, epoch seconds. */
  readonly second: number;
  /** Settrade REST requests received in it (refused ones included). */
  readonly requests: number;
}

/** Seconds kept by {@link RequestLog}. */
const KEPT_SECONDS = 3_600;

/** Counts REST requests per wall-clock second (the last hour). */
export class RequestLog {
  readonly #counts = new Map<number, number>();

  /** @param now Wall time of a request, epoch ms. */
  add(now: number): void {
    const second = Math.floor(now / 1_000);
    this.#counts.set(second, (this.#counts.get(second) ?? 0) + 1);
    if (this.#counts.size > KEPT_SECONDS) {
      this.#counts.delete(this.#counts.keys().next().value!);
    }
  }

  /** @returns Every second with requests, oldest first. */
  list(): SecondCount[] {
    return [...this.#counts].map(([second, requests]) => ({ second, requests }));
  }
}

/** The counters the REST server and the broker increment. */
export class Counters {
  loginAttempts = 0;
  logins = 0;
  refreshes = 0;
  dispatcherTokens = 0;
  connections = 0;
  upgradesRefused = 0;
  subscriptionErrors = 0;
  restRequests = 0;
  rateLimited = 0;
  quoteRequests = 0;
  candlestickRequests = 0;
}
