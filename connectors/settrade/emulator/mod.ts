/**
 * A local emulator of Settrade's Open API, so the real Settrade connector runs
 * with no credentials and no internet: login (signatures verified against its
 * own key), token refresh, the dispatcher token, the market REST quote and
 * candlesticks, and MQTT over WebSocket behind a real broker (aedes), fed by
 * the seeded synthetic market. It listens on a loopback address only.
 *
 * ## Conventions the connector relies on
 *
 * - **URL scheme.** The dispatcher answers `hosts: ["127.0.0.1:PORT"]` (no
 *   scheme). The connector derives the MQTT scheme from its REST base URL:
 *   `http:` → `ws:`, `https:` → `wss:`, and connects to
 *   `{scheme}://{host}/api/dispatcher/v3/{brokerId}/mqtt`. By default the
 *   emulator serves plain HTTP/WS; with `tls` it serves HTTPS/WSS. The live
 *   service is `https:`/`wss:` on port 443.
 * - **Tokens.** Access tokens live `accessTokenTtlSec` (`expires_in`). A
 *   dispatcher token expires with the access token it was fetched with, and an
 *   open MQTT connection is closed when its dispatcher token expires (so a
 *   connector must refresh, fetch a new dispatcher token and reconnect before
 *   then). Refresh tokens are single-use. All of this is inferred.
 * - **Subscription errors.** A topic the emulator does not serve (unknown
 *   symbol or market, unknown interval, wildcard, other families) is granted in
 *   the SUBACK, and the client gets, on `$sys/u/_broker/_uref/error/subscribe`,
 *   the UTF-8 JSON `{ "topic": ..., "code": "E404" | "E400", "message": ... }`
 *   (format inferred), provided it subscribed to that topic. Symbols and markets
 *   are matched as spelled on the wire (`PTT`, `SET`, `mai`, `TFEX`).
 * - **Payloads.** `BidOfferV3` (10 levels, flags), `InfoV3`, `CandlestickV3`
 *   (intervals `1m` `3m` `5m` `10m` `15m` `30m` `60m` `1d`) and
 *   `EquityExchangeInfoV3` / `DerivExchangeInfoV3`, encoded with the generated
 *   schemas, published at QoS 0.
 *
 * Fault controls ({@link SettradeEmulator.dropConnections},
 * {@link SettradeEmulator.expireTokensAfter}, {@link SettradeEmulator.stall},
 * {@link SettradeEmulator.sendMalformed}, {@link SettradeEmulator.refuseLogins},
 * {@link SettradeEmulator.revokeDispatcherTokens}, {@link SettradeEmulator.revokeSessions},
 * {@link SettradeEmulator.outage}, {@link SettradeEmulator.refuse},
 * {@link SettradeEmulator.slowMarket}) are methods, and
 * also HTTP endpoints under `/_emulator/` (see `tickwire emulate --help`);
 * {@link SettradeEmulator.requestsPerSecond} counts the REST requests received.
 *
 * - **The market goes on.** Once a symbol, market or bar interval has been
 *   subscribed, the synthetic market keeps producing it whether or not a client
 *   is connected (as an exchange would): quotes answered over REST stay live
 *   during a stream outage, and the candlestick endpoint answers the bars the
 *   stream published or would have published (with a seeded history before
 *   them), so a client's backfill can be checked bar for bar.
 *
 * Runs on Node, Bun and Deno (on Deno, the broker's streams get a read fix).
 *
 * @example Pointing the connector at an emulator
 * ```ts
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * await using emulator = await startSettradeEmulator({ seed: 7, symbols: ["PTT", "AOT"] });
 * const env = emulator.env(); // SETTRADE_BASE_URL=http://127.0.0.1:PORT, app id, secret, ...
 * console.log(env.SETTRADE_BASE_URL.startsWith("http://127.0.0.1:")); // true
 * ```
 *
 * @module
 */

import { Emulator } from "./_emulator.ts";
import type { SettradeEmulator } from "./_types.ts";
import type { SettradeEmulatorOptions } from "./_options.ts";

export type { SettradeEmulator } from "./_types.ts";
export type { SessionPhase, SyntheticPhase } from "../../synthetic/mod.ts";
export type { LoginRefusal, MalformedSpec, RefusableEndpoint } from "./_faults.ts";
export type { EmulatorRateLimit, EmulatorTls, SettradeEmulatorOptions } from "./_options.ts";
export type { SecondCount, SettradeEmulatorStats } from "./_stats.ts";

/**
 * Starts a Settrade emulator on a loopback address.
 *
 * @param options Every key is optional: `host` (loopback only), `port` (0 =
 *   ephemeral), `tls`, `appId`, `appSecret` / `publicKey` (a fresh key pair by
 *   default), `brokerId` ("098"), `appCode` ("ALGO"), `accessTokenTtlSec` (3600),
 *   `seed`, `rate`, `symbols`, `markets`, rate limits, `clock`, `logger`.
 * @returns The running emulator; `stop()` (or `await using`) closes it.
 * @throws TypeError for a non-loopback host or an invalid option; RangeError for
 *   a number out of range; the listen error when the port is taken.
 * @example A feed logged in to the emulator with its connector options
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 *
 * await using emulator = await startSettradeEmulator({ symbols: ["PTT"], rate: 50 });
 * await using feed = await createFeed({
 *   source: "settrade",
 *   symbols: ["PTT"],
 *   ...emulator.connectorOptions(),
 * });
 * for await (const ev of feed) {
 *   if (ev.type === "quote") {
 *     console.log(ev.symbol); // "PTT"
 *     break;
 *   }
 * }
 * ```
 */
export function startSettradeEmulator(
  options?: SettradeEmulatorOptions,
): Promise<SettradeEmulator> {
  return Emulator.start(options);
}
