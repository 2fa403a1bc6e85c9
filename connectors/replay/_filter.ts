/**
 * Which replayed events reach the consumer: the `symbols` option (every channel),
 * and the subscriptions. Until the first subscription every event passes; from
 * then on only subscribed pairs (channel and symbol, and interval for bars).
 *
 * @module
 */

import { type Subscription, subscriptionKey } from "../../src/connector.ts";
import { CHANNELS, type MarketEvent } from "../../src/events.ts";
import type { PayloadDecoder, PayloadWant } from "./_decoders.ts";

const BOTH: PayloadWant = Object.freeze({ quote: true, book: true });

/**
 * Upper-cases the symbol and fills the bar interval, checking the shape.
 * @param sub A subscription as given.
 * @returns The normalized subscription.
 * @throws TypeError for an unknown channel or an empty symbol.
 */
export function normalizeSubscription(sub: Subscription): Subscription {
  if (typeof sub !== "object" || sub === null) {
    throw new TypeError(`[replay] subscription must be an object, got ${String(sub)}`);
  }
  if (!(CHANNELS as unknown[]).includes(sub.channel)) {
    throw new TypeError(`[replay] unknown channel ${JSON.stringify(sub.channel)}`);
  }
  if (typeof sub.symbol !== "string" || sub.symbol.trim() === "") {
    throw new TypeError(
      `[replay] symbol must be a non-empty string, got ${JSON.stringify(sub.symbol)}`,
    );
  }
  const symbol = sub.symbol.trim().toUpperCase();
  return sub.channel === "bar"
    ? { channel: "bar", symbol, interval: sub.interval ?? "1m" }
    : { channel: sub.channel, symbol };
}

/** The subscriptions and symbol filter of one replay connector. */
export class PairFilter {
  readonly #symbols: ReadonlySet<string> | undefined;
  readonly #subs = new Map<string, Subscription>();
  readonly #index = new Map<string, Set<string>>();
  readonly #wants = new Map<string, PayloadWant | null>();
  #filtering = false;

  /** @param symbols The `symbols` option (upper case), or `undefined` for every symbol. */
  constructor(symbols: ReadonlySet<string> | undefined) {
    this.#symbols = symbols;
  }

  /** The subscriptions held. */
  list(): Subscription[] {
    return [...this.#subs.values()];
  }

  /** @param sub A subscription to add (from now on, only subscribed pairs pass). */
  subscribe(sub: Subscription): void {
    const s = normalizeSubscription(sub);
    this.#filtering = true;
    this.#subs.set(subscriptionKey(s), s);
    this.#rebuild();
  }

  /** @param sub A subscription to remove. */
  unsubscribe(sub: Subscription): void {
    if (this.#subs.delete(subscriptionKey(normalizeSubscription(sub)))) this.#rebuild();
  }

  /**
   * @param ev A replayed market event.
   * @returns Whether it reaches the consumer.
   */
  accepts(ev: MarketEvent): boolean {
    if (this.#symbols !== undefined && !this.#symbols.has(ev.symbol)) return false;
    if (!this.#filtering) return true;
    const set = this.#index.get(ev.type);
    if (set === undefined) return false;
    return ev.type === "bar" ? set.has(`${ev.symbol}:${ev.interval}`) : set.has(ev.symbol);
  }

  /**
   * What to decode from a payload topic (cached per topic).
   * @param topic The topic.
   * @param decoder Its decoder (for the topic's symbol).
   * @returns The events wanted from a book topic, or `null` to skip the payload.
   */
  wantFor(topic: string, decoder: PayloadDecoder): PayloadWant | null {
    let want = this.#wants.get(topic);
    if (want !== undefined) return want;
    const symbol = decoder.symbolOf(topic);
    if (symbol !== undefined && this.#symbols !== undefined && !this.#symbols.has(symbol)) {
      want = null;
    } else if (!this.#filtering || symbol === undefined) want = BOTH;
    else if (![...this.#subs.values()].some((s) => s.symbol === symbol)) want = null;
    else {
      want = {
        quote: this.#index.get("quote")?.has(symbol) ?? false,
        book: this.#index.get("book")?.has(symbol) ?? false,
      };
    }
    this.#wants.set(topic, want);
    return want;
  }

  #rebuild(): void {
    this.#index.clear();
    this.#wants.clear();
    for (const s of this.#subs.values()) {
      let set = this.#index.get(s.channel);
      if (set === undefined) this.#index.set(s.channel, set = new Set());
      set.add(s.channel === "bar" ? `${s.symbol}:${s.interval}` : s.symbol);
    }
  }
}
