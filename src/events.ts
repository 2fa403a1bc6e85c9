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
  readonly type: "quote";
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
  readonly bidFlag: BookFlag;
  readonly askFlag: BookFlag;
}

/** One price level of a book. */
export interface BookLevel {
  readonly price: number;
  readonly size: number;
}

/**
 * A full-depth book snapshot that replaces the previous one. `bids` and `asks`
 * hold exactly the levels the source sends, best first (10 for Settrade, empty
 * levels included as `{ price: 0, size: 0 }`).
 */
export interface BookEvent extends MarketEventBase {
  readonly type: "book";
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly bidFlag: BookFlag;
  readonly askFlag: BookFlag;
}

/** Aggressor side of a trade, where the source knows it. */
export type TradeSide = "buy" | "sell" | "unknown";

/** One trade (a print). */
export interface TradeEvent extends MarketEventBase {
  readonly type: "trade";
  readonly price: number;
  readonly size: number;
  readonly side: TradeSide;
  readonly tradeId?: string;
}

/** One OHLCV bar (candlestick). A bar may be sent repeatedly while it is open. */
export interface BarEvent extends MarketEventBase {
  readonly type: "bar";
  /** Interval as the source names it: `"1m"`, `"5m"`, `"1d"`, ... */
  readonly interval: string;
  /** Opening time of the bar, epoch milliseconds. */
  readonly openTs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Traded value, where the source gives it. */
  readonly value?: number;
  /** Source sequence of the bar (Settrade's `last_sequence`); 0 when the source has none. */
  readonly sequence: number;
}

/** A session state code with its name; unknown codes keep their number and a name like `"code-42"`. */
export interface MarketStatusCode {
  readonly code: number;
  readonly name: string;
}

/** Instrument summary: last, day range, volume, and the instrument's session state. */
export interface InfoEvent extends MarketEventBase {
  readonly type: "info";
  readonly last: number;
  readonly high: number;
  readonly low: number;
  readonly change: number;
  readonly totalVolume: number;
  readonly totalValue: number;
  readonly projectedOpenPrice?: number;
  readonly projectedOpenVolume?: number;
  readonly marketStatus: MarketStatusCode;
}

/**
 * Exchange-level status for one market (`SET`, `mai`, `TFEX`, ...). `symbol` is the
 * market name upper-cased; `market` keeps the name as the source spells it.
 */
export interface MarketStatusEvent extends MarketEventBase {
  readonly type: "market";
  readonly market: string;
  readonly status: MarketStatusCode;
  /** Index level, where the market has one. */
  readonly current?: number;
  readonly high?: number;
  readonly low?: number;
  readonly change?: number;
  readonly percentChange?: number;
  readonly totalVolume?: number;
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
  readonly type: "status";
  readonly kind: StatusKind;
  readonly source: string;
  /** Epoch the status refers to (for `connected`: the new epoch). */
  readonly epoch: number;
  readonly recvTs: number;
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
  quote: QuoteEvent;
  book: BookEvent;
  trade: TradeEvent;
  bar: BarEvent;
  info: InfoEvent;
  market: MarketStatusEvent;
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
