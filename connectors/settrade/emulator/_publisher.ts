/**
 * The publisher: one synthetic connector drives every subscribed topic. Topics
 * are reference-counted over all clients; the synthetic subscriptions follow the
 * union (`book`, `info`, `bar` at 1m, `market`), and each event is encoded and
 * published on every topic it serves, unless publishing is stalled. Injected
 * malformed payloads replace the real ones.
 *
 * @module
 */

import type { ConnectorWrapper, Subscription } from "../../../src/connector.ts";
import { subscriptionKey } from "../../../src/connector.ts";
import type { BookEvent, InfoEvent, MarketEvent } from "../../../src/events.ts";
import { createSyntheticConnector } from "../../synthetic/mod.ts";
import { bidOfferTopic, candlestickTopic, infoTopic, marketTopic } from "../decode/topics.ts";
import { BarAggregator } from "./_bars.ts";
import {
  encodeBidOffer,
  encodeCandlestick,
  encodeExchangeInfo,
  encodeInfo,
  malform,
} from "./_encode.ts";
import type { Faults } from "./_faults.ts";
import type { ResolvedOptions } from "./_options.ts";
import type { TopicRoute } from "./_topics.ts";

type Served = Exclude<TopicRoute, { kind: "errors" | "refused" }>;

interface Held {
  readonly route: Served;
  count: number;
}

/** Counters of the publisher. */
export interface PublisherCounts {
  /** Payloads handed to the broker (malformed ones included). */
  readonly published: number;
  /** Malformed payloads among them. */
  readonly malformed: number;
  /** Payloads not sent because publishing was stalled. */
  readonly stalled: number;
}

function syntheticSub(route: Served): Subscription {
  switch (route.kind) {
    case "book":
      return { channel: "book", symbol: route.symbol };
    case "info":
      return { channel: "info", symbol: route.symbol };
    case "bar":
      return { channel: "bar", symbol: route.symbol, interval: "1m" };
    case "market":
      return { channel: "market", symbol: route.market.toUpperCase() };
  }
}

/** Publishes synthetic market data on the subscribed topics. */
export class Publisher {
  readonly #o: ResolvedOptions;
  readonly #faults: Faults;
  readonly #send: (topic: string, payload: Uint8Array) => void;
  readonly #topics = new Map<string, Held>();
  readonly #subs = new Map<string, number>();
  readonly #intervals = new Map<string, Set<string>>();
  readonly #bars = new BarAggregator();
  readonly #books = new Map<string, BookEvent>();
  readonly #infos = new Map<string, InfoEvent>();
  readonly #synthetic: ConnectorWrapper;
  #published = 0;
  #malformed = 0;
  #stalled = 0;

  /**
   * @param options Resolved emulator options.
   * @param faults Shared fault state.
   * @param send Publishes one payload on a topic.
   */
  constructor(
    options: ResolvedOptions,
    faults: Faults,
    send: (topic: string, payload: Uint8Array) => void,
  ) {
    this.#o = options;
    this.#faults = faults;
    this.#send = send;
    this.#synthetic = createSyntheticConnector({
      seed: options.seed,
      rate: options.rate,
      symbols: options.symbols,
      channels: ["book", "info", "bar", "market"],
      phases: options.phases,
      ...(options.startTs === undefined ? {} : { startTs: options.startTs }),
    }, {
      sink: {
        event: (ev) => this.#onEvent(ev),
        status: () => {},
        decodeError: () => {},
        drain: () => Promise.resolve(),
      },
      logger: options.logger,
      clock: options.clock,
    });
  }

  /** @returns Resolves once the synthetic source runs. */
  start(): Promise<void> {
    return this.#synthetic.connect();
  }

  /** @returns Resolves once the synthetic source stopped. */
  stop(): Promise<void> {
    return this.#synthetic.disconnect("emulator stopped");
  }

  /** @returns The counters. */
  counts(): PublisherCounts {
    return { published: this.#published, malformed: this.#malformed, stalled: this.#stalled };
  }

  /** @returns Every topic with at least one subscriber, with its subscriber count. */
  topics(): ReadonlyMap<string, number> {
    return new Map([...this.#topics].map(([topic, h]) => [topic, h.count]));
  }

  /**
   * The latest book and info of a streamed symbol.
   * @param symbol Symbol.
   * @returns What the live stream last produced (either may be missing).
   */
  latest(symbol: string): { book: BookEvent | undefined; info: InfoEvent | undefined } {
    return { book: this.#books.get(symbol), info: this.#infos.get(symbol) };
  }

  /**
   * One more subscriber of a topic.
   * @param topic The topic. @param route What it serves.
   */
  add(topic: string, route: Served): void {
    const held = this.#topics.get(topic);
    if (held !== undefined) {
      held.count++;
      return;
    }
    this.#topics.set(topic, { route, count: 1 });
    if (route.kind === "bar") {
      let set = this.#intervals.get(route.symbol);
      if (set === undefined) this.#intervals.set(route.symbol, set = new Set());
      set.add(route.interval);
    }
    const sub = syntheticSub(route);
    const key = subscriptionKey(sub);
    const n = this.#subs.get(key) ?? 0;
    this.#subs.set(key, n + 1);
    if (n === 0) void this.#synthetic.subscribe(sub);
  }

  /**
   * One subscriber fewer.
   * @param topic The topic.
   */
  remove(topic: string): void {
    const held = this.#topics.get(topic);
    if (held === undefined || --held.count > 0) return;
    this.#topics.delete(topic);
    const route = held.route;
    if (route.kind === "bar") {
      this.#intervals.get(route.symbol)?.delete(route.interval);
      this.#bars.forget(route.symbol, route.interval);
    }
    const sub = syntheticSub(route);
    const key = subscriptionKey(sub);
    const n = (this.#subs.get(key) ?? 1) - 1;
    if (n > 0) {
      this.#subs.set(key, n);
      return;
    }
    this.#subs.delete(key);
    void this.#synthetic.unsubscribe(sub);
    if (route.kind === "book") this.#books.delete(route.symbol);
    if (route.kind === "info") this.#infos.delete(route.symbol);
  }

  #onEvent(ev: MarketEvent): boolean {
    switch (ev.type) {
      case "book":
        this.#books.set(ev.symbol, ev);
        this.#publish(bidOfferTopic(ev.symbol), () => encodeBidOffer(ev));
        break;
      case "info":
        this.#infos.set(ev.symbol, ev);
        this.#publish(infoTopic(ev.symbol), () => encodeInfo(ev));
        break;
      case "bar":
        for (const interval of this.#intervals.get(ev.symbol) ?? []) {
          const bar = this.#bars.update(ev, interval);
          this.#publish(candlestickTopic(ev.symbol, interval), () => encodeCandlestick(bar));
        }
        break;
      case "market": {
        const topic = marketTopic(ev.market);
        const held = this.#topics.get(topic);
        if (held?.route.kind === "market") {
          const { market, deriv } = held.route;
          this.#publish(topic, () => encodeExchangeInfo(ev, market, deriv));
        }
        break;
      }
      default:
        break;
    }
    return true;
  }

  #publish(topic: string, encode: () => Uint8Array): void {
    if (!this.#topics.has(topic)) return;
    if (this.#faults.stalled()) {
      this.#stalled++;
      return;
    }
    let payload = encode();
    if (this.#faults.nextMalformed()) {
      payload = malform(payload);
      this.#malformed++;
    }
    this.#published++;
    try {
      this.#send(topic, payload);
    } catch (e) {
      this.#o.logger.warn("[settrade-emulator] publish failed", { topic, error: String(e) });
    }
  }
}
