/**
 * Feed health: global liveness and per-symbol staleness on monotonic time.
 *
 * The monitor sees every event on the hot path ({@link HealthMonitor.onEvent}: one
 * map lookup and two field writes, no allocation) and checks gaps on a timer.
 * Symbols that have had no event for longer than their gap are reported in one
 * `stale` status per check and reason (`scope: "symbols"`, listing them); each
 * one's next event gets one `recovered`. The same applies to the whole feed
 * (`scope: "feed"`, and a `recovered` without `symbol`). Checks pause while the
 * connector delivers nothing (not connected and not polling): the
 * `disconnected` status already says so, and ages restart when delivery resumes.
 *
 * **Sessions.** With a {@link SessionSource} (the connector's, or
 * `health.session`), a symbol whose market is not open is not stale: its
 * silence is reported with `quiet: "closed"`, `"intermission"` or `"halted"`,
 * and it is not listed by `staleSymbols()`. When its market opens, its age
 * counts from the opening. Only a silence while the market is open is
 * `quiet: "stale"`. The whole feed is stale only while some market is open.
 *
 * @module
 */

import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import type { MarketEvent, QuietReason, StatusBody, StatusEvent } from "./events.ts";
import type { SessionQuiet, SessionSource } from "./session.ts";
import { newSymbolState, QuietGroups, quietNow, type SymbolState } from "./_symbol-state.ts";

/** Options of the health monitor. Every gap is in milliseconds of monotonic time. */
export interface HealthOptions {
  /** A symbol is stale after this long without an event. @default 30_000 */
  readonly staleAfterMs?: number;
  /** Per-symbol overrides of `staleAfterMs` (keys upper case). @default {} */
  readonly symbolStaleAfterMs?: Readonly<Record<string, number>>;
  /** The whole feed is stale after this long without any market event. @default 10_000 */
  readonly feedStaleAfterMs?: number;
  /** How often gaps are checked. @default 1_000 */
  readonly checkIntervalMs?: number;
  /** Smoothing of the event-rate EMA per check. @default 0.3 */
  readonly rateAlpha?: number;
  /**
   * When each symbol's market is open; `false` counts staleness around the clock.
   * @default the connector's own session (`connector.session`), if it has one
   */
  readonly session?: SessionSource | false;
}

/** Health of one symbol in a {@link HealthMonitor.snapshot}. */
export interface SymbolHealth {
  /** The symbol, upper case. */
  readonly symbol: string;
  /** Milliseconds since the last event (since tracking began when none yet). */
  readonly lastEventAgeMs: number;
  /** Events seen. */
  readonly events: number;
  /** Events per second, smoothed. */
  readonly eventsPerSec: number;
  /** Whether the symbol is stale now (it got a `stale` status and no event since). */
  readonly stale: boolean;
  /**
   * Why the symbol has had no event for longer than its gap, when it has not:
   * `"stale"` (its market is open), or `"closed"`, `"intermission"`, `"halted"`.
   */
  readonly quiet?: QuietReason;
  /** Gap after which this symbol counts as stale, milliseconds. */
  readonly staleAfterMs: number;
}

