/**
 * The connector contract: what every source of market data implements, and what
 * the core gives it in return.
 *
 * ## Contract
 *
 * A connector is built by its {@link ConnectorDefinition.create} with validated
 * options and a {@link ConnectorContext}. It delivers everything through
 * `ctx.sink`: market events with {@link EventSink.event}, lifecycle with
 * {@link EventSink.status}, undecodable payloads with {@link EventSink.decodeError}.
 * It never throws into the sink's caller and never calls the sink after `end`.
 *
 * **Status order.** `connecting` → `connected` (epoch 0) → market events → on a
 * lost connection: `disconnected` (with `reason`) → `reconnecting` (with
 * `attempt` from 1 and `delayMs`) → `connecting` → `connected` (epoch + 1) → ...
 * A call to `disconnect()`, or the natural end of a finite source, emits
 * `disconnected` (if connected) and then `end`, which is always the last status.
 * `stale` / `recovered` come from the feed's health monitor, not the connector;
 * `subscribe-error` and `error` may come at any time before `end`.
 *
 * **Epochs.** `epoch` is 0 for the first connection and increases by exactly 1 per
 * successful reconnect. A connector emits `connected` with the new epoch only
 * after every held subscription has been requested again, and stamps every
 * event of that connection with it.
 *
 * **Sequence.** `seq` is assigned by the connector, starts at 1 (or any value) and
 * strictly increases over every market event it emits, across reconnects.
 *
 * **Events not from the stream.** An event marked `via` (`"poll"`: fetched while
 * the stream is down; `"backfill"`: fetched after a gap) may arrive while not
 * connected; it carries the epoch of the last connection and takes its `seq`
 * from the same sequence. A connector that serves events that way reports it
 * with `mode` statuses (`stream`, `poll`, `down`).
 *
 * **Fatal errors.** A connector that ends because it cannot go on (a refused
 * login, reconnect attempts spent) hands the error to {@link EventSink.fail}
 * before its `error` and `end` statuses: the feed then reports it in
 * `closed()` (which never rejects) and throws it from `for await`. `Lifecycle.fail` does both.
 *
 * **Before `connect`.** `subscribe`/`unsubscribe` may be called at any time; the
 * connector holds the set and applies it on every (re)connect. `connect()` may
 * be called once; `disconnect()` is idempotent and resolves once no more events
 * will be emitted. The feed keeps connection facts and health itself, from the
 * statuses: a connector owes it nothing else.
 *
 * **The kit.** `Lifecycle` (in `kit/lifecycle.ts`) owns the state machine and
 * emits every status in this order, `Stamper` stamps events, and
 * `connectWithRetry` runs the reconnect loop (backoff with full jitter, a cap,
 * `maxAttempts`, an `AbortSignal`) through the lifecycle: a connector built on
 * them follows the contract by construction.
 *
 * **Backpressure.** `sink.event()` returns `false` when the consumer's queue is
 * full under the `block` policy; a producer that can pause (replay, synthetic at
 * `"max"`) then awaits `sink.drain()` before producing more. Live producers that
 * cannot pause ignore it and rely on the feed's drop policy.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { OverflowPolicy } from "./dispatcher.ts";
import type { DecodeError } from "./errors.ts";
import type { Channel, MarketEvent, StatusEvent } from "./events.ts";
import type { Logger } from "./log.ts";
import type { SessionSource } from "./session.ts";

/** One subscription: a channel for a symbol (for `bar`, at an interval). */
export interface Subscription {
  /** Channel to receive. */
  readonly channel: Channel;
  /** Symbol (for `market`: the market name). Normalized to upper case by the feed. */
  readonly symbol: string;
  /** Bar interval (`"1m"`, `"5m"`, `"1d"`, ...); only for `bar`. @default "1m" */
  readonly interval?: string;
}

/**
 * A stable key for a subscription, for sets and maps.
 * @param sub The subscription.
 * @returns `channel:SYMBOL` or `bar:SYMBOL:interval`.
 * @example
 * ```ts
 * import { subscriptionKey } from "@tickwire/tickwire";
 * console.log(subscriptionKey({ channel: "bar", symbol: "PTT", interval: "5m" })); // "bar:PTT:5m"
 * ```
 */
export function subscriptionKey(sub: Subscription): string {
  return sub.channel === "bar"
    ? `bar:${sub.symbol}:${sub.interval ?? "1m"}`
    : `${sub.channel}:${sub.symbol}`;
}

/** Where a connector delivers what it produces. Provided by the feed. */
export interface EventSink {
  /**
   * Delivers one market event (hot path: the only allocation is the event).
   * @returns `false` when the queue is full under the `block` policy: await
   *   {@link EventSink.drain} before producing more. The event is kept either way.
   */
  event(ev: MarketEvent): boolean;
  /** Delivers a lifecycle event. Never dropped. */
  status(ev: StatusEvent): void;
  /** Reports a payload that failed to decode: counted, logged at a limited rate, skipped. */
  decodeError(err: DecodeError): void;
  /** Resolves when the queue has room again (at once if it has). */
  drain(): Promise<void>;
  /**
   * Hands over the error that ends the connector (call it before `end`): the
   * feed's consumers get it typed (`closed()` reports it, `for await`
   * throws it). Optional: a sink that does not take it ignores fatal errors.
   */
  fail?(error: Error): void;
}

