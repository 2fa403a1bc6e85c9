/**
 * Settrade market REST: the latest quote of a symbol (a poll fallback) and
 * recent candlesticks (a backfill), as normalized `quote` and `bar` events.
 *
 * - `GET {market}/api/marketdata/v3/{brokerId}/quote/{SYMBOL}`
 * - `GET {market}/api/techchart/v3/{brokerId}/candlesticks?symbol=S&interval=I&limit=N`
 *
 * Both are authenticated and rate-limited through the connector's
 * {@link SettradeAuth}. Their JSON shapes are not documented; everything here is
 * inferred and parsed tolerantly with valibot: unknown fields are dropped,
 * numbers may come as numbers or decimal strings, field names in the spellings
 * seen in Settrade's SDKs and in our emulator.
 *
 * - Quote: the best bid and offer from `bid`/`bidPrice`/`bidPrice1`/`bestBid` and
 *   `ask`/`offer`/`askPrice`/`offerPrice`/`askPrice1`/`offerPrice1`/`bestOffer`,
 *   sizes from `bidVolume`/`bidVolume1`/`bidSize` and the matching ask/offer
 *   names, flags from `bidFlag`/`askFlag`/`offerFlag` (`"undefined"` when absent);
 *   the answer may be wrapped in `data`.
 * - Candlesticks: columns (`{ time: [...], open: [...], ... }`) or rows
 *   (`[{ time, open, ... }]`), optionally wrapped in `data`; `time` in epoch
 *   seconds, milliseconds or ISO text; `lastSequence` taken as each bar's sequence.
 *
 * @module
 */

import * as v from "valibot";
import type { Clock } from "../../src/clock.ts";
import { ConnectionError, DecodeError } from "../../src/errors.ts";
import type { BarEvent, BookFlag, QuoteEvent } from "../../src/events.ts";
import type { EventBody } from "../../src/kit/stamp.ts";
import type { SettradeAuth } from "./auth/client.ts";
import type { SettradeEndpoints } from "./config.ts";

/** Stamps for events built from REST answers. */
export interface RestStamp {
  /** Sequence number of the event. */
  readonly seq: number;
  /** Current connection epoch. */
  readonly epoch: number;
}

/** Dependencies of {@link SettradeMarketRest}. */
export interface SettradeMarketRestDeps {
  /** Time source for `recvTs` / `recvMono`. */
  readonly clock: Clock;
  /** Next sequence number and current epoch, once per event. */
  readonly meta: () => RestStamp;
}

const num = v.union([
  v.pipe(v.number(), v.finite()),
  v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/), v.transform(Number)),
]);

const FLAG_NAMES: Readonly<Record<string, BookFlag>> = {
  "0": "undefined",
  "1": "normal",
  "2": "ato",
  "3": "atc",
  undefined: "undefined",
  normal: "normal",
  ato: "ato",
  atc: "atc",
};

function flagOf(x: unknown): BookFlag {
  if (typeof x !== "string" && typeof x !== "number") return "undefined";
  return FLAG_NAMES[String(x).trim().toLowerCase()] ?? "undefined";
}

function pick(o: Record<string, unknown>, names: readonly string[]): number | undefined {
  for (const n of names) {
    const r = v.safeParse(num, o[n]);
    if (r.success) return r.output;
  }
  return undefined;
}

function unwrap(json: unknown): unknown {
  const o = json as { data?: unknown } | null;
  return o !== null && typeof o === "object" && !Array.isArray(o) && o.data !== undefined
    ? o.data
    : json;
}

const QuoteSchema = v.looseObject({ symbol: v.optional(v.string()) });

const BID = ["bid", "bidPrice", "bidPrice1", "bestBid", "bestBidPrice"];
const ASK = ["ask", "offer", "askPrice", "offerPrice", "askPrice1", "offerPrice1", "bestOffer"];
const BID_SIZE = ["bidVolume", "bidVolume1", "bidSize", "bestBidVolume"];
const ASK_SIZE = ["askVolume", "offerVolume", "askVolume1", "offerVolume1", "askSize", "offerSize"];

const BarRow = v.looseObject({
  time: v.union([num, v.string()]),
  open: num,
  high: num,
  low: num,
  close: num,
  volume: v.optional(num, 0),
  value: v.optional(num),
});
const Columns = v.looseObject({
  time: v.array(v.union([num, v.string()])),
  open: v.array(num),
  high: v.array(num),
  low: v.array(num),
  close: v.array(num),
  volume: v.optional(v.array(num)),
  value: v.optional(v.array(num)),
  lastSequence: v.optional(num),
});

function timeMs(t: number | string): number {
  if (typeof t === "string") return Date.parse(t);
  // Inferred: values below 10^11 are epoch seconds (10^11 s is the year 5138).
  return Math.abs(t) < 1e11 ? t * 1000 : t;
}

