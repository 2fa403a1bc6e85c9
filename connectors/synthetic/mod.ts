/**
 * The synthetic connector: seeded, deterministic, SET-like market data with no
 * network, for demos, tests and benchmarks.
 *
 * - **Deterministic.** The same `seed`, options and subscription order give the
 *   same events on Node, Bun and Deno, receive times (`recvTs`, `recvMono`) aside.
 *   `exchTs` comes from a synthetic exchange clock that starts at `startTs` and
 *   advances 1–200 ms (seeded) per update, independent of wall time.
 * - **Realistic for SET.** Prices sit on the SET tick ladder ({@link tickSize});
 *   books have 10 levels per side, one tick apart, in board lots of 100; trades
 *   print at the touch (`buy` at the ask, `sell` at the bid); each instrument
 *   starts near a seeded prior close between 1.50 and 400 THB and moves within
 *   ±30 % of it. `info` follows last/high/low/volume/value and the change from
 *   the prior close. Markets (subscribe `market` for `SET`) report an index level.
 * - **Bars.** `bar` (interval `"1m"` only) is sent after every trade, carrying the
 *   open bar of that synthetic minute; `sequence` counts updates per symbol. A
 *   minute without trades has no bar.
 * - **Sessions.** `phases` scripts the ATO/ATC call auctions: quotes and books then
 *   carry flags `"ato"` / `"atc"` with prices 0 (sizes are the auction volumes),
 *   no trades print, `info` carries the projected open, and `marketStatus` /
 *   market `status` follow (codes 1 `pre-open`, 2 `open`, 3 `pre-close`). On
 *   leaving an auction the matched volume prints as one trade (side `"unknown"`).
 * - **Faults.** `disconnectEvery` drops the connection (`disconnected` →
 *   `reconnecting` → 100 ms on the clock → `connecting` → `connected` with the
 *   next epoch, subscriptions kept); `stallAfter` + `stallMs` go silent once;
 *   `malformedRate` reports that fraction of messages through `sink.decodeError`
 *   and skips them (seeded); `limit` ends the feed as a finite source
 *   (`disconnected`, then `end`) after exactly that many events. Counts are market
 *   events emitted; disconnects and the stall start between updates.
 * - **Pacing.** A numeric `rate` emits small batches on the context's clock (so a
 *   `ManualClock` drives it); `"max"` produces as fast as the consumer takes events,
 *   awaiting `sink.drain()` under backpressure and yielding to the event loop
 *   between batches.
 *
 * Only subscribed (channel, symbol) pairs produce events. Each update advances one
 * instrument or market, in round-robin order of first subscription, and emits one
 * event per subscribed channel it touched (`trade`, `quote`, `book`, `bar`, `info`).
 *
 * @example Ten deterministic trades
 * ```ts
 * import { createSyntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 * import { type MarketEvent, silentLogger, systemClock } from "@tickwire/tickwire";
 *
 * const events: MarketEvent[] = [];
 * let ended!: () => void;
 * const done = new Promise<void>((resolve) => (ended = resolve));
 * const connector = createSyntheticConnector({ seed: 42, rate: "max", limit: 10 }, {
 *   sink: {
 *     event: (ev) => events.push(ev) > 0,
 *     status: (st) => st.kind === "end" && ended(),
 *     decodeError: () => {},
 *     drain: () => Promise.resolve(),
 *   },
 *   logger: silentLogger,
 *   clock: systemClock,
 * });
 * await connector.subscribe({ channel: "trade", symbol: "PTT" });
 * await connector.connect();
 * await done;
 * console.log(events.length); // 10
 * ```
 *
 * @module
 */

import type { ConnectorContext, ConnectorDefinition } from "../../src/connector.ts";
import { CHANNELS } from "../../src/events.ts";
import { SyntheticConnector } from "./_connector.ts";
import { SYNTHETIC_ENV } from "./_env.ts";
import {
  parseSyntheticOptions,
  SYNTHETIC_OPTION_KEYS,
  type SyntheticOptions,
  type SyntheticOptionsInput,
} from "./_options.ts";

export {
  parseSyntheticOptions,
  type SessionPhase,
  type SyntheticOptions,
  type SyntheticOptionsInput,
  type SyntheticPhase,
} from "./_options.ts";
export { tickSize } from "./_ticks.ts";
export { SyntheticConnector, type SyntheticHealth } from "./_connector.ts";

/**
 * Creates a synthetic connector from options given in code.
 *
 * @param options Options; every key is optional (see {@link SyntheticOptionsInput}).
 * @param ctx Sink, logger and clock (a feed passes its own).
 * @returns A connector; it does nothing until `connect()`.
 * @throws ConfigError listing every invalid option.
 * @example Driving the connector with a manual clock
 * ```ts
 * import { createSyntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 * import { ManualClock, silentLogger } from "@tickwire/tickwire";
 *
 * const clock = new ManualClock();
 * let count = 0;
 * const connector = createSyntheticConnector({ seed: 7, rate: 100 }, {
 *   sink: { event: () => ++count > 0, status: () => {}, decodeError: () => {}, drain: async () => {} },
 *   logger: silentLogger,
 *   clock,
 * });
 * await connector.subscribe({ channel: "quote", symbol: "AOT" });
 * await connector.connect();
 * clock.advance(1_000);
 * await connector.disconnect();
 * console.log(count > 0); // true
 * ```
 */
export function createSyntheticConnector(
  options: SyntheticOptionsInput,
  ctx: ConnectorContext,
): SyntheticConnector {
  return new SyntheticConnector(parseSyntheticOptions(options), ctx);
}

/**
 * The synthetic connector's definition, as the registry knows it (`DATA_SOURCE=synthetic`).
 *
 * @example Creating it through a feed
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * await using feed = await createFeed({ source: "synthetic", symbols: ["PTT"], seed: 7, rate: "max" });
 * ```
 */
export const syntheticConnector: ConnectorDefinition<SyntheticOptions, SyntheticOptionsInput> = {
  name: "synthetic",
  optionKeys: SYNTHETIC_OPTION_KEYS,
  capabilities: CHANNELS,
  env: SYNTHETIC_ENV,
  parseOptions: parseSyntheticOptions,
  create: (options, ctx) => new SyntheticConnector(options, ctx),
  defaultSymbols: (options: SyntheticOptions): readonly string[] => options.symbols,
};
