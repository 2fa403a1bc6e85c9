/**
 * The event generator: turns the held subscriptions into an ordered list of
 * participants (instruments and markets), advances one participant per step in
 * round-robin order, and emits one event per subscribed channel the step touched.
 * Everything it produces depends only on the options and the subscription order.
 *
 * @module
 */

import type { EventSink, Subscription } from "../../src/connector.ts";
import type { Clock } from "../../src/clock.ts";
import { DecodeError } from "../../src/errors.ts";
import type { MarketEvent } from "../../src/events.ts";
import { MarketSim } from "./_market-sim.ts";
import type { SessionPhase, SyntheticOptions } from "./_options.ts";
import { Rng } from "./_prng.ts";
import { SOURCE, type Stamp } from "./_session.ts";
import { BOOK, INFO, SymbolSim, TOP, TRADED } from "./_symbol-sim.ts";

/** Largest exchange-clock advance per step, ms (the advance is 1..this, seeded). */
const MAX_EXCH_STEP_MS = 200;

class Participant {
  readonly sim: SymbolSim | undefined;
  readonly market: MarketSim | undefined;
  quote = false;
  book = false;
  trade = false;
  bar = false;
  info = false;

  constructor(sim: SymbolSim | undefined, market: MarketSim | undefined) {
    this.sim = sim;
    this.market = market;
  }
}

/** Generates market events into a sink, one step at a time. */
export class Generator {
  /** Market events emitted so far (skipped malformed messages not counted). */
  emitted = 0;
  /** Payloads reported as undecodable. */
  decodeErrors = 0;
  /** Set when the sink asked for a pause (`event()` returned `false`). */
  pressure = false;
  /** Whether events may be emitted; cleared on disconnect and once `limit` is reached. */
  open = false;
  /** Shared fields of the current step; `epoch` is set by the connector. */
  readonly stamp: Stamp;
  readonly #sink: EventSink;
  readonly #clock: Clock;
  readonly #seed: number;
  readonly #limit: number;
  readonly #malformedRate: number;
  readonly #phases: SyntheticOptions["phases"];
  readonly #exchRng: Rng;
  readonly #faultRng: Rng;
  readonly #symbols = new Map<string, SymbolSim>();
  readonly #markets = new Map<string, MarketSim>();
  #order: Participant[] = [];
  #cursor = 0;
  #phaseIndex = 0;
  #phase: SessionPhase = "normal";
  #seq = 0;

  /**
   * @param options Validated options.
   * @param sink Where events go.
   * @param clock Source of `recvTs` / `recvMono`.
   */
  constructor(options: SyntheticOptions, sink: EventSink, clock: Clock) {
    this.#sink = sink;
    this.#clock = clock;
    this.#seed = options.seed;
    this.#limit = options.limit ?? Infinity;
    this.#malformedRate = options.malformedRate;
    this.#phases = options.phases;
    this.#exchRng = new Rng(options.seed, "#exchange-clock");
    this.#faultRng = new Rng(options.seed, "#faults");
    this.stamp = {
      source: SOURCE,
      seq: 0,
      epoch: 0,
      recvTs: 0,
      recvMono: 0,
      exchTs: options.startTs,
    };
  }

  /** Number of participants (instruments and markets with a subscription). */
  get active(): number {
    return this.#order.length;
  }

  /**
   * Rebuilds the participants from the held subscriptions, in first-subscribed order.
   * @param subs Normalized subscriptions, in the order they were added.
   */
  setSubscriptions(subs: Iterable<Subscription>): void {
    const byKey = new Map<string, Participant>();
    for (const sub of subs) {
      const isMarket = sub.channel === "market";
      const key = isMarket ? `market:${sub.symbol}` : sub.symbol;
      let p = byKey.get(key);
      if (p === undefined) {
        p = isMarket
          ? new Participant(undefined, this.#marketSim(sub.symbol))
          : new Participant(this.#symbolSim(sub.symbol), undefined);
        byKey.set(key, p);
      }
      if (sub.channel !== "market") p[sub.channel] = true;
    }
    this.#order = [...byKey.values()];
    if (this.#cursor >= this.#order.length) this.#cursor = 0;
  }

  #symbolSim(symbol: string): SymbolSim {
    let sim = this.#symbols.get(symbol);
    if (sim === undefined) this.#symbols.set(symbol, sim = new SymbolSim(symbol, this.#seed));
    return sim;
  }

  #marketSim(name: string): MarketSim {
    let sim = this.#markets.get(name);
    if (sim === undefined) this.#markets.set(name, sim = new MarketSim(name, this.#seed));
    return sim;
  }

  /**
   * Advances the next participant by one update and emits its events.
   * @returns Number of market events emitted.
   */
  step(): number {
    const n = this.#order.length;
    if (n === 0) return 0;
    const p = this.#order[this.#cursor]!;
    this.#cursor = this.#cursor + 1 === n ? 0 : this.#cursor + 1;
    const phases = this.#phases;
    while (this.#phaseIndex < phases.length && phases[this.#phaseIndex]!.at <= this.emitted) {
      this.#phase = phases[this.#phaseIndex++]!.phase;
    }
    const before = this.emitted;
    const s = this.stamp;
    s.exchTs += 1 + this.#exchRng.int(MAX_EXCH_STEP_MS);
    s.recvTs = this.#clock.now();
    s.recvMono = this.#clock.mono();
    const market = p.market;
    if (market !== undefined) {
      market.step(this.#phase);
      if (this.#admit("market", market.name)) this.#push(market.event(this.#next()));
      return this.emitted - before;
    }
    const sim = p.sim!;
    const bits = sim.step(this.#phase, s.exchTs);
    if ((bits & TRADED) !== 0 && p.trade && this.#admit("trade", sim.symbol)) {
      this.#push(sim.trade(this.#next()));
    }
    if ((bits & TOP) !== 0 && p.quote && this.#admit("quote", sim.symbol)) {
      this.#push(sim.quote(this.#next()));
    }
    if ((bits & BOOK) !== 0 && p.book && this.#admit("book", sim.symbol)) {
      this.#push(sim.book(this.#next()));
    }
    if ((bits & TRADED) !== 0 && p.bar && this.#admit("bar", sim.symbol)) {
      this.#push(sim.bar(this.#next()));
    }
    if ((bits & INFO) !== 0 && p.info && this.#admit("info", sim.symbol)) {
      this.#push(sim.info(this.#next()));
    }
    return this.emitted - before;
  }

  #next(): Stamp {
    this.stamp.seq = ++this.#seq;
    return this.stamp;
  }

  /** Whether the next message may be emitted; an injected malformed one is reported instead. */
  #admit(channel: string, symbol: string): boolean {
    if (!this.open) return false;
    if (this.#malformedRate === 0 || this.#faultRng.float() >= this.#malformedRate) return true;
    this.decodeErrors++;
    this.#sink.decodeError(
      new DecodeError(`[synthetic] malformed ${channel} message for "${symbol}" (injected)`, {
        code: "injected",
        topic: `${channel}/${symbol}`,
      }),
    );
    return false;
  }

  #push(ev: MarketEvent): void {
    this.emitted++;
    if (this.emitted >= this.#limit) this.open = false;
    if (!this.#sink.event(ev)) this.pressure = true;
  }
}
