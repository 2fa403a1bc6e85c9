/**
 * The feed: one connector, one bounded dispatcher, one health monitor, and the
 * two ways to consume them: pull (`for await`, `poll`) and push (`on`).
 *
 * Event flow: connector → sink (`#onEvent`) → health (one map lookup) →
 * listeners (synchronously, if any) → dispatcher (if `buffer`) → pull consumer.
 *
 * @module
 */

import { EventEmitter } from "eventemitter3";
import { Broadcast } from "./_async-queue.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { ConnectionState } from "./_connection-state.ts";
import { SubscriptionSet } from "./_subscription-set.ts";
import type { ConnectorWrapper, EventSink, Subscription } from "./connector.ts";
import type { Dispatcher, DispatcherCounters, OverflowPolicy } from "./dispatcher.ts";
import type { DecodeError } from "./errors.ts";
import type {
  Channel,
  EventByType,
  FeedEvent,
  FeedMode,
  MarketEvent,
  StatusEvent,
  StatusKind,
} from "./events.ts";
import { type FeedCoreOptions, normalizeSubscription } from "./feed-options.ts";
import { HealthMonitor, type SymbolHealth } from "./health.ts";
import type { ConnectionFacts } from "./kit/lifecycle.ts";
import { type LogFields, type Logger, RateLimitedLog } from "./log.ts";

/** A listener as {@link Feed.on} takes it. */
type Listener = (ev: never) => void;

/** Shortest interval between two `error` statuses reporting listener errors, ms. */
const LISTENER_STATUS_INTERVAL_MS = 1_000;

/** Listener signatures of {@link Feed.on}: one per event type, plus `event` for all. */
export type FeedListeners =
  & {
    [K in keyof EventByType]: (ev: EventByType[K]) => void;
  }
  & { event: (ev: FeedEvent) => void };

/**
 * Level at which each status is logged (lifecycle noise at debug, trouble at
 * warn and up). A `disconnected` followed at once by a clean `end` (a replay or
 * another finite source reaching its end) is logged at info instead.
 */
const STATUS_LOG_LEVEL: Readonly<Partial<Record<StatusKind, "debug" | "info" | "warn" | "error">>> =
  {
    connecting: "debug",
    connected: "info",
    reconnecting: "info",
    disconnected: "warn",
    mode: "warn",
    stale: "warn",
    recovered: "info",
    "subscribe-error": "warn",
    error: "error",
    end: "debug",
  };

/** How a feed ended, from {@link Feed.closed} (a fatal error rejects it instead). */
export interface FeedCloseInfo {
  /**
   * Why: `"closed"` (by `close()`), `"end"` (finite source), `"error"` (the connector
   * gave up, e.g. a refused login or too many reconnect attempts), `"aborted"`, or the
   * reason given to `close()`.
   */
  readonly reason: string;
  /** The error that ended the feed, if one did. */
  readonly error?: Error;
}

/**
 * Snapshot returned by {@link Feed.health}. The connection facts come from the
 * connector's statuses: `connected` as of the last `connected` or
 * `disconnected`, `lastError` the reason of the last `error` or `disconnected`.
 */
export interface FeedHealth extends ConnectionFacts {
  /** Name of the connector. */
  readonly source: string;
  /**
   * How the connector delivers now, from its last `mode` status: `"stream"`,
   * `"poll"` (the stream is down and events are fetched), or `"down"`. Absent
   * for connectors that report no mode.
   */
  readonly mode?: FeedMode;
  /** Milliseconds (monotonic) since the connector entered `mode`. */
  readonly modeAgeMs?: number;
  /** Subscriptions the feed holds now. */
  readonly subscriptions: readonly Subscription[];
  /** Counters of the pull queue (the dispatcher). */
  readonly queue: DispatcherCounters;
  /** Payloads that failed to decode (counted and skipped). */
  readonly decodeErrors: number;
  /**
   * Exceptions thrown by `on()` listeners: each is counted and logged, the other
   * listeners still get the event, and an `error` status (code `"listener"`,
   * at most one a second) reports them.
   */
  readonly listenerErrors: number;
  /** Whether the whole feed is stale (connected, but no market event for `feedStaleAfterMs`). */
  readonly feedStale: boolean;
  /** Milliseconds of monotonic time since the last market event of any symbol. */
  readonly lastEventAgeMs: number;
  /** Market events per second, smoothed over the health checks. */
  readonly eventsPerSec: number;
  /** Symbols currently stale, sorted. */
  readonly staleSymbols: readonly string[];
  /** Health of each symbol subscribed to or seen in events, sorted by symbol. */
  readonly symbols: readonly SymbolHealth[];
}

