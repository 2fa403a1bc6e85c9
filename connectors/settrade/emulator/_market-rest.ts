/**
 * Answers of the market REST endpoints (quote, candlesticks). Their JSON shapes
 * are not documented: the ones here are inferred, camelCase, plain numbers,
 * after the shapes Settrade's SDKs hand out. A streamed symbol answers from the
 * live stream; any other known symbol from a short seeded run of the synthetic
 * source (the same answer every time).
 *
 * Candlesticks are the bars the stream produced (recorded by the publisher,
 * the same bars at the same times), preceded, when more are asked for than
 * were recorded, by a seeded history that ends where the recording starts (or,
 * for an interval never streamed, at the instrument's current time).
 *
 * @module
 */

import type { BookEvent, InfoEvent } from "../../../src/events.ts";
import { createSyntheticConnector } from "../../synthetic/mod.ts";
import type { BarEvent } from "../../../src/events.ts";
import { bucketStart } from "./_bars.ts";
import { type CandleColumns, candleHistory } from "./_history.ts";
import type { ResolvedOptions } from "./_options.ts";
import type { Publisher } from "./_publisher.ts";
import { INTERVAL_MINUTES } from "./_topics.ts";

/** Market events a snapshot run produces before it ends. */
const SNAPSHOT_EVENTS = 40;
/** Longest wait for a snapshot run, ms. */
const SNAPSHOT_TIMEOUT_MS = 2_000;
/** Most candlesticks in one answer (inferred). */
export const MAX_CANDLES = 1_000;

interface Snapshot {
  readonly book: BookEvent | undefined;
  readonly info: InfoEvent | undefined;
}

/** A latest quote (inferred shape). */
export interface QuoteAnswer {
  readonly symbol: string;
  readonly instrumentType: "STOCK";
  /** Session state code, as on the wire (`InfoV3.market_status`). */
  readonly marketStatus: number;
  readonly prior: number;
  readonly last: number;
  readonly change: number;
  readonly percentChange: number;
  readonly high: number;
  readonly low: number;
  readonly totalVolume: number;
  readonly totalValue: number;
  readonly projectedOpenPrice: number | null;
  readonly bid: number;
  readonly bidVolume: number;
  readonly ask: number;
  readonly askVolume: number;
  readonly bidFlag: string;
  readonly askFlag: string;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** Builds quote and candlestick answers. */
export class MarketRest {
  readonly #o: ResolvedOptions;
  readonly #publisher: Publisher;
  readonly #snapshots = new Map<string, Promise<Snapshot>>();

  /** @param options Resolved options. @param publisher The live stream. */
  constructor(options: ResolvedOptions, publisher: Publisher) {
    this.#o = options;
    this.#publisher = publisher;
  }

  async #state(symbol: string): Promise<Snapshot> {
    const live = this.#publisher.latest(symbol);
    if (live.book !== undefined && live.info !== undefined) return live;
    let snap = this.#snapshots.get(symbol);
    if (snap === undefined) this.#snapshots.set(symbol, snap = this.#run(symbol));
    const s = await snap;
    return { book: live.book ?? s.book, info: live.info ?? s.info };
  }

