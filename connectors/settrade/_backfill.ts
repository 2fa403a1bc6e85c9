/**
 * Bar backfill: after a gap in a bar subscription (a reconnect, so also after
 * a polling spell), or at start-up with `backfill: N`, the missed bars are
 * fetched from the market REST candlestick endpoint and delivered, marked
 * `via: "backfill"`, before the live ones; in time order and never twice.
 *
 * Every bar topic has a {@link BarGate} between the decoder and the sink. It
 * remembers the newest bar delivered (its opening time and values), and:
 *
 * - while a backfill runs, holds the live bars; afterwards delivers those that
 *   are not older than the newest backfilled bar, with fresh sequence numbers;
 * - delivers a backfilled bar only if it opens after the newest bar delivered,
 *   or is that same bar with other values (it went on trading during the gap);
 * - drops a live bar that opens before the newest delivered one, or that
 *   repeats a backfilled bar's values exactly.
 *
 * The window is bounded: after a gap, only bars opening within `windowMs` of
 * the newest bar are fetched (`ceil(windowMs / interval) + 1` bars at most,
 * 1,000 at most). Times are the exchange's bar times, so the window follows the
 * market's clock, not ours. A failed backfill is reported (`error` status, code
 * `"backfill"`) and the live bars go on.
 *
 * @module
 */

import type { EventSink } from "../../src/connector.ts";
import type { BarEvent } from "../../src/events.ts";
import type { Lifecycle } from "../../src/kit/lifecycle.ts";
import type { EventBody } from "../../src/kit/stamp.ts";
import { reasonOf } from "../../src/errors.ts";
import type { Logger } from "../../src/log.ts";
import type { BarSink, HeldTopic, SubscriptionTable } from "./_subscriptions.ts";
import type { SettradeMarketRest } from "./market-rest.ts";

/** Most bars one backfill request asks for (the endpoint's inferred cap). */
const MAX_BARS = 1_000;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000,
};

/**
 * The length of a bar interval.
 * @param interval `"1m"`, `"5m"`, `"60m"`, `"1d"`, ...
 * @returns Milliseconds, or `undefined` for an interval of another form.
 */
