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

/** Bit of a channel in a symbol's mask. */
function channelBit(type: string): number {
  switch (type) {
    case "quote":
      return 1;
    case "book":
      return 2;
    case "trade":
      return 4;
    case "bar":
      return 8;
    case "info":
      return 16;
    case "market":
      return 32;
    default:
      return 0;
  }
}

/**
 * The subscriptions and symbol filter of one replay connector. Every replayed
 * event goes through {@link PairFilter.accepts}, so the subscriptions are
 * kept as one mask of channels per symbol (already narrowed by the `symbols`
 * option): one lookup per event.
 */
export class PairFilter {
  readonly #symbols: ReadonlySet<string> | undefined;
  readonly #subs = new Map<string, Subscription>();
  /** Channels subscribed per symbol, for symbols the `symbols` option lets through. */
  readonly #bySymbol = new Map<string, number>();
  /** `SYMBOL:interval` of each bar subscription. */
  readonly #bars = new Set<string>();
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
    if (!this.#filtering) return this.#symbols === undefined || this.#symbols.has(ev.symbol);
    const mask = this.#bySymbol.get(ev.symbol);
    if (mask === undefined || (mask & channelBit(ev.type)) === 0) return false;
    return ev.type !== "bar" || this.#bars.has(`${ev.symbol}:${ev.interval}`);
  }

  /**
   * What to decode from a payload topic (the connector keeps the answer per
   * topic until the subscriptions change).
   * @param topic The topic.
   * @param decoder Its decoder (for the topic's symbol).
   * @returns The events wanted from a book topic, or `null` to skip the payload.
   */
  wantFor(topic: string, decoder: PayloadDecoder): PayloadWant | null {
    let want: PayloadWant | null;
    const symbol = decoder.symbolOf(topic);
    if (symbol !== undefined && this.#symbols !== undefined && !this.#symbols.has(symbol)) {
      want = null;
    } else if (!this.#filtering || symbol === undefined) want = BOTH;
    else {
      const mask = this.#bySymbol.get(symbol) ?? 0;
      want = mask === 0 ? null : { quote: (mask & 1) !== 0, book: (mask & 2) !== 0 };
    }
    return want;
  }

  #rebuild(): void {
    this.#bySymbol.clear();
    this.#bars.clear();
    for (const s of this.#subs.values()) {
      if (this.#symbols !== undefined && !this.#symbols.has(s.symbol)) continue;
      this.#bySymbol.set(s.symbol, (this.#bySymbol.get(s.symbol) ?? 0) | channelBit(s.channel));
      if (s.channel === "bar") this.#bars.add(`${s.symbol}:${s.interval}`);
    }
  }
}