/**
 * Receives every raw payload a wire connector reads, before decoding, for raw
 * capture (record now, decode again later). Connectors without a wire format
 * (synthetic, replay of events) never call it.
 */
export interface RawTap {
  /**
   * One payload as it came off the wire.
   * @param topic Topic or channel it arrived on.
   * @param bytes The bytes (do not keep a reference past the call: copy if needed).
   * @param recvTs Receive time, epoch ms. @param recvMono Receive time, monotonic ms.
   * @param epoch Connection epoch.
   */
  payload(topic: string, bytes: Uint8Array, recvTs: number, recvMono: number, epoch: number): void;
}

/** What the core hands a connector when it is created. */
export interface ConnectorContext {
  /** Where the connector delivers market events, statuses and decode errors. */
  readonly sink: EventSink;
  /** Logger for the connector's own messages (which never quote a secret). */
  readonly logger: Logger;
  /** Time source for timestamps and timers; tests inject a `ManualClock`. */
  readonly clock: Clock;
  /** Raw-capture tap, when the user records raw payloads. */
  readonly rawTap?: RawTap;
}

/**
 * A source of market data: what the core calls, and nothing more. See the
 * module documentation for the full contract; `Lifecycle`, `Stamper` and
 * `connectWithRetry` implement most of it for you.
 */
export interface ConnectorWrapper {
  /** Connector name, used as `source` on its events. */
  readonly name: string;
  /** Channels this connector serves. */
  readonly capabilities: readonly Channel[];
  /**
   * Connects, resolving after the first `connected` status.
   * @param signal Aborts connection attempts (and, later, reconnect attempts).
   */
  connect(signal?: AbortSignal): Promise<void>;
  /** Disconnects for good; idempotent. Resolves once no more events will be emitted. */
  disconnect(reason?: string): Promise<void>;
  /** Adds a subscription (held across reconnects). May be called before `connect`. */
  subscribe(sub: Subscription): Promise<void>;
  /** Removes a subscription. May be called before `connect`. */
  unsubscribe(sub: Subscription): Promise<void>;
  /**
   * When each symbol's market is open, for the feed's health monitor (staleness
   * counts only then). Optional: a connector that knows no sessions has none.
   */
  readonly session?: SessionSource;
}

/** Environment source: a plain object of strings (`process.env`, Deno's `env.toObject()`, or your own). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** One environment variable a connector reads. */
export interface EnvVarSpec {
  /** Variable name, e.g. `SYNTHETIC_RATE`. */
  readonly name: string;
  /** Option key it sets, e.g. `rate`. */
  readonly option: string;
  /** One-line description for docs and `--help`. */
  readonly description: string;
  /** Whether the value is secret: never quoted in errors or logs. */
  readonly secret?: boolean;
  /** Turns the string into the option value; throw a `TypeError` with a sentence to reject it. */
  readonly parse?: (raw: string) => unknown;
}

/**
 * Everything the registry needs to build a connector by name. Each
 * `connectors/<name>/mod.ts` exports one.
 *
 * @typeParam O The validated options `create` takes.
 * @typeParam I The options a user writes (what `parseOptions` accepts), which
 *   `createFeed({ source: definition, ... })` type-checks.
 */
export interface ConnectorDefinition<O = unknown, I = Record<string, unknown>> {
  /** Registry name (`DATA_SOURCE` value). */
  readonly name: string;
  /** Channels served. */
  readonly capabilities: readonly Channel[];
  /** Environment variables read by `createFeedFromEnv`. */
  readonly env: readonly EnvVarSpec[];
  /**
   * Validates options given in code or built from the environment.
   * @throws ConfigError listing every problem (keys are option names).
   */
  parseOptions(input: I): O;
  /**
   * Every option key the connector accepts. When given, the feed reports any
   * other key as a ConfigError naming the nearest valid one, before
   * `parseOptions` runs.
   */
  readonly optionKeys?: readonly string[];
  /** Builds the connector. Must do no I/O until `connect()`. */
  create(options: O, ctx: ConnectorContext): ConnectorWrapper;
  /** Symbols to subscribe when the feed is given none (e.g. the synthetic universe). */
  defaultSymbols?(options: O): readonly string[];
  /** Channels to subscribe per symbol when the feed is given none. @default ["quote"] */
  defaultChannels?(options: O): readonly Channel[];
  /**
   * Overflow policy the feed uses when the caller sets none: a source that can
   * pause (replay at `"max"`) asks for `"block"` so that nothing is dropped.
   */
  preferredOverflow?(options: O): OverflowPolicy | undefined;
}
