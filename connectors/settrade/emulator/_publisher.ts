/**
 * The publisher: one synthetic connector drives every subscribed topic. Topics
 * are reference-counted over all clients; the synthetic subscriptions follow the
 * union (`book`, `info`, `bar` at 1m, `market`), and each event is encoded and
 * published on every topic it serves, unless publishing is stalled. Injected
 * malformed payloads replace the real ones.
 *
 * The market goes on when nobody listens (as an exchange's would): a synthetic
 * subscription, once made, is kept until the emulator stops, so the latest book
 * stays live for REST quotes and every bar is recorded (the last
 * {@link MAX_RECORDED_BARS} per symbol and interval) for the candlestick endpoint.
 *
 * @module
 */

import type { ConnectorWrapper, Subscription } from "../../../src/connector.ts";
import { subscriptionKey } from "../../../src/connector.ts";
import type { BarEvent, BookEvent, InfoEvent, MarketEvent } from "../../../src/events.ts";
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

/** Bars recorded per symbol and interval. */
export const MAX_RECORDED_BARS = 1_000;

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
  /** Synthetic subscriptions made (kept: the market goes on). */
  readonly #subs = new Set<string>();
  readonly #intervals = new Map<string, Set<string>>();
  /** Recorded bars by `symbol/interval`, then opening time (latest version). */
  readonly #history = new Map<string, Map<number, BarEvent>>();
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
   * The bars recorded for a symbol and interval, oldest first.
   * @param symbol Symbol. @param interval Interval.
   * @returns The latest version of each bar (empty when never subscribed).
   */
  bars(symbol: string, interval: string): BarEvent[] {
    return [...(this.#history.get(`${symbol}/${interval}`)?.values() ?? [])];
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
    if (this.#subs.has(key)) return;
    this.#subs.add(key);
    void this.#synthetic.subscribe(sub);
  }

  /**
   * One subscriber fewer.
   * @param topic The topic.
   */
  remove(topic: string): void {
    const held = this.#topics.get(topic);
    if (held === undefined || --held.count > 0) return;
    // Publishing on it stops; the market behind it goes on.
    this.#topics.delete(topic);
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
          this.#record(bar);
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

  #record(bar: BarEvent): void {
    const key = `${bar.symbol}/${bar.interval}`;
    let bars = this.#history.get(key);
    if (bars === undefined) this.#history.set(key, bars = new Map());
    bars.set(bar.openTs, bar);
    if (bars.size > MAX_RECORDED_BARS) bars.delete(bars.keys().next().value!);
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
