/**
 * The synthetic connector: lifecycle (status order, epochs), subscriptions,
 * and the injected faults (disconnects, a stall, the end after `limit`). Events
 * come from the {@link Generator}; the {@link Pump} paces it.
 *
 * @module
 */

import type { Clock, TimerHandle } from "../../src/clock.ts";
import {
  type ConnectorContext,
  type ConnectorWrapper,
  type Subscription,
  subscriptionKey,
} from "../../src/connector.ts";
import { ConnectionError } from "../../src/errors.ts";
import { type Channel, CHANNELS } from "../../src/events.ts";
import { type ConnectorHealth, Lifecycle } from "../../src/kit/lifecycle.ts";
import type { Logger } from "../../src/log.ts";
import { Generator } from "./_generator.ts";
import type { SyntheticOptions } from "./_options.ts";
import { Pump } from "./_pump.ts";
import { SOURCE } from "./_session.ts";

/** Delay before reconnecting after a simulated disconnect, ms. */
const RECONNECT_DELAY_MS = 100;

/** The synthetic connector's own view of its connection. */
export type SyntheticHealth = ConnectorHealth;

/** A seeded, deterministic source of SET-like market data. */
export class SyntheticConnector implements ConnectorWrapper {
  readonly name: string = SOURCE;
  readonly capabilities: readonly Channel[];
  readonly #options: SyntheticOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #gen: Generator;
  readonly #life: Lifecycle;
  readonly #subs = new Map<string, Subscription>();
  #connecting: Promise<void> | undefined;
  #signal: AbortSignal | undefined;
  #connectedAt = 0;
  readonly #pump: Pump;
  #reconnectTimer: TimerHandle | undefined;
  #stallTimer: TimerHandle | undefined;
  #stalled = false;
  #stallDone = false;