function invalid(what: string, detail: string): DecodeError {
  return new DecodeError(`[settrade] ${what} answer is not understood: ${detail}`, {
    code: "rest-shape",
  });
}

function checkSymbol(symbol: string): string {
  if (typeof symbol !== "string" || !/^[A-Za-z0-9][A-Za-z0-9.&_-]{0,31}$/.test(symbol.trim())) {
    throw new RangeError(`[settrade] invalid symbol ${JSON.stringify(String(symbol))}`);
  }
  return symbol.trim().toUpperCase();
}

/**
 * Market REST calls of one Settrade session.
 *
 * @example The latest quote and the last 50 one-minute bars (here from the local emulator)
 * ```ts
 * import { createSettradeConnector } from "@tickwire/tickwire/connectors/settrade";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * import { silentLogger, systemClock } from "@tickwire/tickwire";
 * // With an account: appId, appSecret, appCode and brokerId ("SANDBOX" for the sandbox).
 * const emulator = await startSettradeEmulator();
 * const e = emulator.env();
 * const connector = createSettradeConnector({
 *   appId: e.SETTRADE_APP_ID, appSecret: e.SETTRADE_APP_SECRET, appCode: e.SETTRADE_APP_CODE,
 *   brokerId: e.SETTRADE_BROKER_ID, baseUrl: e.SETTRADE_BASE_URL, marketUrl: e.SETTRADE_MARKET_URL,
 * }, { sink: { event: () => true, status: () => {}, decodeError: () => {}, drain: async () => {} }, logger: silentLogger, clock: systemClock });
 * const quote = await connector.fetchQuote("PTT");
 * const bars = await connector.fetchCandlesticks("PTT", "1m", 50);
 * console.log(quote.bid > 0, bars.length > 0); // true true
 * await emulator.stop();
 * ```
 */
export class SettradeMarketRest {
  readonly #auth: SettradeAuth;
  readonly #base: string;
  readonly #broker: string;
  readonly #deps: SettradeMarketRestDeps;

  /**
   * Builds the client; no I/O until a call.
   * @param auth The session's auth client.
   * @param endpoints Market base and broker id.
   * @param deps Clock and stamps.
   */
  constructor(auth: SettradeAuth, endpoints: SettradeEndpoints, deps: SettradeMarketRestDeps) {
    this.#auth = auth;
    this.#base = endpoints.marketUrl;
    this.#broker = encodeURIComponent(endpoints.brokerId);
    this.#deps = deps;
  }