/** What {@link Feed} needs from `createFeed`. @internal */
export interface FeedParts {
  readonly core: FeedCoreOptions;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly dispatcher: Dispatcher;
}

/**
 * A running feed. Create one with `createFeed` or `createFeedFromEnv`.
 *
 * @example Pull and push on the synthetic feed
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * await using feed = await createFeed({ source: "synthetic", symbols: ["PTT"], rate: "max" });
 * feed.on("quote", (q) => { if (q.ask - q.bid < 0) throw new Error("crossed"); });
 * let n = 0;
 * for await (const ev of feed) if (ev.type === "quote" && ++n === 100) break;
 * ```
 */
export class Feed implements AsyncIterable<FeedEvent>, AsyncDisposable {
  /** The connector's name. */
  readonly source: string;
  /** The sink handed to the connector. @internal */
  readonly sink: EventSink;
  #connector: ConnectorWrapper | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #health: HealthMonitor;
  readonly #emitter = new EventEmitter<FeedListeners>();
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #buffer: boolean;
  readonly #decodeLog: RateLimitedLog;
  #listenerErrors = 0;
  /** The first listener failure of the event being emitted, reported once it is done. */
  #failure: { readonly type: FeedEvent["type"]; readonly error: string } | undefined;
  /**
   * Calls the listener it is registered with as its context (`this`), counting
   * and reporting what it throws: one function for every `on()` listener, so
   * `off(type, fn)` finds a registration by its context and nothing is kept
   * beside the emitter's own list.
   */
  readonly #guard: (this: Listener, ev: FeedEvent) => void;
  /** The same for `once()` listeners, per type: it removes its registration, then calls. */
  readonly #onceGuards = new Map<keyof FeedListeners, (this: Listener, ev: FeedEvent) => void>();
  #nextListenerStatus = -Infinity;
  readonly #statusStreams = new Broadcast<StatusEvent>();
  readonly #subs = new SubscriptionSet();
  readonly #conn = new ConnectionState();
  #listening = false;
  #ended = false;
  #closing: Promise<void> | undefined;
  #closeInfo: FeedCloseInfo | undefined;
  /** The error the connector ended with (`sink.fail`): `for await` throws it, `closed()` reports it. */
  #fatal: Error | undefined;
  /** A `disconnected` whose warning waits one microtask for an `end` that would make it routine. */
  #pendingDisconnect: StatusEvent | undefined;
  #resolveClosed!: (info: FeedCloseInfo) => void;
  readonly #closed: Promise<FeedCloseInfo>;
  #sampleTimer: TimerHandle | undefined;
  readonly #sampleMs: number;

