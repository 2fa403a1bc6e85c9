/**
 * The built-in trading calendar of the Stock Exchange of Thailand: SET (and
 * mai) and TFEX hours in Bangkok time (UTC+7 all year, no daylight saving),
 * weekends, and the holidays a user supplies (the exchange publishes them each
 * year; none are built in, so that an out-of-date list cannot mark a trading day
 * closed).
 *
 * Hours are inferred from the exchange's published schedule and can be
 * overridden. The pre-open call auctions count as open (books and projected
 * prices move then); the midday break is the intermission; anything else is
 * closed.
 *
 * @module
 */

/** What the calendar says about a moment. */
export type CalendarState = "open" | "intermission" | "closed";

/**
 * Trading hours of one market, in Bangkok time: windows `"HH:MM-HH:MM"`, the end
 * excluded. A window whose end is before its start runs past midnight and
 * belongs to the day it starts on (a night session).
 */
export interface TradingHours {
  /** When the market is open (events expected), pre-open auctions included. */
  readonly open: readonly string[];
  /** The midday break(s), reported as `"intermission"`; other closed times are `"closed"`. */
  readonly intermission?: readonly string[];
}

/**
 * SET and mai hours (inferred from the exchange's schedule): pre-open from 09:30,
 * morning session to 12:30, intermission, pre-open from 14:00, afternoon session
 * and the closing auction to 16:40.
 * @example
 * ```ts
 * import { SET_HOURS } from "@tickwire/tickwire/connectors/settrade";
 * console.log(SET_HOURS.open); // ["09:30-12:30", "14:00-16:40"]
 * ```
 */
export const SET_HOURS: TradingHours = Object.freeze({
  open: Object.freeze(["09:30-12:30", "14:00-16:40"]),
  intermission: Object.freeze(["12:30-14:00"]),
});

/**
 * TFEX day-session hours (inferred from the exchange's schedule): pre-open from
 * 09:15, morning to 12:30, pre-open from 13:45, afternoon to 16:55. Products
 * with a night session need it added, e.g. `"18:45-03:00"`.
 * @example
 * ```ts
 * import { TFEX_HOURS } from "@tickwire/tickwire/connectors/settrade";
 * const withNight = { ...TFEX_HOURS, open: [...TFEX_HOURS.open, "18:45-03:00"] };
 * console.log(withNight.open.length); // 3
 * ```
 */
export const TFEX_HOURS: TradingHours = Object.freeze({
  open: Object.freeze(["09:15-12:30", "13:45-16:55"]),
  intermission: Object.freeze(["12:30-13:45"]),
});

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Bangkok is UTC+7 all year. */
const BANGKOK_OFFSET_MS = 7 * 3_600_000;
const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Window {
  /** Minutes after midnight. */
  readonly start: number;
  /** Minutes after midnight; ≤ start when the window runs past midnight. */
  readonly end: number;
}

/**
 * Parses one `"HH:MM-HH:MM"` window.
 * @param text The window.
 * @returns Start and end in minutes after midnight.
 * @throws RangeError for a malformed window or an empty one.
 */
function parseWindow(text: string): Window {
  const m = typeof text === "string" ? WINDOW.exec(text.trim()) : null;
  const start = m === null ? NaN : Number(m[1]) * 60 + Number(m[2]);
  const end = m === null ? NaN : Number(m[3]) * 60 + Number(m[4]);
  if (m === null || end > 1_440 || start === end) {
    throw new RangeError(
      `[settrade] invalid trading window ${JSON.stringify(String(text))}: expected "HH:MM-HH:MM"`,
    );
  }
  return { start, end };
}

/**
 * Checks a holiday date.
 * @param text `YYYY-MM-DD`.
 * @returns The day number (days since 1970-01-01).
 * @throws RangeError for anything else.
 */