  async #get(what: string, url: string, signal?: AbortSignal): Promise<unknown> {
    const res = await this.#auth.request(url, { method: "GET" }, signal);
    if (!res.ok) {
      throw new ConnectionError(`[settrade] ${what} request failed (HTTP ${res.status})`);
    }
    if (res.json === undefined) throw invalid(what, "the body is not JSON");
    return unwrap(res.json);
  }

  /**
   * The latest quote of a symbol, stamped with the next `seq` (see `deps.meta`).
   * @param symbol Symbol, any case.
   * @param signal Cancels the request.
   * @returns A `quote` event (best bid and offer).
   * @throws RangeError for a malformed symbol; ConnectionError / AuthError when the
   *   request fails; DecodeError (code `"rest-shape"`) when the answer is not understood.
   */
  async fetchQuote(symbol: string, signal?: AbortSignal): Promise<QuoteEvent> {
    return this.#stamp(await this.quote(symbol, signal));
  }

  /**
   * The latest quote of a symbol, not yet stamped (the poll fallback stamps it
   * when it delivers it, so a quote it drops takes no sequence number).
   * @param symbol Symbol, any case.
   * @param signal Cancels the request.
   * @returns The quote without `source`, `seq`, times and epoch.
   * @throws As {@link SettradeMarketRest.fetchQuote}.
   */
  async quote(symbol: string, signal?: AbortSignal): Promise<EventBody<QuoteEvent>> {
    const sym = checkSymbol(symbol);
    const json = await this.#get(
      "quote",
      `${this.#base}/api/marketdata/v3/${this.#broker}/quote/${encodeURIComponent(sym)}`,
      signal,
    );
    const r = v.safeParse(QuoteSchema, json);
    if (!r.success) throw invalid("quote", "expected an object");
    const o = r.output as Record<string, unknown>;
    const bid = pick(o, BID);
    const ask = pick(o, ASK);
    if (bid === undefined && ask === undefined) throw invalid("quote", "no bid or offer price");
    return {
      type: "quote",
      symbol: sym,
      bid: bid ?? 0,
      ask: ask ?? 0,
      bidSize: Math.max(0, pick(o, BID_SIZE) ?? 0),
      askSize: Math.max(0, pick(o, ASK_SIZE) ?? 0),
      bidFlag: flagOf(o.bidFlag),
      askFlag: flagOf(o.askFlag ?? o.offerFlag),
    };
  }

  /**
   * Recent candlesticks of a symbol, each stamped with the next `seq`.
   * @param symbol Symbol, any case.
   * @param interval Interval as Settrade names it (`"1m"`, `"5m"`, `"1d"`, ...).
   * @param limit Most bars wanted, 1 to 10,000.
   * @param signal Cancels the request.
   * @returns `bar` events, oldest first.
   * @throws RangeError for a malformed argument; ConnectionError / AuthError when the
   *   request fails; DecodeError (code `"rest-shape"`) when the answer is not understood.
   */
  async fetchCandlesticks(
    symbol: string,
    interval: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<BarEvent[]> {
    const bodies = await this.candlesticks(symbol, interval, limit, signal);
    return bodies.map((b) => this.#stamp(b));
  }

  /**
   * Recent candlesticks of a symbol, not yet stamped (the backfill stamps the ones
   * it delivers).
   * @param symbol Symbol, any case. @param interval E.g. `"1m"`.
   * @param limit Most bars wanted, 1 to 10,000. @param signal Cancels the request.
   * @returns Bars without `source`, `seq`, times and epoch, oldest first.
   * @throws As {@link SettradeMarketRest.fetchCandlesticks}.
   */
  async candlesticks(
    symbol: string,
    interval: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<EventBody<BarEvent>[]> {
    const sym = checkSymbol(symbol);
    if (typeof interval !== "string" || !/^[A-Za-z0-9]{1,8}$/.test(interval)) {
      throw new RangeError(`[settrade] invalid interval ${JSON.stringify(String(interval))}`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new RangeError(`[settrade] limit must be an integer from 1 to 10000, got ${limit}`);
    }
    const q = new URLSearchParams({ symbol: sym, interval, limit: String(limit) });
    const json = await this.#get(
      "candlesticks",
      `${this.#base}/api/techchart/v3/${this.#broker}/candlesticks?${q}`,
      signal,
    );
    const out: EventBody<BarEvent>[] = [];
    for (const row of this.#rows(json)) {
      const openTs = timeMs(row.time);
      if (!Number.isFinite(openTs)) throw invalid("candlesticks", "a bar has an invalid time");
      out.push({
        type: "bar",
        symbol: sym,
        interval,
        openTs,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume: Math.max(0, row.volume),
        ...(row.value === undefined ? {} : { value: row.value }),
        sequence: row.sequence,
      });
    }
    return out;
  }

  #stamp<B extends EventBody<QuoteEvent> | EventBody<BarEvent>>(
    body: B,
  ): B & { source: string; seq: number; recvTs: number; recvMono: number; epoch: number } {
    const { seq, epoch } = this.#deps.meta();
    const clock = this.#deps.clock;
    return { ...body, source: "settrade", seq, recvTs: clock.now(), recvMono: clock.mono(), epoch };
  }

  #rows(json: unknown): Row[] {
    const cols = v.safeParse(Columns, json);
    if (cols.success) {
      const c = cols.output;
      const n = c.time.length;
      if ([c.open, c.high, c.low, c.close].some((a) => a.length !== n)) {
        throw invalid("candlesticks", "columns of different lengths");
      }
      const rows: Row[] = [];
      for (let i = 0; i < n; i++) {
        rows.push({
          time: c.time[i],
          open: c.open[i],
          high: c.high[i],
          low: c.low[i],
          close: c.close[i],
          volume: c.volume?.[i] ?? 0,
          value: c.value?.[i],
          sequence: i === n - 1 ? Math.max(0, c.lastSequence ?? 0) : 0,
        });
      }
      return rows;
    }
    const list = Array.isArray(json)
      ? json
      : Array.isArray((json as { candlesticks?: unknown })?.candlesticks)
      ? (json as { candlesticks: unknown[] }).candlesticks
      : undefined;
    if (list === undefined) throw invalid("candlesticks", "expected columns or a list of bars");
    return list.map((item) => {
      const r = v.safeParse(BarRow, item);
      if (!r.success) throw invalid("candlesticks", "a bar lacks time, open, high, low or close");
      const seq = pick(r.output as Record<string, unknown>, ["lastSequence", "sequence"]);
      const b = r.output;
      return {
        time: b.time,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
        value: b.value,
        sequence: Math.max(0, seq ?? 0),
      };
    }).sort((a, b) => timeMs(a.time) - timeMs(b.time));
  }
}

interface Row {
  readonly time: number | string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly value: number | undefined;
  readonly sequence: number;
}
