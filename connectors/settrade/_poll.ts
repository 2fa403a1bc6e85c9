/**
 * The stream → poll fallback and the delivery mode of the Settrade connector.
 *
 * - **Into poll mode.** When the stream has been down for `graceMs` (a lost
 *   connection whose reconnects keep failing), every `quote` subscription is
 *   served from the market REST quote endpoint: one request at a time, symbols
 *   in turn, each symbol about every `intervalMs`, never faster than the rate
 *   limiter (the server's headers) allows. A polled quote is a normal `quote`
 *   event marked `via: "poll"`, stamped from the connector's own sequence when
 *   it is delivered; one equal to the last quote of its symbol (streamed or
 *   polled) is dropped, so it takes no sequence number.
 * - **Back to the stream.** Once reconnected, a symbol is polled no more after
 *   its first streamed event on the new connection, and a poll answer that
 *   comes back after it is dropped: no duplicate, no gap in `seq`. Polling ends
 *   when every symbol has streamed, or `graceMs` after the reconnect (a symbol
 *   may be quiet).
 * - **Bounded.** A polling spell lasts at most `maxDurationMs`; then the mode
 *   is `"down"` until the stream returns (a clean outage signal).
 * - **Mode.** `mode` statuses report every change: `"stream"` once the first
 *   connection is up, `"poll"` or `"down"` when the grace period ends without
 *   the stream (`"down"` when polling is off, impossible or has nothing to
 *   serve), `"stream"` again when it is back. A reconnect within the grace
 *   period changes nothing. Book, info, market and bar subscriptions wait for
 *   the stream (bars are backfilled then).
 *
 * Inferred: the quote endpoint serves the same top of book as the stream (its
 * JSON shape is parsed tolerantly by `market-rest.ts`).
 *
 * @module
 */

import type { Clock, TimerHandle } from "../../src/clock.ts";
import type { EventSink } from "../../src/connector.ts";
import type { FeedMode, QuoteEvent } from "../../src/events.ts";
import type { EventBody } from "../../src/kit/stamp.ts";
import type { Lifecycle } from "../../src/kit/lifecycle.ts";
import { reasonOf } from "../../src/errors.ts";
import { sleep } from "../../src/kit/retry.ts";
import { type Logger, RateLimitedLog } from "../../src/log.ts";
import type { HeldTopic, SubscriptionTable } from "./_subscriptions.ts";
import type { SettradePollOptions } from "./config.ts";
import type { SettradeMarketRest } from "./market-rest.ts";

/** What the fallback works with. */
export interface PollDeps {
  /** Poll options; `undefined` in the direct mode (no polling). */
  readonly options: SettradePollOptions | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The connector's lifecycle: phase, epoch, `mode` statuses. */
  readonly life: Lifecycle;
  readonly subs: SubscriptionTable;
  /** Market REST, when the connector has it (the Settrade mode). */
  readonly rest: (() => SettradeMarketRest) | undefined;
  /** Where polled quotes go. */
  readonly sink: EventSink;
}

function sameQuote(a: EventBody<QuoteEvent>, b: QuoteEvent | undefined): boolean {
  return b !== undefined && a.bid === b.bid && a.ask === b.ask && a.bidSize === b.bidSize &&
    a.askSize === b.askSize && a.bidFlag === b.bidFlag && a.askFlag === b.askFlag;
}

/** The fallback: grace timer, polling spells, and the mode. */
export class PollFallback {
  readonly #d: PollDeps;
  readonly #failures: RateLimitedLog;
  #mode: FeedMode = "down";
  #grace: TimerHandle | undefined;
  #spell: AbortController | undefined;
  /** Monotonic time of the last `connected`. */
  #connectedMono = 0;
  #stopped = false;

  /** @param deps Options, clock, logger, lifecycle, subscriptions and REST. */
  constructor(deps: PollDeps) {
    this.#d = deps;
    this.#failures = new RateLimitedLog(deps.logger, { level: "warn" });
  }

  /** The mode now. */
  get mode(): FeedMode {
    return this.#mode;
  }

  /** Whether a polling spell runs now. */
  get polling(): boolean {
    return this.#spell !== undefined;
  }