function parseDate(text: string): number {
  const m = typeof text === "string" ? DATE.exec(text.trim()) : null;
  const ms = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (
    m === null || !Number.isFinite(ms) ||
    new Date(ms).toISOString().slice(0, 10) !== text.trim()
  ) {
    throw new RangeError(
      `[settrade] invalid holiday ${JSON.stringify(String(text))}: expected YYYY-MM-DD`,
    );
  }
  return ms / DAY;
}

/**
 * Checks trading hours and holidays without building a calendar (for option validation).
 * @param hours Hours to check. @param holidays Dates to check.
 * @returns Every problem found, in words.
 */
export function calendarProblems(
  hours: TradingHours | undefined,
  holidays: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const all = [...(hours?.open ?? []), ...(hours?.intermission ?? [])];
  for (const w of all) {
    try {
      parseWindow(w);
    } catch (e) {
      problems.push((e as Error).message.replace(/^\[settrade\] /, ""));
    }
  }
  for (const d of holidays) {
    try {
      parseDate(d);
    } catch (e) {
      problems.push((e as Error).message.replace(/^\[settrade\] /, ""));
    }
  }
  return problems;
}

/**
 * One market's calendar: its hours, weekends and holidays.
 *
 * @example Is SET open at 10:00 Bangkok time on a Monday?
 * ```ts
 * import { ExchangeCalendar, SET_HOURS } from "@tickwire/tickwire/connectors/settrade";
 * const set = new ExchangeCalendar(SET_HOURS, ["2025-01-01"]);
 * console.log(set.state(Date.parse("2025-01-06T10:00:00+07:00"))); // "open"
 * console.log(set.state(Date.parse("2025-01-06T13:00:00+07:00"))); // "intermission"
 * console.log(set.state(Date.parse("2025-01-01T10:00:00+07:00"))); // "closed" (a holiday)
 * ```
 */
export class ExchangeCalendar {
  readonly #open: readonly Window[];
  readonly #intermission: readonly Window[];
  readonly #holidays: ReadonlySet<number>;

  /**
   * Builds the calendar of one market.
   * @param hours Trading hours (Bangkok time).
   * @param holidays Dates (`YYYY-MM-DD`, Bangkok) when the market is closed all day.
   * @throws RangeError for a malformed window or date.
   */
  constructor(hours: TradingHours, holidays: readonly string[] = []) {
    this.#open = hours.open.map(parseWindow);
    this.#intermission = (hours.intermission ?? []).map(parseWindow);
    this.#holidays = new Set(holidays.map(parseDate));
  }

  /**
   * Whether a Bangkok day is a trading day: a weekday that is not a holiday.
   * @param day Days since 1970-01-01 (Bangkok).
   * @returns `true` on a trading day.
   */
  #tradingDay(day: number): boolean {
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 is Sunday
    return weekday !== 0 && weekday !== 6 && !this.#holidays.has(day);
  }

  #within(windows: readonly Window[], day: number, minute: number): boolean {
    for (const w of windows) {
      if (w.start < w.end) {
        if (minute >= w.start && minute < w.end && this.#tradingDay(day)) return true;
      } else if (
        (minute >= w.start && this.#tradingDay(day)) ||
        (minute < w.end && this.#tradingDay(day - 1))
      ) return true;
    }
    return false;
  }

  /**
   * What the calendar says at a moment.
   * @param now Wall time, epoch ms.
   * @returns `"open"`, `"intermission"` or `"closed"`.
   */
  state(now: number): CalendarState {
    const local = now + BANGKOK_OFFSET_MS;
    const day = Math.floor(local / DAY);
    const minute = Math.floor((local - day * DAY) / MINUTE);
    if (this.#within(this.#open, day, minute)) return "open";
    if (this.#within(this.#intermission, day, minute)) return "intermission";
    return "closed";
  }

  /**
   * The Bangkok day of a moment (for telling one trading day from the next).
   * @param now Wall time, epoch ms.
   * @returns Days since 1970-01-01, Bangkok time.
   */
  static day(now: number): number {
    return Math.floor((now + BANGKOK_OFFSET_MS) / DAY);
  }
}
