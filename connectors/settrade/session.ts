/**
 * Session awareness of the Settrade connector: whether a symbol's market is open,
 * so that the feed counts its silence as staleness only then.
 *
 * Sources, most specific first:
 *
 * 1. The instrument's own state, from its `info` messages (`marketStatus`).
 * 2. Its market's state, from `market` messages (`SET`, `MAI`, `TFEX`).
 * 3. The built-in calendar ({@link ExchangeCalendar}): SET or TFEX hours,
 *    weekends and the user's holidays.
 *
 * Settrade does not document its market-status numbers, so a state is read
 * from a message only when it is known: from the user's `statusCodes` map
 * (code → state), or from the status name when the decoder knows one
 * (`"open"`, `"pre-open"`, `"intermission"`, `"halt"`, `"closed"`, ...). Any
 * other code is ignored and the calendar decides.
 *
 * Inferred (the wire page is silent): a state read from a message holds until
 * the next message, or until the calendar's own state or Bangkok day changes
 * (so a `closed` heard at 16:40 does not outlive the next morning's open).
 * A symbol is a TFEX series when it has the form of one (`S50H25`,
 * `S50H25C900`, `PTTM25`, `GOZ25`: a root, a month letter and two digits,
 * an optional option leg); anything else trades on SET's hours, unless
 * `markets` says otherwise.
 *
 * @module
 */

import type { MarketEvent, MarketStatusCode } from "../../src/events.ts";
import type { SessionQuiet, SessionSource } from "../../src/session.ts";
import {
  type CalendarState,
  ExchangeCalendar,
  SET_HOURS,
  TFEX_HOURS,
  type TradingHours,
} from "./calendar.ts";

/** A market's or an instrument's session state. */
export type SessionState = "open" | "intermission" | "closed" | "halted";

/** The calendars Settrade symbols trade on. */
export type SettradeMarket = "SET" | "TFEX";

/** Session options of the Settrade connector (`session`), every key optional. */
export interface SettradeSessionOptions {
  /** Dates (`YYYY-MM-DD`, Bangkok) when the exchange is closed all day. @default [] */
  readonly holidays?: readonly string[];
  /** SET and mai hours. @default SET_HOURS */
  readonly set?: TradingHours;
  /** TFEX hours. @default TFEX_HOURS (day session only) */
  readonly tfex?: TradingHours;
  /** The market of symbols whose form does not tell it (keys any case). @default {} */
  readonly markets?: Readonly<Record<string, SettradeMarket>>;
  /**
   * The state each market-status code means (keys are the numbers as text, e.g.
   * `{ "5": "intermission" }`); the numbers are not documented. @default {}
   */
  readonly statusCodes?: Readonly<Record<string, SessionState>>;
}

/** A TFEX series: root, month letter, two-digit year, optional option leg (inferred). */
const TFEX_SERIES = /^[A-Z0-9]{1,10}[FGHJKMNQUVXZ]\d{2}(?:[CP]\d+(?:\.\d+)?)?$/;

interface Heard {
  readonly state: SessionState;
  readonly day: number;
  readonly calendar: CalendarState;
}

/**
 * The session state a status name means, when the name tells it.
 * @param name A decoded status name (`"open"`, `"pre-close"`, `"code-7"`, ...).
 * @returns The state, or `undefined` when the name does not tell.
 */
export function stateOfStatusName(name: string): SessionState | undefined {
  const n = name.toLowerCase();
  if (n === "unspecified" || /^code-\d+$/.test(n)) return undefined;
  if (/halt|suspend|circuit|pause|freeze/.test(n)) return "halted";
  if (/intermission|break|lunch/.test(n)) return "intermission";
  if (/pre-?open|pre-?close|call|auction|\bato\b|\batc\b|open|trading/.test(n)) return "open";
  if (/close|off-?hour|end/.test(n)) return "closed";
  return undefined;
}

/**
 * When each Settrade symbol's market is open. The connector builds one from its
 * `session` option (`connector.session`) and feeds it the `info` and `market`
 * events it decodes; the feed's health monitor asks it.
 *
 * @example The calendar alone, at lunchtime on a Monday
 * ```ts
 * import { SettradeSession } from "@tickwire/tickwire/connectors/settrade";
 * const session = new SettradeSession({ holidays: ["2025-04-14"] });
 * const noon = Date.parse("2025-01-06T13:00:00+07:00");
 * console.log(session.quietReason("PTT", noon)); // "intermission"
 * console.log(session.quietReason("S50H25", noon)); // "intermission" (TFEX)
 * ```
 */