  /** A connection is up (first or reconnect): the stream is back, or there for the first time. */
  onConnected(): void {
    if (this.#stopped) return;
    this.#connectedMono = this.#d.clock.mono();
    this.#cancelGrace();
    // While polling, the spell ends itself once the symbols stream again.
    if (this.#spell === undefined) this.#set("stream");
  }

  /** The connection was lost: after the grace period without it, poll (or report "down"). */
  onLost(): void {
    if (this.#stopped || this.#grace !== undefined || this.#spell !== undefined) return;
    this.#grace = this.#d.clock.setTimeout(() => {
      this.#grace = undefined;
      if (this.#stopped || this.#d.life.phase === "connected") return;
      this.#startSpell();
    }, this.#d.options?.graceMs ?? 2_000);
  }

  /** Stops everything for good (the connector is ending). */
  stop(): void {
    this.#stopped = true;
    this.#cancelGrace();
    this.#spell?.abort();
    this.#spell = undefined;
  }

  #cancelGrace(): void {
    if (this.#grace !== undefined) this.#d.clock.clearTimeout(this.#grace);
    this.#grace = undefined;
  }

  #set(mode: FeedMode): void {
    if (mode === this.#mode || this.#stopped) return;
    const previous = this.#mode;
    this.#mode = mode;
    this.#d.life.emit({ kind: "mode", mode, previous });
  }

  #quoteTopics(): HeldTopic[] {
    return this.#d.subs.held().filter((h) => h.parsed?.kind === "bidoffer" && h.want.quote);
  }

  #startSpell(): void {
    const { rest, options } = this.#d;
    if (!options?.enabled || rest === undefined || this.#quoteTopics().length === 0) {
      this.#set("down");
      return;
    }
    const spell = new AbortController();
    this.#spell = spell;
    this.#set("poll");
    void this.#run(rest(), options, spell.signal).catch((e) => {
      if (!spell.signal.aborted) {
        this.#d.logger.error("[settrade] polling failed", { error: reasonOf(e) });
      }
    }).finally(() => {
      if (this.#spell === spell) this.#spell = undefined;
      if (this.#stopped) return;
      this.#set(this.#d.life.phase === "connected" ? "stream" : "down");
    });
  }

  /** Whether a symbol's topic has streamed on the current connection. */
  #streamed(h: HeldTopic): boolean {
    const life = this.#d.life;
    return life.phase === "connected" && h.lastEpoch === life.epoch;
  }

  async #run(
    rest: SettradeMarketRest,
    options: SettradePollOptions,
    signal: AbortSignal,
  ): Promise<void> {
    const clock = this.#d.clock;
    const started = clock.mono();
    let turn = 0;
    for (;;) {
      signal.throwIfAborted();
      const connected = this.#d.life.phase === "connected";
      const now = clock.mono();
      if (connected && now - this.#connectedMono >= options.graceMs) return;
      if (!connected && now - started >= options.maxDurationMs) {
        this.#d.logger.warn("[settrade] polling stopped: the stream has been down too long", {
          maxDurationMs: options.maxDurationMs,
        });
        return;
      }
      const due = this.#quoteTopics().filter((h) => !this.#streamed(h));
      if (due.length === 0) {
        if (connected) return;
        await sleep(clock, options.intervalMs, signal);
        continue;
      }
      const h = due[turn++ % due.length]!;
      const symbol = h.subs.values().next().value!.symbol;
      const sent = clock.mono();
      try {
        const body = await rest.quote(symbol, signal);
        this.#offer(h, body);
      } catch (e) {
        if (signal.aborted) throw e;
        this.#failures.log("[settrade] a quote poll failed", { symbol, error: reasonOf(e) });
      }
      // Each symbol about every intervalMs: the requests are spread across the symbols.
      const spacing = options.intervalMs / due.length;
      await sleep(clock, spacing - (clock.mono() - sent), signal);
    }
  }

  /** Delivers a polled quote unless the stream got there first or it says nothing new. */
  #offer(h: HeldTopic, body: EventBody<QuoteEvent>): void {
    if (this.#d.subs.get(h.topic) !== h || !h.want.quote || this.#streamed(h)) return;
    if (sameQuote(body, h.lastQuote)) return;
    const life = this.#d.life;
    if (life.ended) return;
    const ev = life.stamper.event({ ...body, via: "poll" as const });
    h.lastQuote = ev;
    this.#d.sink.event(ev);
  }
}
