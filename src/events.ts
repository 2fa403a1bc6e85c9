/**
 * The normalized event model: one discriminated union on `type`.
 *
 * Market events (`quote`, `book`, `trade`, `bar`, `info`, `market`) share
 * {@link MarketEventBase}; lifecycle events (`status`) are never market data and
 * are never dropped by the dispatcher.
 *
 * Types here are plain readonly interfaces; the valibot schemas that check them
 * at the boundaries (files, plugins, configuration) live in `schemas.ts` and are
 * never used on the hot path.
 *
 * @module
 */

/** A market-data channel a connector can serve and a feed can subscribe to. */
export type Channel = "quote" | "book" | "trade" | "bar" | "info" | "market";

/** Every channel, in a stable order. */
export const CHANNELS: readonly Channel[] = ["quote", "book", "trade", "bar", "info", "market"];

/**
 * Session flag of one side of the book. During the ATO/ATC call auctions the
 * exchange sends prices of 0.
 */
export type BookFlag = "normal" | "ato" | "atc" | "undefined";

/** Fields every market event carries. */
export interface MarketEventBase {
  /** Name of the connector that produced the event (`"settrade"`, `"synthetic"`, ...). */
  readonly source: string;
  /** Instrument symbol, upper case (for `market` events: the market name, upper case). */
  readonly symbol: string;
  /** Per-feed sequence number, strictly increasing across every event of one connector. */
  readonly seq: number;
  /** Receive time, epoch milliseconds (a sub-millisecond fraction is allowed). */
  readonly recvTs: number;
  /** Receive time on the monotonic clock, milliseconds (`performance.now()`). */
  readonly recvMono: number;
  /** Connection epoch: 0 for the first connection, +1 on each successful reconnect. */
  readonly epoch: number;
  /** Exchange timestamp, epoch milliseconds, where the source provides one. */
  readonly exchTs?: number;
  /** For replayed events (`source: "replay"`): the connector that recorded them. */
  readonly origin?: string;
}

/** Best bid and ask (top of book). */
export interface QuoteEvent extends MarketEventBase {
  /** Discriminant: always `"quote"`. */
  readonly type: "quote";
  /** Best bid price, THB; 0 during ATO/ATC or when the bid side is empty. */
  readonly bid: number;
  /** Best ask price, THB; 0 during ATO/ATC or when the ask side is empty. */
  readonly ask: number;
  /** Size at the best bid, shares; during ATO/ATC, the auction's buy volume. */
  readonly bidSize: number;
  /** Size at the best ask, shares; during ATO/ATC, the auction's sell volume. */
  readonly askSize: number;
  /** Session flag of the bid side. */
  readonly bidFlag: BookFlag;
  /** Session flag of the ask side. */
  readonly askFlag: BookFlag;
}

/** One price level of a book. */
export interface BookLevel {
  /** Price of the level, THB; 0 for an empty level or during ATO/ATC. */
  readonly price: number;
  /** Total size at the level, shares; 0 for an empty level. */
  readonly size: number;
}

/**
 * A full-depth book snapshot that replaces the previous one. `bids` and `asks`
 * hold exactly the levels the source sends, best first (10 for Settrade, empty
 * levels included as `{ price: 0, size: 0 }`).
 */
export interface BookEvent extends MarketEventBase {
  /** Discriminant: always `"book"`. */
  readonly type: "book";
  /** Bid levels, best (highest price) first. */
  readonly bids: readonly BookLevel[];
  /** Ask levels, best (lowest price) first. */
  readonly asks: readonly BookLevel[];
  /** Session flag of the bid side. */
  readonly bidFlag: BookFlag;
  /** Session flag of the ask side. */
  readonly askFlag: BookFlag;
}

/** Aggressor side of a trade, where the source knows it. */
export type TradeSide = "buy" | "sell" | "unknown";

/** One trade (a print). */
export interface TradeEvent extends MarketEventBase {
  /** Discriminant: always `"trade"`. */
  readonly type: "trade";
  /** Trade price, THB. */
  readonly price: number;
  /** Traded size, shares. */
  readonly size: number;
  /** Aggressor side; `"unknown"` when the source does not say (e.g. an auction uncross). */
  readonly side: TradeSide;
  /** Source identifier of the trade, where the source gives one. */
  readonly tradeId?: string;
}

/** One OHLCV bar (candlestick). A bar may be sent repeatedly while it is open. */
export interface BarEvent extends MarketEventBase {
  /** Discriminant: always `"bar"`. */
  readonly type: "bar";
  /** Interval as the source names it: `"1m"`, `"5m"`, `"1d"`, ... */
  readonly interval: string;
  /** Opening time of the bar, epoch milliseconds. */
  readonly openTs: number;
  /** First trade price in the bar, THB. */
  readonly open: number;
  /** Highest trade price in the bar, THB. */
  readonly high: number;
  /** Lowest trade price in the bar, THB. */
  readonly low: number;
  /** Last trade price in the bar so far, THB. */
  readonly close: number;
  /** Volume traded in the bar so far, shares. */
  readonly volume: number;
  /** Traded value, where the source gives it. */
  readonly value?: number;
  /** Source sequence of the bar (Settrade's `last_sequence`); 0 when the source has none. */
  readonly sequence: number;
}

/** A session state code with its name; unknown codes keep their number and a name like `"code-42"`. */
export interface MarketStatusCode {
  /** Numeric state code as the source sends it. */
  readonly code: number;
  /** Kebab-case name of the state (`"pre-open"`, `"open"`, ...); `"code-N"` when unknown. */
  readonly name: string;
}

