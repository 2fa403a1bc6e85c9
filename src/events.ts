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
  /**
   * How a live event reached us when it did not come from the stream:
   * `"poll"` (fetched while the stream was down), `"backfill"` (fetched after a
   * gap, delivered before the live events). Absent for streamed events.
   */
  readonly via?: "poll" | "backfill";
  /** Sequence number of the message stream the event was read from (a broker's), where there is one. */
  readonly streamSeq?: number;
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

/**
 * Every status kind, in lifecycle order: the one list the rest is derived from
 * ({@link StatusKind}, the schemas, the log levels).
 */
export const STATUS_KINDS = [
  "connecting",
  "connected",
  "reconnecting",
  "disconnected",
  "mode",
  "gap",
  "stale",
  "recovered",
  "subscribe-error",
  "error",
  "end",
] as const;

/** Kinds of lifecycle status event. */
export type StatusKind = typeof STATUS_KINDS[number];

/** Fields every status event carries. */
export interface StatusBase {
  /** Discriminant: always `"status"`. */
  readonly type: "status";
  /** Name of the connector the status concerns. */
  readonly source: string;
  /** Epoch the status refers to (for `connected`: the new epoch). */
  readonly epoch: number;
  /** Time of the status, epoch milliseconds. */
  readonly recvTs: number;
  /** Time of the status on the monotonic clock, milliseconds (`performance.now()`). */
  readonly recvMono: number;
  /** Human-readable reason (never a secret). */
  readonly reason?: string;
  /** For replayed statuses (`source: "replay"`): the connector that recorded them. */
  readonly origin?: string;
}

/** A connection attempt begins. */
export interface ConnectingStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "connecting";
}

/** A connection is up and every held subscription has been requested on it. */
export interface ConnectedStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "connected";
}

/** The connector waits before its next connection attempt. */
export interface ReconnectingStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "reconnecting";
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** Delay before the attempt, milliseconds. */
  readonly delayMs: number;
  /** The server's error code of the failure that caused the retry, where it gave one. */
  readonly code?: string;
}

/** A connection was lost or closed. */
export interface DisconnectedStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "disconnected";
  /** Why (never a secret). */
  readonly reason: string;
}

/** How a connector is delivering now. */
export type FeedMode = "stream" | "poll" | "down";

/** The connector changed how it delivers (a stream outage served by polling, and back). */
export interface ModeStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "mode";
  /** The mode entered. */
  readonly mode: FeedMode;
  /** The mode left. */
  readonly previous: FeedMode;
}

/**
 * Events the source can no longer deliver: a range of the source's own sequence
 * (for example a message stream's sequence numbers) that was lost for good.
 */
export interface GapStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "gap";
  /** First missing sequence number of the source, inclusive. */
  readonly from: number;
  /** Last missing sequence number of the source, inclusive. */
  readonly to: number;
}

/**
 * Why a symbol has had no event for longer than its allowed gap: its market is
 * `"closed"`, in its `"intermission"` (the midday break), or `"halted"` (all
 * expected silences), or it is `"stale"`: its market is open and nothing comes.
 */
export type QuietReason = "closed" | "intermission" | "halted" | "stale";

/**
 * Symbols (or the whole feed) that went quiet for longer than their allowed gap.
 * `quiet` says why: only `"stale"` is trouble (the symbols are then listed by
 * `staleSymbols()`); a closed, paused or halted market is an expected silence.
 */
export interface StaleStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "stale";
  /** `"symbols"`: the symbols listed went quiet; `"feed"`: no market event at all. */
  readonly scope: "symbols" | "feed";
  /** Symbols that went quiet at this check, sorted; empty for the whole feed. */
  readonly symbols: readonly string[];
  /** Milliseconds without an event (the shortest among `symbols`). */
  readonly ageMs: number;
  /**
   * Why they are quiet. Absent in captures written before sessions were known
   * (read it as `"stale"`).
   */
  readonly quiet?: QuietReason;
}

/** A stale symbol (or the whole feed) has events again. */
export interface RecoveredStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "recovered";
  /** The symbol that recovered; absent when the whole feed did. */
  readonly symbol?: string;
}

/** The venue refused a subscription, or the connector cannot serve it. */
export interface SubscribeErrorStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "subscribe-error";
  /** The symbol concerned, where known. */
  readonly symbol?: string;
  /** Why (never a secret). */
  readonly reason: string;
}

/**
 * Something went wrong that the feed survived (a listener threw), or, when
 * `end` follows, the error that ended the feed.
 */
export interface ErrorStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "error";
  /** What went wrong (never a secret). */
  readonly reason: string;
  /** A machine-readable code, where there is one (`"listener"`, a server's error code). */
  readonly code?: string;
  /** For a listener error: the type of the event the listener was given. */
  readonly eventType?: FeedEvent["type"];
}

/** The feed ended: always the last status, exactly once. */
export interface EndStatus extends StatusBase {
  /** Discriminant. */
  readonly kind: "end";
}

/** Maps each status kind to its interface. */
export interface StatusByKind {
  /** A connection attempt begins. */
  connecting: ConnectingStatus;
  /** A connection is up. */
  connected: ConnectedStatus;
  /** Waiting before the next attempt. */
  reconnecting: ReconnectingStatus;
  /** A connection was lost or closed. */
  disconnected: DisconnectedStatus;
  /** Delivery mode changed. */
  mode: ModeStatus;
  /** Events lost for good. */
  gap: GapStatus;
  /** Quiet for too long. */
  stale: StaleStatus;
  /** Events again. */
  recovered: RecoveredStatus;
  /** A subscription refused. */
  "subscribe-error": SubscribeErrorStatus;
  /** An error. */
  error: ErrorStatus;
  /** The end. */
  end: EndStatus;
}

/**
 * A lifecycle event: connection transitions, delivery mode, staleness,
 * subscription errors and the end of a feed; a union discriminated on `kind`,
 * so `switch (ev.kind)` narrows to each kind's fields. Never a market event;
 * never dropped by the dispatcher.
 */
export type StatusEvent = StatusByKind[StatusKind];

/**
 * The fields of a status that its emitter chooses: everything but `type`,
 * `source`, `epoch` and the two times, which the emitter stamps.
 */
export type StatusBody<K extends StatusKind = StatusKind> = K extends StatusKind
  ? Omit<StatusByKind[K], "type" | "source" | "epoch" | "recvTs" | "recvMono">
  : never;

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
