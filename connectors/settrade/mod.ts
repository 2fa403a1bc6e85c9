/**
 * The Settrade Open API connector: realtime SET and TFEX market data over MQTT,
 * decoded from protobuf into tickwire's normalized events.
 *
 * - **Connection.** Logs in with the app's P-256 key, fetches a dispatcher token,
 *   and connects MQTT 3.1.1 over `wss://{host}:443/api/dispatcher/v3/{brokerId}/mqtt`
 *   with `Authorization: Bearer {token}` on the upgrade. The `mqtt` package is
 *   loaded on the first connect, never before. TLS certificates are checked
 *   unless `insecureSkipTlsVerify` is set; `caFile` trusts an extra authority.
 *   With an `http://` base URL (a local emulator or proxy) the scheme is `ws://`.
 * - **Reconnects.** Its own loop: exponential backoff with jitter and a cap
 *   (defaults on `SettradeReconnectOptions`: 500 ms, ×2, ±20 %, 30 s, forever),
 *   a fresh dispatcher token and a new client per attempt, every subscription
 *   replayed, then `connected` with the next epoch. Before the access token
 *   expires the connector refreshes it and reconnects under control
 *   (make-before-break), so the feed never dies of an expired token. See
 *   `connector.ts` for the exact status sequences.
 * - **Subscriptions** are held on our side and survive every reconnect; `quote`
 *   and `book` of a symbol share one topic and one parse. `trade` is not served
 *   (Settrade has no trade topic). A refused subscription becomes a
 *   `subscribe-error` status naming the symbol.
 * - **Outages.** While the stream is down for more than `poll.graceMs` (2 s),
 *   quotes are polled from market REST (`via: "poll"`, on by default, at most
 *   `poll.maxDurationMs`, 60 s, per spell) within the server's rate limits;
 *   `mode` statuses and `feed.health().mode` say `stream`, `poll` or `down`.
 *   After a reconnect, bar subscriptions are backfilled (`via: "backfill"`,
 *   the last `backfillWindowMs`, 5 min), before the live bars and never twice;
 *   `backfill: N` fetches N bars per bar subscription at start-up.
 * - **Sessions.** A symbol is stale only while its market is open: market-status
 *   messages when subscribed, else the SET/TFEX calendar (Bangkok hours,
 *   weekends, the `session.holidays` you give); quiet symbols are reported as
 *   `closed`, `intermission` or `halted`.
 * - **Failures.** Only a refused login is fatal (typed: `closed()` reports it,
 *   `for await` throws it, `isAuthError`); a 401 on a token logs in afresh; login
 *   retries show as `reconnecting` with the server's code; start-up is bounded
 *   by `connectTimeoutMs` (30 s). `caFile` and `insecureSkipTlsVerify` apply to
 *   every connection, the login included.
 * - **Bad payloads** are counted (`decodeErrors`), logged at a limited rate and
 *   skipped; the feed goes on. A payload whose symbol differs from its topic's
 *   is a bad payload.
 * - **Direct mode.** `{ brokerUrl: "mqtt://127.0.0.1:1883" }` talks to a broker
 *   with no login and no dispatcher: for tests, benchmarks and proxies.
 *
 * @example Streaming quotes (here from the local emulator; with an account, give
 *   `appId`, `appSecret`, `appCode` and `brokerId`, "SANDBOX" for the sandbox)
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * await using emulator = await startSettradeEmulator();
 * const e = emulator.env();
 * await using feed = await createFeed({
 *   source: "settrade",
 *   symbols: ["PTT", "AOT"],
 *   channels: ["quote", "book"],
 *   appId: e.SETTRADE_APP_ID, appSecret: e.SETTRADE_APP_SECRET, appCode: e.SETTRADE_APP_CODE,
 *   brokerId: e.SETTRADE_BROKER_ID, baseUrl: e.SETTRADE_BASE_URL, marketUrl: e.SETTRADE_MARKET_URL,
 * });
 * let quotes = 0;
 * for await (const ev of feed) {
 *   if (ev.type !== "quote") continue;
 *   console.log(ev.symbol, ev.bid, ev.ask);
 *   if (++quotes === 5) break;
 * }
 * ```
 *
 * @module
 */

import type { ConnectorContext, ConnectorDefinition } from "../../src/connector.ts";
import {
  parseSettradeConnectorOptions,
  SETTRADE_CONNECTOR_OPTION_KEYS,
  type SettradeConnectorOptions,
  type SettradeConnectorOptionsInput,
} from "./_broker-options.ts";
import { SETTRADE_ENV_VARS } from "./config.ts";
import { SETTRADE_CHANNELS, SettradeConnector } from "./connector.ts";

