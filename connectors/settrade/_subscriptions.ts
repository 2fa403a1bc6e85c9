/**
 * The subscriptions a Settrade connector holds: the source of truth that every
 * (re)connect replays. Maps each subscription to its topic (`quote` and `book`
 * of a symbol share the book topic) and keeps, per topic, which events the hot
 * path should build, so one lookup per message answers both "is this topic
 * still wanted?" and "quote, book or both?".
 *
 * @module
 */

import { type Subscription, subscriptionKey } from "../../src/connector.ts";
import type { BarEvent, QuoteEvent } from "../../src/events.ts";
import { parseTopic, type SettradeTopic, subscriptionTopic } from "./decode/topics.ts";

/** A held topic. `want` is updated in place as `quote` / `book` come and go. */
export interface HeldTopic {
  readonly topic: string;
  /** The topic parsed once, for the decoder. */
  readonly parsed: SettradeTopic | undefined;
  /** Events wanted from a book topic (ignored for other topics). */
  readonly want: { quote: boolean; book: boolean };
  /** Subscriptions served by this topic, by key. */
  readonly subs: Map<string, Subscription>;
  /** Epoch of the connection that last streamed a message on it (-1: none yet). */
  lastEpoch: number;
  /** The last quote delivered from it (streamed or polled), for the poll's dedupe. */
  lastQuote: QuoteEvent | undefined;
  /** A bar topic's gate (order, dedupe, hold during a backfill); set by the connector. */
  bars: BarSink | undefined;
}

/** Where a bar topic's live bars go instead of straight to the sink (see `_backfill.ts`). */
export interface BarSink {
  /**
   * Takes one live bar.
   * @param ev The bar, stamped with the next `seq`.
   * @returns Whether it was delivered now (its `seq` used); a held or dropped bar
   *   leaves its number to the next event.
   */
  live(ev: BarEvent): boolean;
}

/** What {@link SubscriptionTable.add} and {@link SubscriptionTable.remove} changed. */
export interface TableChange {
  /** Whether the set of subscriptions changed. */
  readonly changed: boolean;
  /** The topic concerned. */
  readonly topic: string;
  /** Whether the topic must be subscribed (added) or unsubscribed (removed) on the wire. */
  readonly wire: boolean;
}

/**
 * Normalizes a subscription: symbol trimmed and upper-cased, `bar` interval defaulted.
 * @param sub As given.
 * @returns A new, normalized subscription.
 * @throws TypeError when it is not a subscription.
 */
export function normalizeSub(sub: Subscription): Subscription {
  if (sub === null || typeof sub !== "object" || typeof sub.symbol !== "string") {
    throw new TypeError("[settrade] a subscription needs a channel and a symbol string");
  }
  const symbol = sub.symbol.trim().toUpperCase();
  if (sub.channel === "bar") {
    const interval = sub.interval ?? "1m";
    if (typeof interval !== "string") {
      throw new TypeError("[settrade] a bar interval must be a string");
    }
    return { channel: "bar", symbol, interval };
  }
  return { channel: sub.channel, symbol };
}

/** The held subscriptions and their topics. */
export class SubscriptionTable {
  readonly #subs = new Map<string, Subscription>();
  readonly #topics = new Map<string, HeldTopic>();

  /**
   * Adds a normalized subscription.
   * @param sub From {@link normalizeSub}.
   * @returns The change.
   * @throws RangeError when no topic serves it (`trade`, an unknown market, a bad name).
   */
  add(sub: Subscription): TableChange {
    const topic = subscriptionTopic(sub);
    const key = subscriptionKey(sub);
    if (this.#subs.has(key)) return { changed: false, topic, wire: false };
    let held = this.#topics.get(topic);
    const wire = held === undefined;
    if (held === undefined) {
      held = {
        topic,
        parsed: parseTopic(topic),
        want: { quote: false, book: false },
        subs: new Map(),
        lastEpoch: -1,
        lastQuote: undefined,
        bars: undefined,
      };
      this.#topics.set(topic, held);
    }
    held.subs.set(key, sub);
    if (sub.channel === "quote") held.want.quote = true;
    if (sub.channel === "book") held.want.book = true;
    this.#subs.set(key, sub);
    return { changed: true, topic, wire };
  }

  /**
   * Removes a normalized subscription.
   * @param sub From {@link normalizeSub}.
   * @returns The change; `undefined` when no topic can serve it.
   */
  remove(sub: Subscription): TableChange | undefined {
    let topic: string;
    try {
      topic = subscriptionTopic(sub);
    } catch {
      return undefined;
    }
    const key = subscriptionKey(sub);
    const held = this.#topics.get(topic);
    if (!this.#subs.delete(key) || held === undefined) {
      return { changed: false, topic, wire: false };
    }
    held.subs.delete(key);
    if (sub.channel === "quote") held.want.quote = false;
    if (sub.channel === "book") held.want.book = false;
    if (held.subs.size > 0) return { changed: true, topic, wire: false };
    this.#topics.delete(topic);
    return { changed: true, topic, wire: true };
  }

  /**
   * The held topic, if any (hot path: one map lookup).
   * @param topic Topic name as received.
   * @returns The held topic, or `undefined` when nothing holds it.
   */
  get(topic: string): HeldTopic | undefined {
    return this.#topics.get(topic);
  }

  /** @returns Every held topic name. */
  topics(): string[] {
    return [...this.#topics.keys()];
  }

  /** @returns Every held topic. */
  held(): HeldTopic[] {
    return [...this.#topics.values()];
  }

  /** @returns Every held subscription. */
  list(): Subscription[] {
    return [...this.#subs.values()];
  }

  /** Number of held subscriptions. */
  get size(): number {
    return this.#subs.size;
  }
}