/** The monitor's part of `feed.health()`. */
export interface HealthSnapshot {
  /** Whether the whole feed is stale (connected, but no event for `feedStaleAfterMs`). */
  readonly feedStale: boolean;
  /** Milliseconds since the last market event of any symbol. */
  readonly lastEventAgeMs: number;
  /** Market events per second, smoothed. */
  readonly eventsPerSec: number;
  /** Health of each symbol subscribed to or seen in events, sorted by symbol. */
  readonly symbols: readonly SymbolHealth[];
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`health: ${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Watches event flow for staleness and rates.
 *
 * @example Detecting a stalled symbol with a manual clock
 * ```ts
 * import { HealthMonitor, ManualClock } from "@tickwire/tickwire";
 * const clock = new ManualClock();
 * const monitor = new HealthMonitor("demo", { staleAfterMs: 5_000 }, (s) => {
 *   if (s.kind === "stale") console.log(s.kind, s.symbols);
 * }, clock);
 * monitor.track("PTT");
 * monitor.setConnected(true, 0);
 * monitor.start();
 * clock.advance(6_000); // logs: stale [ "PTT" ]
 * monitor.stop();
 * ```
 */
export class HealthMonitor {
  readonly #source: string;
  readonly #emit: (ev: StatusEvent) => void;
  readonly #clock: Clock;
  readonly #staleAfterMs: number;
  readonly #overrides: Readonly<Record<string, number>>;
  readonly #feedStaleAfterMs: number;
  readonly #checkIntervalMs: number;
  readonly #alpha: number;
  readonly #symbols = new Map<string, SymbolState>();
  #lastMono: number;
  #events = 0;
  #eventsAtCheck = 0;
  #lastCheckMono: number;
  #rate = 0;
  #feedStale = false;
  #connected = false;
  #epoch = 0;
  #timer: TimerHandle | undefined;
  #running = false;
  #session: SessionSource | undefined;
  /** Whether the user chose the session (or none): the connector's is then ignored. */
  readonly #sessionChosen: boolean;
  /** Whether no tracked market was open at the last check. */
  #allShut = false;
  #feedOpenedMono = -Infinity;

  /**
   * Creates a stopped monitor; call {@link HealthMonitor.start} to begin checking.
   *
   * @param source Connector name, stamped on the status events.
   * @param options Gaps and intervals.
   * @param emit Receives `stale` / `recovered` status events.
   * @param clock Time source. @default systemClock
   */
  constructor(
    source: string,
    options: HealthOptions,
    emit: (ev: StatusEvent) => void,
    clock: Clock = systemClock,
  ) {
    this.#source = source;
    this.#emit = emit;
    this.#clock = clock;
    this.#staleAfterMs = positive("staleAfterMs", options.staleAfterMs ?? 30_000);
    this.#feedStaleAfterMs = positive("feedStaleAfterMs", options.feedStaleAfterMs ?? 10_000);
    this.#checkIntervalMs = positive("checkIntervalMs", options.checkIntervalMs ?? 1_000);
    this.#alpha = options.rateAlpha ?? 0.3;
    const overrides: Record<string, number> = {};
    for (const [k, v] of Object.entries(options.symbolStaleAfterMs ?? {})) {
      overrides[k.toUpperCase()] = positive(`symbolStaleAfterMs.${k}`, v);
    }
    this.#overrides = overrides;
    this.#lastMono = clock.mono();
    this.#lastCheckMono = this.#lastMono;
    this.#sessionChosen = options.session !== undefined;
    this.#session = options.session === false ? undefined : options.session;
  }

  /**
   * Offers the connector's session: used unless `options.session` was given.
   * @param session When each symbol's market is open.
   */
  useSession(session: SessionSource | undefined): void {
    if (!this.#sessionChosen) this.#session = session;
  }

  /**
   * Starts watching a symbol (on subscribe): its age counts from now even before a first event.
   * @param symbol Upper-case symbol.
   */
  track(symbol: string): void {
    const s = this.#state(symbol);
    if (!s.tracked) {
      s.tracked = true;
      if (s.events === 0) s.lastMono = this.#clock.mono();
    }
  }

  /**
   * Stops watching a symbol (on its last unsubscribe).
   * @param symbol Upper-case symbol.
   */
  untrack(symbol: string): void {
    this.#symbols.delete(symbol);
  }

  /**
   * Hot path: records one market event.
   * @param ev The event.
   */
  onEvent(ev: MarketEvent): void {
    const mono = ev.recvMono;
    this.#lastMono = mono;
    this.#events++;
    let s = this.#symbols.get(ev.symbol);
    if (s === undefined) s = this.#state(ev.symbol);
    s.lastMono = mono;
    s.events++;
    if (s.quiet !== undefined) this.#recover(s);
    if (this.#feedStale) {
      this.#feedStale = false;
      this.#emitStatus({ kind: "recovered", reason: "events flowing again" });
    }
  }

  /**
   * Tells the monitor about the connection; checks pause while disconnected.
   * @param connected Whether the connector is connected.
   * @param epoch Current epoch.
   */
  setConnected(connected: boolean, epoch: number): void {
    this.#epoch = epoch;
    if (connected && !this.#connected) {
      const now = this.#clock.mono();
      this.#lastMono = now;
      for (const s of this.#symbols.values()) s.lastMono = now;
    }
    this.#connected = connected;
  }

  /** Starts the periodic check. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /** Stops the periodic check. Idempotent. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Lists the symbols that are stale now.
   * @returns Symbols currently stale, sorted.
   */
  staleSymbols(): string[] {
    const out: string[] = [];
    for (const s of this.#symbols.values()) if (s.stale) out.push(s.symbol);
    return out.sort();
  }

  /**
   * Reports rates, ages and staleness now.
   * @returns A point-in-time view of rates, ages and staleness.
   */
  snapshot(): HealthSnapshot {
    const now = this.#clock.mono();
    const wall = this.#clock.now();
    const symbols: SymbolHealth[] = [];
    for (const s of this.#symbols.values()) {
      const age = now - s.lastMono;
      const quiet = s.stale ? "stale" : age > s.gap ? this.#shut(s.symbol, wall) : undefined;
      symbols.push({
        symbol: s.symbol,
        lastEventAgeMs: age,
        events: s.events,
        eventsPerSec: s.rate,
        stale: s.stale,
        ...(quiet === undefined ? {} : { quiet }),
        staleAfterMs: s.gap,
      });
    }
    symbols.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return {
      feedStale: this.#feedStale,
      lastEventAgeMs: now - this.#lastMono,
      eventsPerSec: this.#rate,
      symbols,
    };
  }

  /** Runs one check now (the timer calls this; tests may too). */
  check(): void {
    const now = this.#clock.mono();
    const wall = this.#clock.now();
    const dt = (now - this.#lastCheckMono) / 1000;
    this.#lastCheckMono = now;
    if (dt > 0) {
      this.#rate = this.#ema(this.#rate, (this.#events - this.#eventsAtCheck) / dt);
      this.#eventsAtCheck = this.#events;
    }
    const went = new QuietGroups();
    let anyOpen = this.#session === undefined;
    let tracked = 0;
    for (const s of this.#symbols.values()) {
      if (dt > 0) {
        s.rate = this.#ema(s.rate, (s.events - s.eventsAtCheck) / dt);
        s.eventsAtCheck = s.events;
      }
      if (!s.tracked) continue;
      tracked++;
      const shut = this.#shut(s.symbol, wall);
      if (shut === undefined) anyOpen = true;
      const quiet = quietNow(s, shut, now, this.#connected);
      if (quiet !== undefined) went.add(s, quiet, now);
    }
    for (const body of went.statuses()) this.#emitStatus(body);
    this.#checkFeed(now, anyOpen || tracked === 0);
  }

  #checkFeed(now: number, open: boolean): void {
    if (!open) {
      this.#allShut = true;
      return;
    }
    if (this.#allShut) {
      this.#allShut = false;
      this.#feedOpenedMono = now;
    }
    const feedAge = now - Math.max(this.#lastMono, this.#feedOpenedMono);
    if (this.#connected && !this.#feedStale && feedAge > this.#feedStaleAfterMs) {
      this.#feedStale = true;
      const age = Math.round(feedAge);
      this.#emitStatus({
        kind: "stale",
        scope: "feed",
        symbols: [],
        ageMs: age,
        quiet: "stale",
        reason: `no event for ${age} ms`,
      });
    }
  }

  /** The session's answer for a symbol (a session that throws counts as open). */
  #shut(symbol: string, wall: number): SessionQuiet | undefined {
    if (this.#session === undefined) return undefined;
    try {
      return this.#session.quietReason(symbol, wall);
    } catch {
      return undefined;
    }
  }

  #ema(prev: number, sample: number): number {
    return prev === 0 ? sample : this.#alpha * sample + (1 - this.#alpha) * prev;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(
      () => {
        if (!this.#running) return;
        this.check();
        this.#schedule();
      },
      this.#checkIntervalMs,
      { unref: true },
    );
  }

  #state(symbol: string): SymbolState {
    let s = this.#symbols.get(symbol);
    if (s === undefined) {
      s = newSymbolState(symbol, this.#overrides[symbol] ?? this.#staleAfterMs, this.#clock.mono());
      this.#symbols.set(symbol, s);
    }
    return s;
  }

  #recover(s: SymbolState): void {
    s.stale = false;
    s.quiet = undefined;
    this.#emitStatus({ kind: "recovered", symbol: s.symbol, reason: "events flowing again" });
  }

  #emitStatus(body: StatusBody<"stale" | "recovered">): void {
    this.#emit({
      type: "status",
      source: this.#source,
      epoch: this.#epoch,
      recvTs: this.#clock.now(),
      recvMono: this.#clock.mono(),
      ...body,
    });
  }
}