export {
  isBrokerOptions,
  parseSettradeConnectorOptions,
  type SettradeBrokerOptions,
  type SettradeBrokerOptionsInput,
  type SettradeConnectorOptions,
  type SettradeConnectorOptionsInput,
} from "./_broker-options.ts";
export {
  SETTRADE_ENV_VARS,
  type SettradeEnv,
  type SettradeLoginOptions,
  type SettradeOptions,
  type SettradeOptionsInput,
  type SettradePollOptions,
  type SettradeReconnectOptions,
} from "./config.ts";
export {
  type CalendarState,
  ExchangeCalendar,
  SET_HOURS,
  TFEX_HOURS,
  type TradingHours,
} from "./calendar.ts";
export {
  type SessionState,
  type SettradeMarket,
  SettradeSession,
  type SettradeSessionOptions,
  stateOfStatusName,
} from "./session.ts";
export {
  RENEWAL_REASON,
  SETTRADE_CHANNELS,
  SettradeConnector,
  type SettradeHealth,
} from "./connector.ts";
export { readSubscribeError, type SubscribeErrorInfo } from "./_subscribe-errors.ts";
export {
  decodePayload,
  decodeSubscribeError,
  type DecodeWant,
  type EmitEvent,
  parseTopic,
  SettradeDecoder,
  type SettradeTopic,
  type SettradeTopicKind,
  SUBSCRIBE_ERROR_TOPIC,
  type SubscribeErrorPayload,
  subscriptionTopic,
  WANT_BOTH,
} from "./decode/mod.ts";
export {
  checkSettrade,
  type CheckStep,
  type CheckStepName,
  type SettradeCheckOptions,
  type SettradeCheckReport,
} from "./check.ts";

/**
 * Creates a Settrade connector from options given in code: Settrade credentials,
 * or a `brokerUrl` for the direct mode.
 *
 * @param options Credentials and settings (see `SettradeOptionsInput`), or
 *   `{ brokerUrl, ... }` (see `SettradeBrokerOptionsInput`).
 * @param ctx Sink, logger, clock and raw tap (a feed passes its own).
 * @returns The connector; it does no I/O until `connect()`.
 * @throws ConfigError listing every invalid option, never quoting the secret.
 * @example The direct mode against a local broker (needs an MQTT broker such as
 *   Mosquitto on 127.0.0.1:1883, so the docs test does not run it)
 * ```ts ignore
 * import { createSettradeConnector } from "@tickwire/tickwire/connectors/settrade";
 * import { silentLogger, systemClock } from "@tickwire/tickwire";
 * const connector = createSettradeConnector({ brokerUrl: "mqtt://127.0.0.1:1883" }, {
 *   sink: { event: (ev) => console.log(ev.type) === undefined, status: () => {}, decodeError: () => {}, drain: async () => {} },
 *   logger: silentLogger,
 *   clock: systemClock,
 * });
 * await connector.subscribe({ channel: "quote", symbol: "PTT" });
 * await connector.connect(AbortSignal.timeout(5_000));
 * await connector.disconnect();
 * ```
 */
export function createSettradeConnector(
  options: SettradeConnectorOptionsInput,
  ctx: ConnectorContext,
): SettradeConnector {
  return new SettradeConnector(parseSettradeConnectorOptions(options), ctx);
}

/**
 * The Settrade connector's definition, as the registry knows it (`DATA_SOURCE=settrade`).
 *
 * @example Creating it through a feed from the environment
 * ```ts
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * // Here the emulator's variables; in production, the process environment:
 * // DATA_SOURCE=settrade SETTRADE_APP_ID=... SETTRADE_APP_SECRET=... SETTRADE_APP_CODE=ALGO SETTRADE_BROKER_ID=SANDBOX
 * await using emulator = await startSettradeEmulator();
 * await using feed = await createFeedFromEnv(emulator.env());
 * console.log(feed.source); // "settrade"
 * ```
 */
export const settradeConnector: ConnectorDefinition<
  SettradeConnectorOptions,
  SettradeConnectorOptionsInput
> = {
  name: "settrade",
  optionKeys: SETTRADE_CONNECTOR_OPTION_KEYS,
  capabilities: SETTRADE_CHANNELS,
  env: SETTRADE_ENV_VARS,
  parseOptions: parseSettradeConnectorOptions,
  create: (options, ctx) => new SettradeConnector(options, ctx),
};
