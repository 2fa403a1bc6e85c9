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
}