  /**
   * Use `createSyntheticConnector` (or a feed with `source: "synthetic"`).
   * @param options Validated options.
   * @param ctx Sink, logger and clock from the feed.
   */
  constructor(options: SyntheticOptions, ctx: ConnectorContext) {
    this.#options = options;
    this.#clock = ctx.clock;
    this.#logger = ctx.logger;
    this.capabilities = CHANNELS.filter((c) => options.channels.includes(c));
    this.#gen = new Generator(options, ctx.sink, ctx.clock);
    this.#life = new Lifecycle(SOURCE, ctx.sink, ctx.clock, this.#gen.stamp);
    this.#pump = new Pump(options.rate, ctx.clock, ctx.sink, this.#gen, {
      afterStep: () => this.#afterStep(),
      fail: (e) => this.#fail(e),
    });
  }

  /**
   * Simulates a lost connection: `disconnected` → `reconnecting` → (after a short
   * delay on the clock) `connecting` → `connected` with the next epoch. A no-op
   * unless connected. For tests of reconnect handling.
   * @param connector The connector.
   * @param reason Reason carried by `disconnected`.
   */
  static simulateDisconnect(connector: SyntheticConnector, reason: string): void {
    connector.#drop(reason);
  }

  connect(signal?: AbortSignal): Promise<void> {
    if (this.#connecting !== undefined) return this.#connecting;
    if (this.#life.ended) {
      return Promise.reject(
        new ConnectionError("[synthetic] connector was disconnected; create a new one"),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#establish();
    return (this.#connecting = Promise.resolve());
  }

  disconnect(reason = "disconnect requested"): Promise<void> {
    this.#finish(reason);
    return Promise.resolve();
  }

  // deno-lint-ignore require-await
  async subscribe(sub: Subscription): Promise<void> {
    const s = normalize(sub);
    if (this.#life.ended) return;
    if (!this.capabilities.includes(s.channel)) {
      this.#life.subscribeError(
        `[synthetic] channel "${s.channel}" is not enabled (channels: ${
          this.capabilities.join(", ")
        })`,
        s.symbol,
      );
    } else if (s.channel === "bar" && s.interval !== "1m") {
      this.#life.subscribeError(
        `[synthetic] bar interval "${s.interval}" is not supported; only "1m"`,
        s.symbol,
      );
    } else {
      const key = subscriptionKey(s);
      if (!this.#subs.has(key)) {
        this.#subs.set(key, s);
        this.#gen.setSubscriptions(this.#subs.values());
        this.#kick();
      }
    }
  }

  // deno-lint-ignore require-await
  async unsubscribe(sub: Subscription): Promise<void> {
    if (this.#subs.delete(subscriptionKey(normalize(sub)))) {
      this.#gen.setSubscriptions(this.#subs.values());
    }
  }

  /**
   * The connector's own view of its connection (the feed's `health()` reports the same).
   * @returns Whether connected, the epoch, reconnects and the subscriptions held.
   */
  health(): SyntheticHealth {
    return {
      ...this.#life.facts(),
      subscriptions: [...this.#subs.values()],
      decodeErrors: this.#gen.decodeErrors,
    };
  }

  /** `connecting` → `connected` (with the next epoch on a reconnect); starts producing. */
  #establish(): void {
    this.#life.connecting();
    this.#gen.open = true;
    this.#connectedAt = this.#gen.emitted;
    this.#life.connected();
    this.#kick();
  }

  #drop(reason: string): void {
    if (!this.#life.connectedNow) return;
    this.#halt();
    this.#life.lost(reason);
    this.#life.reconnecting(1, RECONNECT_DELAY_MS, reason);
    if (this.#signal?.aborted) return this.#finish("aborted");
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#establish();
    }, RECONNECT_DELAY_MS);
  }

  /** `disconnected` (if connected) and `end`; nothing is emitted afterwards. */
  #finish(reason: string): void {
    if (this.#life.ended) return;
    this.#halt();
    if (this.#reconnectTimer !== undefined) this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#life.finish(reason);
  }

  #onAbort = (): void => {
    if (this.#life.phase === "reconnecting") this.#finish("aborted");
  };

  /** Stops producing: closes the generator, stops the pump, cancels any stall. */
  #halt(): void {
    this.#gen.open = false;
    this.#pump.stop();
    if (this.#stallTimer !== undefined) this.#clock.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#stalled = false;
  }

  /** Starts the pump when connected and not stalled. */
  #kick(): void {
    if (this.#life.connectedNow && !this.#stalled) this.#pump.start();
  }

  /** Applies the end after `limit` and the injected faults, between steps. */
  #afterStep(): void {
    const o = this.#options;
    const emitted = this.#gen.emitted;
    if (o.limit !== undefined && emitted >= o.limit) {
      this.#finish(`limit of ${o.limit} events reached`);
    } else if (
      o.disconnectEvery !== undefined && emitted - this.#connectedAt >= o.disconnectEvery
    ) {
      this.#drop(`simulated disconnect after ${o.disconnectEvery} events`);
    } else if (o.stallAfter !== undefined && !this.#stallDone && emitted >= o.stallAfter) {
      this.#stall(o.stallMs);
    }
  }

  #stall(ms: number): void {
    this.#stallDone = true;
    this.#logger.info("[synthetic] stalling (injected)", { ms });
    this.#pump.stop();
    this.#stalled = true;
    this.#stallTimer = this.#clock.setTimeout(() => {
      this.#stallTimer = undefined;
      this.#stalled = false;
      this.#kick();
    }, ms);
  }

  #fail(e: unknown): void {
    const reason = `[synthetic] sink failed: ${e instanceof Error ? e.message : String(e)}`;
    this.#logger.error(reason);
    this.#life.error(reason);
    this.#finish("sink failed");
  }
}

/**
 * Test hook: simulates a lost connection on a synthetic connector, which then
 * reconnects on its own (`disconnected` → `reconnecting` → `connecting` →
 * `connected` with the next epoch, after a short delay on its clock). A no-op
 * unless connected. Private to the package: tests import it from this file.
 *
 * @param connector A connector made by `createSyntheticConnector` or the definition.
 * @param reason Reason carried by `disconnected`. @default "simulated disconnect"
 * @throws TypeError when `connector` is not a synthetic connector.
 */
export function simulateDisconnect(
  connector: ConnectorWrapper,
  reason = "simulated disconnect",
): void {
  if (!(connector instanceof SyntheticConnector)) {
    throw new TypeError("[synthetic] simulateDisconnect needs a synthetic connector");
  }
  SyntheticConnector.simulateDisconnect(connector, reason);
}

function normalize(sub: Subscription): Subscription {
  if (typeof sub !== "object" || sub === null) {
    throw new TypeError(`[synthetic] subscription must be an object, got ${String(sub)}`);
  }
  if (!(CHANNELS as unknown[]).includes(sub.channel)) {
    throw new TypeError(`[synthetic] unknown channel ${JSON.stringify(sub.channel)}`);
  }
  if (typeof sub.symbol !== "string" || sub.symbol.trim() === "") {
    throw new TypeError(
      `[synthetic] symbol must be a non-empty string, got ${JSON.stringify(sub.symbol)}`,
    );
  }
  const symbol = sub.symbol.trim().toUpperCase();
  return sub.channel === "bar"
    ? { channel: "bar", symbol, interval: sub.interval ?? "1m" }
    : { channel: sub.channel, symbol };
}
