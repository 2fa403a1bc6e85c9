/**
 * The public shape of a running emulator.
 *
 * @module
 */

import type { SettradeOptionsInput } from "../config.ts";
import type { LoginRefusal, MalformedSpec, RefusableEndpoint } from "./_faults.ts";
import type { SecondCount, SettradeEmulatorStats } from "./_stats.ts";

/**
 * A running emulator, from `startSettradeEmulator`: where it listens, the
 * credentials it accepts, fault controls and counters.
 *
 * @example Injecting faults in a test
 * ```ts
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * await using emulator = await startSettradeEmulator({ symbols: ["PTT"] });
 * emulator.sendMalformed(3); // the next three payloads do not decode
 * emulator.stall(2_000); // nothing is published for two seconds
 * emulator.expireTokensAfter(5); // tokens lapse in five seconds; connections close then
 * console.log(emulator.dropConnections(), emulator.stats().published); // 0 0
 * ```
 */
export interface SettradeEmulator extends AsyncDisposable {
  /** REST base URL, e.g. `http://127.0.0.1:54321` (also the market REST base). */
  readonly url: string;
  /** MQTT URL the dispatcher's host leads to, e.g. `ws://127.0.0.1:54321/api/dispatcher/v3/098/mqtt`. */
  readonly mqttUrl: string;
  /** The listening port. */
  readonly port: number;
  /** The `hosts` entry of the dispatcher answer: `127.0.0.1:PORT` (`[::1]:PORT` on IPv6). */
  readonly dispatcherHost: string;
  /** App id (API key) the emulator accepts. */
  readonly appId: string;
  /** App code in the login paths. */
  readonly appCode: string;
  /** Broker id in every path. */
  readonly brokerId: string;
  /** The app secret (base64 of the raw 32-byte scalar): the emulator's own throwaway key; `undefined` when only a public key was given. */
  readonly appSecretBase64: string | undefined;
  /** The public key logins are verified with (uncompressed point, base64). */
  readonly publicKeyBase64: string;
  /**
   * The environment variables that point the Settrade connector here.
   * @returns `DATA_SOURCE`, `SETTRADE_APP_ID`, `SETTRADE_APP_SECRET` (when known),
   *   `SETTRADE_APP_CODE`, `SETTRADE_BROKER_ID`, `SETTRADE_BASE_URL`, `SETTRADE_MARKET_URL`.
   */
  env(): Record<string, string>;
  /**
   * The same settings as Settrade connector options, to spread into
   * `createSettradeConnector` or `createFeed({ source: "settrade", ... })`.
   * @returns `appId`, `appSecret`, `appCode`, `brokerId`, `baseUrl`, `marketUrl`.
   * @throws Error when the emulator was started with a public key only (no secret to give).
   */
  connectorOptions(): SettradeOptionsInput;
  /** Drops every MQTT connection now (no close handshake). @returns How many were dropped. */
  dropConnections(): number;
  /** Held access and dispatcher tokens expire `seconds` from now; later ones live `seconds`. @param seconds ≥ 0. */
  expireTokensAfter(seconds: number): void;
  /** Publishes nothing for `ms` from now (0 ends a stall). @param ms ≥ 0. */
  stall(ms: number): void;
  /** Sends the next `n` payloads malformed, or `{ rate }` (0..1) of all of them. @param spec Count or rate. */
  sendMalformed(spec: MalformedSpec): void;
  /** Refuses (or accepts again) every login. @param on Refuse? @param how Status (401), code, message. */
  refuseLogins(on: boolean, how?: LoginRefusal): void;
  /** Invalidates every dispatcher token issued so far (live connections stay up). */
  revokeDispatcherTokens(): void;
  /**
   * Invalidates every token issued so far, access and refresh tokens included (a
   * revoked session: the client must log in again). Live connections stay up.
   */
  revokeSessions(): void;
  /**
   * A realtime outage: drops every MQTT connection and refuses upgrades (HTTP 503)
   * for `ms` from now; REST keeps answering. 0 ends it.
   * @param ms ≥ 0. @returns How many connections were dropped.
   */
  outage(ms: number): number;
  /**
   * Makes an endpoint fail until called again with `on: false`.
   * @param endpoint `refresh`, `dispatcher`, `quote`, `candlesticks` or `upgrade`.
   * @param on Refuse? @param how Status (503), code (`E` + status), message.
   */
  refuse(endpoint: RefusableEndpoint, on: boolean, how?: LoginRefusal): void;
  /**
   * Delays every market REST answer (quote, candlesticks) by `ms`; 0 ends it.
   * @param ms ≥ 0.
   */
  slowMarket(ms: number): void;
  /**
   * Counts the Settrade REST requests received per wall-clock second (the last hour),
   * refused ones included: what a client's rate limiting is checked against.
   * @returns Every second with requests, oldest first.
   */
  requestsPerSecond(): SecondCount[];
  /** Successful logins. */
  readonly logins: number;
  /** Successful refreshes. */
  readonly refreshes: number;
  /** Dispatcher tokens issued. */
  readonly dispatcherTokens: number;
  /** MQTT connections accepted, in total. */
  readonly connections: number;
  /** Payloads published. */
  readonly published: number;
  /**
   * Reads every counter at once.
   * @returns Every counter at once.
   */
  stats(): SettradeEmulatorStats;
  /**
   * Lists the topics subscribed to now.
   * @returns The topics with at least one subscriber now, sorted.
   */
  subscriptions(): readonly string[];
  /** Stops everything it started; idempotent. @returns Resolves once closed. */
  stop(): Promise<void>;
}