/** Instrument summary: last, day range, volume, and the instrument's session state. */
export interface InfoEvent extends MarketEventBase {
  /** Discriminant: always `"info"`. */
  readonly type: "info";
  /** Last traded price, THB. */
  readonly last: number;
  /** Highest trade price of the day, THB; 0 before the first trade. */
  readonly high: number;
  /** Lowest trade price of the day, THB; 0 before the first trade. */
  readonly low: number;
  /** Change of the last price from the previous close, THB. */
  readonly change: number;
  /** Volume traded today, shares. */
  readonly totalVolume: number;
  /** Value traded today, THB. */
  readonly totalValue: number;
  /** Projected auction price, THB; present only during a call auction (ATO/ATC). */
  readonly projectedOpenPrice?: number;
  /** Volume that would match at the projected price, shares; present only during a call auction. */
  readonly projectedOpenVolume?: number;
  /** Session state of the instrument. */
  readonly marketStatus: MarketStatusCode;
}

/**
 * Exchange-level status for one market (`SET`, `mai`, `TFEX`, ...). `symbol` is the
 * market name upper-cased; `market` keeps the name as the source spells it.
 */
export interface MarketStatusEvent extends MarketEventBase {
  /** Discriminant: always `"market"`. */
  readonly type: "market";
  /** Market name as the source spells it (`"mai"` stays `"mai"`). */
  readonly market: string;
  /** Session state of the market. */
  readonly status: MarketStatusCode;
  /** Index level, where the market has one. */
  readonly current?: number;
  /** Highest index level of the day, where the market has an index. */
  readonly high?: number;
  /** Lowest index level of the day, where the market has an index. */
  readonly low?: number;
  /** Change of the index level from the previous close, index points. */
  readonly change?: number;
  /** Change of the index level from the previous close, percent (1.5 means 1.5%). */
  readonly percentChange?: number;
  /** Volume traded on the market today (shares; contracts for derivatives markets). */
  readonly totalVolume?: number;
  /** Value traded on the market today, THB. */
  readonly totalValue?: number;
  /** Number of deals (derivatives markets). */
  readonly totalDeal?: number;
  /** Open interest (derivatives markets). */
  readonly openInterest?: number;
}

/** Any market event. */
export type MarketEvent =
  | QuoteEvent
  | BookEvent
  | TradeEvent
  | BarEvent
  | InfoEvent
  | MarketStatusEvent;

/** Kinds of lifecycle status event. */
export type StatusKind =
  | "connecting"
  | "connected"
  | "reconnecting"
  | "disconnected"
  | "stale"
  | "recovered"
  | "subscribe-error"
  | "error"
  | "end";

/** Every status kind, in lifecycle order. */
export const STATUS_KINDS: readonly StatusKind[] = [
  "connecting",
  "connected",
  "reconnecting",
  "disconnected",
  "stale",
  "recovered",
  "subscribe-error",
  "error",
  "end",
];

/**
 * A lifecycle event: connection transitions, staleness, subscription errors and
 * the end of a feed. Never a market event; never dropped by the dispatcher.
 */
export interface StatusEvent {
  /** Discriminant: always `"status"`. */
  readonly type: "status";
  /** What happened. */
  readonly kind: StatusKind;
  /** Name of the connector the status concerns. */
  readonly source: string;
  /** Epoch the status refers to (for `connected`: the new epoch). */
  readonly epoch: number;
  /** Time of the status, epoch milliseconds. */
  readonly recvTs: number;
  /** Time of the status on the monotonic clock, milliseconds (`performance.now()`). */
  readonly recvMono: number;
  /** The symbol concerned (`stale`, `recovered`, `subscribe-error`); absent for the whole feed. */
  readonly symbol?: string;
  /** Human-readable reason (never a secret). */
  readonly reason?: string;
  /** Reconnect attempt number, from 1 (`reconnecting`). */
  readonly attempt?: number;
  /** Delay before the next attempt, milliseconds (`reconnecting`). */
  readonly delayMs?: number;
  /** For replayed events (`source: "replay"`): the connector that recorded them. */
  readonly origin?: string;
}

/** Anything a feed delivers. */
export type FeedEvent = MarketEvent | StatusEvent;

/** Maps each event `type` to its interface. */
export interface EventByType {
  /** A best bid and ask. */
  quote: QuoteEvent;
  /** A full-depth book snapshot. */
  book: BookEvent;
  /** A trade. */
  trade: TradeEvent;
  /** An OHLCV bar. */
  bar: BarEvent;
  /** An instrument summary. */
  info: InfoEvent;
  /** An exchange-level market status. */
  market: MarketStatusEvent;
  /** A lifecycle status. */
  status: StatusEvent;
}

/** Largest integer a number holds exactly (2^53 - 1); sizes above it are errors. */
export const MAX_EXACT_SIZE: number = Number.MAX_SAFE_INTEGER;

/**
 * Whether an event is a market event (not a lifecycle `status`).
 *
 * @param ev Any feed event.
 * @returns `true` for quote, book, trade, bar, info and market events.
 * @example Filtering a mixed stream
 * ```ts
 * import { isMarketEvent } from "@tickwire/tickwire";
 * const ev = { type: "status", kind: "connected", source: "x", epoch: 0, recvTs: 0, recvMono: 0 } as const;
 * console.log(isMarketEvent(ev)); // false
 * ```
 */
export function isMarketEvent(ev: FeedEvent): ev is MarketEvent {
  return ev.type !== "status";
}