  /**
   * Builds a feed around its parts; `createFeed` does this.
   *
   * @param source Connector name.
   * @param parts Validated options, logger, clock and dispatcher. @internal
   */
  constructor(source: string, parts: FeedParts) {
    this.source = source;
    this.#logger = parts.logger;
    this.#clock = parts.clock ?? systemClock;
    this.#buffer = parts.core.buffer ?? true;
    this.#dispatcher = parts.dispatcher;
    this.#sampleMs = parts.core.health?.checkIntervalMs ?? 1_000;
    this.#health = new HealthMonitor(
      source,
      parts.core.health ?? {},
      (ev) => this.#onStatus(ev),
      this.#clock,
    );
    this.#decodeLog = new RateLimitedLog(this.#logger, { first: 10, every: 1000 });
    const failed = (ev: FeedEvent, e: unknown): void => this.#listenerFailed(ev, e);
    this.#guard = function (this: Listener, ev: FeedEvent): void {
      try {
        this(ev as never);
      } catch (e) {
        failed(ev, e);
      }
    };
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.sink = {
      event: (ev) => this.#onEvent(ev),
      status: (ev) => this.#onStatus(ev),
      decodeError: (err) => this.#onDecodeError(err),
      drain: () => this.#dispatcher.drain(),
      fail: (err) => {
        if (!this.#ended) this.#fatal ??= err;
      },
    };
  }

  /**
   * Attaches the connector behind this feed.
   * @param connector The connector, attached once by `createFeed`. @internal
   */
  attach(connector: ConnectorWrapper): void {
    this.#connector = connector;
    this.#health.useSession(connector.session);
  }

  /** What the pull queue does when full (`"drop-oldest"`, `"drop-newest"` or `"block"`). */
  get overflow(): OverflowPolicy {
    return this.#dispatcher.overflow;
  }

  /** The connector behind this feed. */
  get connector(): ConnectorWrapper {
    if (this.#connector === undefined) throw new Error("feed has no connector yet");
    return this.#connector;
  }

  #onEvent(ev: MarketEvent): boolean {
    if (this.#ended) return true;
    this.#health.onEvent(ev);
    if (this.#listening) this.#emit(ev);
    return this.#buffer ? this.#dispatcher.push(ev) : true;
  }

  #emit(ev: FeedEvent): void {
    // Each listener runs inside its own guard (see #guard): one that throws is
    // counted and reported, and every other listener still gets the event.
    this.#emitter.emit(ev.type, ev as never);
    this.#emitter.emit("event", ev);
    if (this.#failure !== undefined) this.#reportListenerFailure();
  }

  /** Counts what a listener threw; reported once every listener has had the event. */
  #listenerFailed(ev: FeedEvent, e: unknown): void {
    this.#listenerErrors++;
    this.#failure ??= { type: ev.type, error: e instanceof Error ? e.message : String(e) };
  }

  /**
   * Reports listener failures, once every listener has had the event: one
   * `error` status at most per interval, so that a listener that throws on every
   * event cannot flood the queue (nor a throwing status listener loop).
   */
  #reportListenerFailure(): void {
    const { type, error } = this.#failure!;
    this.#failure = undefined;
    const now = this.#clock.mono();
    if (this.#ended || now < this.#nextListenerStatus) return;
    this.#nextListenerStatus = now + LISTENER_STATUS_INTERVAL_MS;
    const n = this.#listenerErrors;
    this.#onStatus({
      type: "status",
      kind: "error",
      source: this.source,
      epoch: this.#conn.epoch,
      recvTs: this.#clock.now(),
      recvMono: now,
      code: "listener",
      eventType: type,
      reason: `a ${type} listener threw: ${error} (${n} listener error${
        n === 1 ? "" : "s"
      } so far); the feed goes on`,
    });
  }

  #onStatus(ev: StatusEvent): void {
    if (this.#ended) return;
    this.#conn.apply(ev);
    this.#logStatus(ev);
    if (ev.kind === "connected" || ev.kind === "disconnected" || ev.kind === "mode") {
      this.#health.setConnected(this.#conn.delivering, this.#conn.epoch);
    }
    if (this.#listening) this.#emit(ev);
    this.#dispatcher.push(ev);
    this.#statusStreams.push(ev);
    if (ev.kind === "end") {
      const error = this.#fatal ??
        (this.#conn.gaveUp ? new Error(this.#conn.lastError ?? "connector failed") : undefined);
      this.#finish(error === undefined ? { reason: "end" } : { reason: "error", error });
    }
  }

  #logStatus(ev: StatusEvent): void {
    const pending = this.#pendingDisconnect;
    if (pending !== undefined) {
      // The status that follows it decides: a clean end makes it routine.
      this.#pendingDisconnect = undefined;
      this.#writeStatus(pending, ev.kind === "end" && !this.#conn.gaveUp ? "info" : "warn");
    }
    // Once the user is closing the feed, its own disconnect is not trouble; nor is a
    // symbol quiet while its market is closed, or a stream back in use.
    const routine = (ev.kind === "stale" && ev.quiet !== undefined && ev.quiet !== "stale") ||
      (ev.kind === "mode" && ev.mode === "stream");
    const level = this.#closeInfo !== undefined
      ? "debug"
      : routine
      ? "info"
      : STATUS_LOG_LEVEL[ev.kind];
    if (level === undefined) return;
    if (ev.kind === "disconnected" && level === "warn") {
      // A finite source emits its `end` right after, in the same turn.
      this.#pendingDisconnect = ev;
      queueMicrotask(() => {
        if (this.#pendingDisconnect !== ev) return;
        this.#pendingDisconnect = undefined;
        this.#writeStatus(ev, "warn");
      });
      return;
    }
    this.#writeStatus(ev, level);
  }

  #writeStatus(ev: StatusEvent, level: "debug" | "info" | "warn" | "error"): void {
    const { type: _t, kind, source: _s, recvTs: _r, recvMono: _m, reason, ...fields } = ev;
    this.#logger[level](
      `[${this.source}] ${kind}${reason === undefined ? "" : `: ${reason}`}`,
      fields as LogFields,
    );
  }

  #onDecodeError(err: DecodeError): void {
    this.#decodeLog.log(`payload skipped: ${err.message}`, {
      code: err.code,
      ...(err.topic === undefined ? {} : { topic: err.topic }),
      ...(err.offset === undefined ? {} : { offset: err.offset }),
    });
  }

  /** @internal Starts health checks after the connector has connected. */
  startMonitoring(): void {
    this.#health.start();
    const tick = (): void => {
      this.#dispatcher.sampleDropRate();
      this.#sampleTimer = this.#clock.setTimeout(tick, this.#sampleMs, { unref: true });
    };
    this.#sampleTimer = this.#clock.setTimeout(tick, this.#sampleMs, { unref: true });
  }

  /**
   * Adds listeners for one event type (`"quote"`, `"book"`, ..., `"status"`) or
   * `"event"` for all. Listeners run synchronously as each event arrives; an
   * exception is caught, counted and logged, and the feed goes on.
   * @param type Event type.
   * @param fn Listener.
   * @returns This feed.
   */
  on<K extends keyof FeedListeners>(type: K, fn: FeedListeners[K]): this {
    this.#emitter.on(type, this.#guard as never, fn);
    this.#listening = true;
    return this;
  }

  /**
   * Like {@link Feed.on}, for one event only.
   * @param type Event type. @param fn Listener. @returns This feed.
   */
  once<K extends keyof FeedListeners>(type: K, fn: FeedListeners[K]): this {
    this.#emitter.on(type, this.#onceGuard(type) as never, fn);
    this.#listening = true;
    return this;
  }

  #onceGuard(type: keyof FeedListeners): (this: Listener, ev: FeedEvent) => void {
    let once = this.#onceGuards.get(type);
    if (once === undefined) {
      const emitter = this.#emitter;
      const guard = this.#guard;
      once = function (this: Listener, ev: FeedEvent): void {
        // Only this listener's own once() registrations: another listener's, even
        // one added while this event is being emitted, waits for its own event.
        emitter.off(type, once as never, this);
        guard.call(this, ev);
      };
      this.#onceGuards.set(type, once);
    }
    return once;
  }

  /**
   * Removes a listener (or all of a type when `fn` is omitted).
   * @param type Event type. @param fn Listener. @returns This feed.
   */
  off<K extends keyof FeedListeners>(type: K, fn?: FeedListeners[K]): this {
    if (fn === undefined) this.#emitter.off(type);
    else {
      this.#emitter.off(type, this.#guard as never, fn);
      const once = this.#onceGuards.get(type);
      if (once !== undefined) this.#emitter.off(type, once as never, fn);
    }
    this.#listening = this.#emitter.eventNames().length > 0;
    return this;
  }

  /**
   * Takes up to `max` queued events, oldest first, without waiting.
   * @param max Largest number returned. @default all queued
   * @returns The events (possibly none).
   */
  poll(max?: number): FeedEvent[] {
    return this.#dispatcher.poll(max);
  }

  /**
   * Takes the oldest queued event without waiting.
   * @returns The oldest queued event, or `undefined` (no allocation).
   */
  shift(): FeedEvent | undefined {
    return this.#dispatcher.shift();
  }

  /** Iterates queued events as they arrive; ends after the feed closes and the queue drains. */
  [Symbol.asyncIterator](): AsyncIterator<FeedEvent> {
    return this.#dispatcher[Symbol.asyncIterator]();
  }

  /**
   * Lifecycle events only, from now on, as an async iterable that ends with the feed.
   * @returns An async iterable of status events.
   */
  status(): AsyncIterableIterator<StatusEvent> {
    return this.#statusStreams.subscribe();
  }

  /**
   * Subscribes; held across reconnects. Accepts one subscription, or a channel and symbols.
   * @param subOrChannel A subscription, or a channel.
   * @param symbols Symbols, when the first argument is a channel.
   * @throws TypeError when the connector does not serve the channel.
   */
  async subscribe(
    subOrChannel: Subscription | Channel,
    symbols: readonly string[] = [],
  ): Promise<void> {
    const requests: Promise<void>[] = [];
    for (const sub of this.#subsOf(subOrChannel, symbols)) {
      const added = this.#subs.add(sub);
      if (added === "present") continue;
      if (added === "new-symbol") this.#health.track(sub.symbol);
      requests.push(this.connector.subscribe(sub));
    }
    // Sent together: a connector that must ask its venue pays one round trip, not one per symbol.
    await Promise.all(requests);
  }

  /**
   * Unsubscribes; the symbol stops being watched for staleness when nothing else holds it.
   * @param subOrChannel A subscription, or a channel. @param symbols Symbols, with a channel.
   */
  async unsubscribe(
    subOrChannel: Subscription | Channel,
    symbols: readonly string[] = [],
  ): Promise<void> {
    const requests: Promise<void>[] = [];
    for (const sub of this.#subsOf(subOrChannel, symbols)) {
      const removed = this.#subs.remove(sub);
      if (removed === "absent") continue;
      if (removed === "last-of-symbol") this.#health.untrack(sub.symbol);
      requests.push(this.connector.unsubscribe(sub));
    }
    await Promise.all(requests);
  }

  #subsOf(subOrChannel: Subscription | Channel, symbols: readonly string[]): Subscription[] {
    const subs = typeof subOrChannel === "string"
      ? symbols.map((symbol) => ({ channel: subOrChannel, symbol }))
      : [subOrChannel];
    const caps = this.connector.capabilities;
    return subs.map((s) => {
      if (!caps.includes(s.channel)) {
        throw new TypeError(
          `[${this.source}] does not serve channel ${JSON.stringify(s.channel)}; it serves ${
            caps.join(", ")
          }`,
        );
      }
      return normalizeSubscription(s);
    });
  }

  /**
   * Lists the symbols that are stale now.
   * @returns Symbols with no event for longer than their gap, sorted.
   */
  staleSymbols(): string[] {
    return this.#health.staleSymbols();
  }

  /**
   * Reports the feed's health now.
   * @returns A snapshot of connection, queue, errors, rates and staleness.
   */
  health(): FeedHealth {
    const h = this.#health.snapshot();
    return {
      source: this.source,
      ...this.#conn.facts(this.#clock.mono()),
      subscriptions: this.#subs.list(),
      queue: this.#dispatcher.counters(),
      decodeErrors: this.#decodeLog.count,
      listenerErrors: this.#listenerErrors,
      feedStale: h.feedStale,
      lastEventAgeMs: h.lastEventAgeMs,
      eventsPerSec: h.eventsPerSec,
      staleSymbols: this.#health.staleSymbols(),
      symbols: h.symbols,
    };
  }

  /**
   * Disconnects and ends the feed; idempotent. Queued events stay readable.
   * @param reason Recorded in {@link Feed.closed}. @default "closed"
   */
  close(reason = "closed"): Promise<void> {
    this.#closing ??= (async () => {
      this.#closeInfo ??= { reason };
      try {
        await this.#connector?.disconnect(reason);
      } catch (e) {
        this.#logger.warn("connector failed to disconnect cleanly", {
          error: e instanceof Error ? e.message : String(e),
        });
      }
      this.#finish(this.#closeInfo);
    })();
    return this.#closing;
  }

  #finish(info: FeedCloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closeInfo ??= info;
    this.#health.stop();
    if (this.#sampleTimer !== undefined) this.#clock.clearTimeout(this.#sampleTimer);
    this.#dispatcher.close(this.#fatal);
    this.#statusStreams.close();
    this.#resolveClosed(this.#closeInfo);
  }

  /**
   * Waits for the feed to end.
   *
   * Resolves (never rejects) with how the feed ended. When the connector ended
   * it with a fatal error (a refused login, reconnect attempts spent, start-up
   * timed out), `reason` is `"error"` and `error` is that error, typed
   * (`isAuthError`, `isConnectionError`); `for await` over the feed throws it
   * once the queued events are read. `close()` and `await using` never throw.
   * @returns A promise of how the feed ended.
   */
  closed(): Promise<FeedCloseInfo> {
    return this.#closed;
  }

  /** Closes the feed: `await using feed = await createFeed(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
