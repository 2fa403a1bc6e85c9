/**
 * The health monitor's state of one symbol, and the per-check rule that says
 * whether (and why) it went quiet: its market is not open (an expected
 * silence), or it is open and nothing came (stale).
 *
 * @module
 */

import type { QuietReason, StatusBody } from "./events.ts";
import type { SessionQuiet } from "./session.ts";

/** One symbol as the monitor sees it. */
export interface SymbolState {
  readonly symbol: string;
  lastMono: number;
  events: number;
  eventsAtCheck: number;
  rate: number;
  /** Reported stale (its market open), no event since. */
  stale: boolean;
  /** The reason last reported in a `stale` status, until the next event. */
  quiet: QuietReason | undefined;
  /** Whether the market was not open at the last check. */
  shut: boolean;
  /** When the market was last seen opening (ages count from there). */
  openedMono: number;
  gap: number;
  /** Held by a subscription (tracked) rather than only seen in events. */
  tracked: boolean;
}

/**
 * A fresh state.
 * @param symbol Upper-case symbol. @param gap Its allowed gap, ms. @param mono Now.
 * @returns The state.
 */
export function newSymbolState(symbol: string, gap: number, mono: number): SymbolState {
  return {
    symbol,
    lastMono: mono,
    events: 0,
    eventsAtCheck: 0,
    rate: 0,
    stale: false,
    quiet: undefined,
    shut: false,
    openedMono: -Infinity,
    gap,
    tracked: false,
  };
}

/**
 * One check of a tracked symbol: follows its market opening and closing and
 * says whether it has just gone quiet, and why.
 * @param s The symbol's state (updated).
 * @param shut Why its market is not open now, or `undefined` when it is.
 * @param now Monotonic now.
 * @param delivering Whether the connector delivers (checks pause otherwise).
 * @returns The reason to report now, or `undefined` (nothing new).
 */
export function quietNow(
  s: SymbolState,
  shut: SessionQuiet | undefined,
  now: number,
  delivering: boolean,
): QuietReason | undefined {
  if (shut === undefined) {
    if (s.shut) {
      // The market opened: the silence before it was expected, ages count from now.
      s.shut = false;
      s.openedMono = now;
      if (s.quiet !== "stale") s.quiet = undefined;
    }
  } else s.shut = true;
  const age = now - Math.max(s.lastMono, s.openedMono);
  const reason: QuietReason = shut ?? "stale";
  if (!delivering || age <= s.gap || s.quiet === reason) return undefined;
  s.stale = reason === "stale";
  s.quiet = reason;
  return reason;
}

/** Symbols that went quiet in one check, grouped by reason: one status per reason. */
export class QuietGroups {
  readonly #groups = new Map<QuietReason, { symbols: string[]; minAge: number }>();

  /**
   * Adds a symbol that went quiet.
   * @param s Its state. @param quiet Why. @param now Monotonic now.
   */
  add(s: SymbolState, quiet: QuietReason, now: number): void {
    let group = this.#groups.get(quiet);
    if (group === undefined) this.#groups.set(quiet, group = { symbols: [], minAge: Infinity });
    group.symbols.push(s.symbol);
    const age = now - Math.max(s.lastMono, s.openedMono);
    if (age < group.minAge) group.minAge = age;
  }

  /** @returns One `stale` status body per reason, symbols sorted. */
  statuses(): StatusBody<"stale">[] {
    const out: StatusBody<"stale">[] = [];
    for (const [quiet, { symbols, minAge }] of this.#groups) {
      symbols.sort();
      const age = Math.round(minAge);
      out.push({
        kind: "stale",
        scope: "symbols",
        symbols,
        ageMs: age,
        quiet,
        reason: quiet === "stale" ? `no event for ${age} ms` : `no event for ${age} ms (${quiet})`,
      });
    }
    return out;
  }
}