export class SettradeSession implements SessionSource {
  readonly #calendars: Readonly<Record<SettradeMarket, ExchangeCalendar>>;
  readonly #markets: ReadonlyMap<string, SettradeMarket>;
  readonly #codes: ReadonlyMap<number, SessionState>;
  readonly #instruments = new Map<string, Heard>();
  readonly #marketStates = new Map<string, Heard>();

  /**
   * Builds the session from its options (the connector's `session` option).
   * @param options Holidays, hours, symbol markets and status codes.
   * @throws RangeError for a malformed window, date or state.
   */
  constructor(options: SettradeSessionOptions = {}) {
    const holidays = options.holidays ?? [];
    this.#calendars = {
      SET: new ExchangeCalendar(options.set ?? SET_HOURS, holidays),
      TFEX: new ExchangeCalendar(options.tfex ?? TFEX_HOURS, holidays),
    };
    this.#markets = new Map(
      Object.entries(options.markets ?? {}).map(([k, v]) => [k.trim().toUpperCase(), v]),
    );
    const codes = new Map<number, SessionState>();
    for (const [k, state] of Object.entries(options.statusCodes ?? {})) {
      if (!/^\d+$/.test(k) || !["open", "intermission", "closed", "halted"].includes(state)) {
        throw new RangeError(
          `[settrade] session.statusCodes: expected a code number and a state, got ${
            JSON.stringify(k)
          }: ${JSON.stringify(state)}`,
        );
      }
      codes.set(Number(k), state);
    }
    this.#codes = codes;
  }

  /**
   * The calendar a symbol (or market name) trades on.
   * @param symbol Upper-case symbol, or `SET` / `MAI` / `TFEX`.
   * @returns `"SET"` or `"TFEX"`.
   */
  marketOf(symbol: string): SettradeMarket {
    const given = this.#markets.get(symbol);
    if (given !== undefined) return given;
    if (symbol === "TFEX") return "TFEX";
    if (symbol === "SET" || symbol === "MAI") return "SET";
    return TFEX_SERIES.test(symbol) ? "TFEX" : "SET";
  }

  /**
   * Learns from a decoded event: the state of an instrument (`info`) or a
   * market (`market`), when its status code is known.
   * @param ev Any market event (others are ignored).
   */
  observe(ev: MarketEvent): void {
    if (ev.type !== "info" && ev.type !== "market") return;
    const status = ev.type === "info" ? ev.marketStatus : ev.status;
    const state = this.#stateOf(status);
    const key = ev.type === "info" ? ev.symbol : this.marketOf(ev.symbol);
    const map = ev.type === "info" ? this.#instruments : this.#marketStates;
    if (state === undefined) {
      map.delete(key);
      return;
    }
    const calendar = this.#calendars[this.marketOf(ev.symbol)].state(ev.recvTs);
    map.set(key, { state, day: ExchangeCalendar.day(ev.recvTs), calendar });
  }

  /**
   * A symbol's session state now.
   * @param symbol Upper-case symbol (or market name).
   * @param now Wall time, epoch ms.
   * @returns Its state, from its own messages, its market's, or the calendar.
   */
  state(symbol: string, now: number): SessionState {
    const market = this.marketOf(symbol);
    const calendar = this.#calendars[market].state(now);
    const day = ExchangeCalendar.day(now);
    for (const heard of [this.#instruments.get(symbol), this.#marketStates.get(market)]) {
      if (heard !== undefined && heard.day === day && heard.calendar === calendar) {
        return heard.state;
      }
    }
    return calendar;
  }

  /**
   * For the health monitor: why a symbol's market is not open now.
   * @param symbol Upper-case symbol.
   * @param now Wall time, epoch ms.
   * @returns `undefined` when it is open, else `"closed"`, `"intermission"` or `"halted"`.
   */
  quietReason(symbol: string, now: number): SessionQuiet | undefined {
    const state = this.state(symbol, now);
    return state === "open" ? undefined : state;
  }

  #stateOf(status: MarketStatusCode): SessionState | undefined {
    return this.#codes.get(status.code) ?? stateOfStatusName(status.name);
  }
}