  async #run(symbol: string): Promise<Snapshot> {
    let book: BookEvent | undefined;
    let info: InfoEvent | undefined;
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const o = this.#o;
    const source = createSyntheticConnector({
      seed: o.seed,
      rate: "max",
      limit: SNAPSHOT_EVENTS,
      symbols: [symbol],
      channels: ["book", "info"],
      phases: o.phases,
      ...(o.startTs === undefined ? {} : { startTs: o.startTs }),
    }, {
      sink: {
        event: (ev) => {
          if (ev.type === "book") book = ev;
          else if (ev.type === "info") info = ev;
          return true;
        },
        status: (st) => void (st.kind === "end" && ended()),
        decodeError: () => {},
        drain: () => Promise.resolve(),
      },
      logger: o.logger,
      clock: o.clock,
    });
    await source.subscribe({ channel: "book", symbol });
    await source.subscribe({ channel: "info", symbol });
    await source.connect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      done,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SNAPSHOT_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    await source.disconnect();
    return { book, info };
  }

  /**
   * The latest quote of a known symbol.
   * @param symbol Upper-case symbol from the universe.
   * @returns The answer body.
   */
  async quote(symbol: string): Promise<QuoteAnswer> {
    const { book, info } = await this.#state(symbol);
    const bid = book?.bids[0];
    const ask = book?.asks[0];
    const last = info?.last ?? (bid && ask ? r2((bid.price + ask.price) / 2) : 0);
    const change = info?.change ?? 0;
    const prior = r2(last - change);
    return {
      symbol,
      instrumentType: "STOCK",
      marketStatus: info?.marketStatus.code ?? 0,
      prior,
      last,
      change,
      percentChange: prior === 0 ? 0 : r2((change / prior) * 100),
      high: info?.high ?? last,
      low: info?.low ?? last,
      totalVolume: info?.totalVolume ?? 0,
      totalValue: info?.totalValue ?? 0,
      projectedOpenPrice: info?.projectedOpenPrice ?? null,
      bid: bid?.price ?? 0,
      bidVolume: bid?.size ?? 0,
      ask: ask?.price ?? 0,
      askVolume: ask?.size ?? 0,
      bidFlag: (book?.bidFlag ?? "undefined").toUpperCase(),
      askFlag: (book?.askFlag ?? "undefined").toUpperCase(),
    };
  }

  /**
   * Candlesticks of a known symbol, oldest first, ending with the current interval.
   * @param symbol Upper-case symbol from the universe.
   * @param interval A key of {@link INTERVAL_MINUTES}.
   * @param limit Number of bars, 1..{@link MAX_CANDLES}.
   * @returns The answer body (columns).
   */
  async candlesticks(symbol: string, interval: string, limit: number): Promise<CandleColumns> {
    if (!Object.hasOwn(INTERVAL_MINUTES, interval)) {
      throw new RangeError(`unknown interval ${interval}`);
    }
    const recorded = this.#publisher.bars(symbol, interval).slice(-limit);
    const older = limit - recorded.length;
    if (older === 0) return columns(symbol, interval, recorded);
    const q = await this.quote(symbol);
    const first = recorded[0];
    const last = first?.open ?? (q.last > 0 ? q.last : q.bid > 0 ? q.bid : 1);
    // The history ends where the recording starts, or now on the market's own clock.
    const size = (INTERVAL_MINUTES[interval] ?? 1) * 60_000;
    const live = this.#publisher.latest(symbol).book?.exchTs ?? this.#o.clock.now();
    const end = first === undefined ? bucketStart(live, interval) : first.openTs - size;
    const walk = candleHistory(this.#o.seed, symbol, interval, older, last, end);
    if (first === undefined) return walk;
    const rec = columns(symbol, interval, recorded);
    return {
      ...rec,
      time: [...walk.time, ...rec.time],
      open: [...walk.open, ...rec.open],
      high: [...walk.high, ...rec.high],
      low: [...walk.low, ...rec.low],
      close: [...walk.close, ...rec.close],
      volume: [...walk.volume, ...rec.volume],
      value: [...walk.value, ...rec.value],
    };
  }
}

/** Recorded bars in the answer's columns (times in epoch seconds). */
function columns(symbol: string, interval: string, bars: readonly BarEvent[]): CandleColumns {
  return {
    symbol,
    interval,
    lastSequence: bars.at(-1)?.sequence ?? 0,
    time: bars.map((b) => Math.floor(b.openTs / 1_000)),
    open: bars.map((b) => b.open),
    high: bars.map((b) => b.high),
    low: bars.map((b) => b.low),
    close: bars.map((b) => b.close),
    volume: bars.map((b) => b.volume),
    value: bars.map((b) => b.value ?? 0),
  };
}