export function intervalMs(interval: string): number | undefined {
  const m = /^(\d+)([smhdwM])$/.exec(interval);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

type Bar = EventBody<BarEvent> | BarEvent;

function sameBar(a: Bar, b: Bar | undefined): boolean {
  return b !== undefined && a.openTs === b.openTs && a.open === b.open && a.high === b.high &&
    a.low === b.low && a.close === b.close && a.volume === b.volume;
}

/** One bar topic's order and dedupe, between the decoder and the sink. */
export class BarGate implements BarSink {
  /** Opening time of the newest bar delivered. */
  lastOpenTs: number = -Infinity;
  #last: Bar | undefined;
  #lastBackfilled = false;
  #held: BarEvent[] | undefined;
  readonly #sink: EventSink;

  /** @param sink Where bars go. */
  constructor(sink: EventSink) {
    this.#sink = sink;
  }

  /** Whether live bars are being held for a backfill. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /**
   * A live bar from the stream.
   * @param ev The bar.
   * @returns Whether it was delivered now.
   */
  live(ev: BarEvent): boolean {
    if (this.#held !== undefined) {
      this.#held.push(ev);
      return false;
    }
    if (!this.#accepts(ev, this.#lastBackfilled)) return false;
    this.#sink.event(ev);
    this.#note(ev, false);
    return true;
  }

  /** Starts holding live bars. */
  hold(): void {
    this.#held ??= [];
  }

  /**
   * Delivers backfilled bars (oldest first) that are new, then the held live ones.
   * @param bars Bars from the candlestick endpoint, oldest first.
   * @param stamp Stamps a body with the next `seq` (and marks it).
   * @param restamp Gives a held live bar the next `seq` (its own was left unused).
   */
  fill(
    bars: readonly EventBody<BarEvent>[],
    stamp: (body: EventBody<BarEvent>) => BarEvent,
    restamp: (ev: BarEvent) => BarEvent,
  ): void {
    for (const b of bars) {
      if (!this.#accepts(b, true)) continue;
      this.#sink.event(stamp(b));
      this.#note(b, true);
    }
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const ev of held) {
      if (!this.#accepts(ev, this.#lastBackfilled)) continue;
      const out = restamp(ev);
      this.#sink.event(out);
      this.#note(out, false);
    }
  }

  #accepts(b: Bar, againstBackfill: boolean): boolean {
    if (b.openTs < this.lastOpenTs) return false;
    return !(b.openTs === this.lastOpenTs && againstBackfill && sameBar(b, this.#last));
  }

  #note(b: Bar, backfilled: boolean): void {
    this.lastOpenTs = b.openTs;
    this.#last = b;
    this.#lastBackfilled = backfilled;
  }
}

/** What {@link BarBackfill} works with. */
export interface BackfillDeps {
  readonly subs: SubscriptionTable;
  readonly sink: EventSink;
  readonly life: Lifecycle;
  readonly logger: Logger;
  /** Market REST (the Settrade mode only). */
  readonly rest: (() => SettradeMarketRest) | undefined;
  /** Bars fetched per bar subscription at start-up (0: none). */
  readonly startBars: number;
  /** Gap window, ms (0: no gap backfill). */
  readonly windowMs: number;
  /** Cancels fetches when the connector ends. */
  readonly signal: AbortSignal;
}

/** Runs backfills for every bar topic. */
export class BarBackfill {
  readonly #d: BackfillDeps;

  /** @param deps Table, sink, lifecycle, logger, REST, sizes and the stop signal. */
  constructor(deps: BackfillDeps) {
    this.#d = deps;
  }

  /** Gives every held bar topic a gate. */
  gates(): void {
    for (const h of this.#d.subs.held()) {
      if (h.parsed?.kind === "candlestick") h.bars ??= new BarGate(this.#d.sink);
    }
  }

  /**
   * A bar topic was subscribed: gives it a gate and, while connected, its
   * start-up backfill (`backfill: N`).
   * @param topic The topic.
   */
  onSubscribed(topic: string): void {
    const h = this.#d.subs.get(topic);
    if (h === undefined || h.parsed?.kind !== "candlestick") return;
    h.bars ??= new BarGate(this.#d.sink);
    const rest = this.#d.rest;
    if (rest === undefined || this.#d.startBars === 0 || !this.#d.life.connectedNow) return;
    const gate = h.bars as BarGate;
    if (gate.holding) return;
    gate.hold();
    void this.#fill(rest(), h, gate, "start");
  }

  /**
   * A connection became current: backfills what it needs.
   * @param gap `"start"` for the first connection, `"reconnect"` after a loss.
   */
  onConnected(gap: "start" | "reconnect"): void {
    this.gates();
    const { rest, startBars, windowMs } = this.#d;
    if (rest === undefined || (gap === "start" ? startBars === 0 : windowMs === 0)) return;
    for (const h of this.#d.subs.held()) {
      const gate = h.bars;
      if (!(gate instanceof BarGate) || gate.holding || h.parsed?.kind !== "candlestick") continue;
      gate.hold();
      void this.#fill(rest(), h, gate, gap);
    }
  }

  async #fill(
    rest: SettradeMarketRest,
    h: HeldTopic,
    gate: BarGate,
    gap: "start" | "reconnect",
  ): Promise<void> {
    const t = h.parsed as { symbol: string; interval: string };
    const { life, windowMs } = this.#d;
    const size = intervalMs(t.interval);
    let bars: EventBody<BarEvent>[] = [];
    try {
      const limit = gap === "start"
        ? this.#d.startBars
        : Math.min(MAX_BARS, size === undefined ? MAX_BARS : Math.ceil(windowMs / size) + 1);
      bars = await rest.candlesticks(t.symbol, t.interval, limit, this.#d.signal);
      const newest = bars.at(-1)?.openTs ?? 0;
      if (gap === "reconnect") bars = bars.filter((b) => b.openTs >= newest - windowMs);
    } catch (e) {
      bars = [];
      if (!this.#d.signal.aborted) {
        const reason = `[settrade] backfill of ${t.symbol} ${t.interval} bars failed: ${
          reasonOf(e)
        }; live bars go on`;
        this.#d.logger.warn(reason);
        life.error(reason, "backfill");
      }
    }
    if (this.#d.subs.get(h.topic) !== h || life.ended) return;
    const stamper = life.stamper;
    gate.fill(
      bars,
      (b) => stamper.event({ ...b, via: "backfill" }),
      (ev) => ({ ...ev, seq: stamper.nextSeq(), epoch: life.epoch }),
    );
  }
}
