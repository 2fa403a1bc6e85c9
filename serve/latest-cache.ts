/**
 * The latest quote, book, trade and info of each symbol, for `/latest` and for
 * a WebSocket client's first view after it subscribes. Bounded: past `capacity`
 * symbols, the least recently updated one is evicted.
 *
 * @module
 */

import type { BookEvent, InfoEvent, MarketEvent, QuoteEvent, TradeEvent } from "../src/events.ts";

/** The channels the cache keeps. */
export const CACHED_CHANNELS: readonly ("quote" | "book" | "trade" | "info")[] = [
  "quote",
  "book",
  "trade",
  "info",
];

/** What the cache holds for one symbol (each part absent until its first event). */
export interface LatestEntry {
  /** The symbol, upper case. */
  readonly symbol: string;
  /** The last quote. */
  quote?: QuoteEvent;
  /** The last book. */
  book?: BookEvent;
  /** The last trade. */
  trade?: TradeEvent;
  /** The last instrument summary (last price, change). */
  info?: InfoEvent;
}

interface Slot extends LatestEntry {
  /** Recency stamp: larger is more recent. */
  tick: number;
}

/**
 * A bounded least-recently-updated cache of each symbol's latest events.
 * An update stamps the entry (no reordering, no allocation after a symbol's
 * first event); eviction, only when a new symbol arrives at capacity, scans for
 * the oldest stamp.
 *
 * @example Keeping the last quote
 * ```ts
 * import { LatestCache } from "@tickwire/tickwire/serve";
 * const cache = new LatestCache(2);
 * cache.update({ type: "quote", source: "demo", symbol: "PTT", seq: 1, recvTs: 0, recvMono: 0,
 *   epoch: 0, bid: 33, ask: 33.25, bidSize: 100, askSize: 200, bidFlag: "normal", askFlag: "normal" });
 * console.log(cache.get("PTT")?.quote?.bid); // 33
 * ```
 */
export class LatestCache {
  /** Most symbols kept. */
  readonly capacity: number;
  readonly #slots = new Map<string, Slot>();
  #tick = 0;
  #evicted = 0;

  /**
   * Creates an empty cache.
   * @param capacity Most symbols kept. @default 1_000
   * @throws RangeError when `capacity` is not a positive integer.
   */
  constructor(capacity = 1_000) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`[serve] cache capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /**
   * Records an event if it is of a cached channel (quote, book, trade, info).
   * @param ev A market event.
   */
  update(ev: MarketEvent): void {
    const type = ev.type;
    if (type !== "quote" && type !== "book" && type !== "trade" && type !== "info") return;
    let slot = this.#slots.get(ev.symbol);
    if (slot === undefined) {
      if (this.#slots.size >= this.capacity) this.#evict();
      slot = { symbol: ev.symbol, tick: 0 };
      this.#slots.set(ev.symbol, slot);
    }
    slot.tick = ++this.#tick;
    (slot as unknown as Record<string, unknown>)[type] = ev;
  }

  #evict(): void {
    let oldest: Slot | undefined;
    for (const s of this.#slots.values()) {
      if (oldest === undefined || s.tick < oldest.tick) oldest = s;
    }
    if (oldest !== undefined) {
      this.#slots.delete(oldest.symbol);
      this.#evicted++;
    }
  }

  /**
   * The latest events of a symbol.
   * @param symbol The symbol (any case).
   * @returns The entry, or `undefined` when the symbol has had no cached event.
   */
  get(symbol: string): Readonly<LatestEntry> | undefined {
    return this.#slots.get(symbol.toUpperCase());
  }

  /** Symbols held, sorted. */
  symbols(): string[] {
    return [...this.#slots.keys()].sort();
  }

  /** Number of symbols held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Symbols evicted to stay within capacity, since creation. */
  get evicted(): number {
    return this.#evicted;
  }
}
