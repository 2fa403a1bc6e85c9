/**
 * One simulated SET instrument: a 10-level book on the tick ladder, trades at
 * the touch, day statistics, a 1-minute bar and the ATO/ATC call auctions.
 * State is integer satang and board lots; events are built only on request.
 *
 * @module
 */

import type {
  BarEvent,
  BookEvent,
  InfoEvent,
  QuoteEvent,
  TradeEvent,
  TradeSide,
} from "../../src/events.ts";
import type { SessionPhase } from "./_options.ts";
import { Rng } from "./_prng.ts";
import { LadderBook, LOT } from "./_ladder-book.ts";
import { MinuteBar } from "./_minute-bar.ts";
import { PHASE_FLAG, PHASE_STATUS, SOURCE, type Stamp } from "./_session.ts";
import { snapDown, snapUp, tickDown, tickSatang, tickUp } from "./_ticks.ts";

/** Step result bits: what changed. */
export const TRADED = 1;
export const TOP = 2;
export const BOOK = 4;
export const INFO = 8;

/** Initial price bands (satang, lower inclusive, upper exclusive): 1.50 to 400 THB. */
const START_BANDS: readonly (readonly [number, number])[] = [
  [150, 200],
  [200, 500],
  [500, 1_000],
  [1_000, 2_500],
  [2_500, 10_000],
  [10_000, 20_000],
  [20_000, 40_000],
];

/** A simulated instrument. */
export class SymbolSim {
  readonly symbol: string;
  readonly #rng: Rng;
  readonly #lotScale: number;
  readonly #prevClose: number;
  readonly #floor: number;
  readonly #ceiling: number;
  #phase: SessionPhase = "normal";
  readonly #book: LadderBook;
  #last: number;
  #high = 0;
  #low = 0;
  #volume = 0;
  #value = 0;
  #trades = 0;
  #tradePx = 0;
  #tradeSize = 0;
  #tradeSide: TradeSide = "unknown";
  readonly #bar = new MinuteBar();
  #buyVol = 0;
  #sellVol = 0;
  #projected = 0;

  /**
   * @param symbol Upper-case symbol.
   * @param seed Feed seed; the symbol picks an independent stream.
   */
  constructor(symbol: string, seed: number) {
    this.symbol = symbol;
    const rng = (this.#rng = new Rng(seed, symbol));
    const [lo, hi] = START_BANDS[rng.int(START_BANDS.length)]!;
    const tick = tickSatang(lo);
    this.#prevClose = lo + rng.int((hi - lo) / tick) * tick;
    this.#floor = snapUp(Math.ceil((this.#prevClose * 7) / 10));
    this.#ceiling = snapDown(Math.floor((this.#prevClose * 13) / 10));
    this.#lotScale = Math.max(1, Math.round(5_000_000 / this.#prevClose));
    this.#book = new LadderBook(rng, this.#lotScale);
    this.#last = this.#prevClose;
    let bid = this.#prevClose;
    for (let n = rng.int(5) - 2; n !== 0; n += n > 0 ? -1 : 1) {
      bid = n > 0 ? tickUp(bid) : tickDown(bid);
    }
    this.#book.setTouch(bid);
  }

  /**
   * Advances the instrument by one update.
   * @param phase Session phase now.
   * @param ts Exchange time of the update, epoch ms.
   * @returns Bits {@link TRADED} (trade and bar), {@link TOP}, {@link BOOK}, {@link INFO}.
   */
  step(phase: SessionPhase, ts: number): number {
    const prev = this.#phase;
    this.#phase = phase;
    if (phase !== "normal") return this.#auction(prev !== phase);
    if (prev !== "normal") return this.#uncross(ts);
    const r = this.#rng.int(100);
    if (r < 30) return this.#trade(ts);
    if (r < 65) return this.#resize();
    if (r < 85) return this.#improve();
    return this.#cancel();
  }

  #trade(ts: number): number {
    const buy = this.#rng.int(2) === 0;
    const book = this.#book;
    const atLimit = buy ? book.ask >= this.#ceiling : book.bid <= this.#floor;
    const available = book.touchLots(buy) - (atLimit ? 1 : 0);
    if (available < 1) return this.#resize();
    const size = 1 + this.#rng.int(Math.min(available, Math.ceil(this.#lotScale / 3)));
    this.#record(buy ? book.ask : book.bid, size * LOT, buy ? "buy" : "sell", ts);
    book.take(buy, size);
    return TRADED | TOP | BOOK | INFO;
  }

  #resize(): number {
    return this.#book.resize() ? TOP | BOOK : BOOK;
  }

  /** A new best level inside the spread (when it is wider than one tick). */
  #improve(): number {
    return this.#book.improve() ? TOP | BOOK : this.#resize();
  }

  /** The best level of one side is withdrawn (not past the daily floor or ceiling). */
  #cancel(): number {
    return this.#book.cancel(this.#floor, this.#ceiling) ? TOP | BOOK : this.#resize();
  }

  /** A call-auction update: orders accumulate, the projected price wanders. */
  #auction(entered: boolean): number {
    if (entered) {
      this.#buyVol = 0;
      this.#sellVol = 0;
      this.#projected = this.#last;
    }
    const shares = this.#book.newLots() * LOT;
    if (this.#rng.int(2) === 0) this.#buyVol += shares;
    else this.#sellVol += shares;
    const move = this.#rng.int(10);
    if (move === 0 && tickUp(this.#projected) <= this.#ceiling) {
      this.#projected = tickUp(this.#projected);
    } else if (move === 1 && tickDown(this.#projected) >= this.#floor) {
      this.#projected = tickDown(this.#projected);
    }
    return TOP | BOOK | INFO;
  }

  /** Leaving a call auction: the matched volume trades at the projected price. */
  #uncross(ts: number): number {
    const matched = Math.min(this.#buyVol, this.#sellVol);
    this.#buyVol = 0;
    this.#sellVol = 0;
    const p = this.#projected;
    this.#book.setTouch(p < this.#ceiling ? p : tickDown(p));
    if (matched === 0) return TOP | BOOK | INFO;
    this.#record(p, matched, "unknown", ts);
    return TRADED | TOP | BOOK | INFO;
  }

  #record(px: number, shares: number, side: TradeSide, ts: number): void {
    this.#tradePx = px;
    this.#tradeSize = shares;
    this.#tradeSide = side;
    this.#trades++;
    this.#last = px;
    if (this.#volume === 0 || px > this.#high) this.#high = px;
    if (this.#volume === 0 || px < this.#low) this.#low = px;
    this.#volume += shares;
    this.#value += px * shares;
    this.#bar.add(px, shares, ts);
  }

  /** @param s Shared fields. @returns The top of book now. */
  quote(s: Stamp): QuoteEvent {
    return this.#book.quote(this.symbol, s, PHASE_FLAG[this.#phase], this.#buyVol, this.#sellVol);
  }

  /** @param s Shared fields. @returns The 10-level book now. */
  book(s: Stamp): BookEvent {
    return this.#book.book(this.symbol, s, PHASE_FLAG[this.#phase], this.#buyVol, this.#sellVol);
  }

  /** @param s Shared fields. @returns The last trade. */
  trade(s: Stamp): TradeEvent {
    return {
      type: "trade",
      source: SOURCE,
      symbol: this.symbol,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      price: this.#tradePx / 100,
      size: this.#tradeSize,
      side: this.#tradeSide,
      tradeId: `${this.symbol}-${this.#trades}`,
    };
  }

  /** @param s Shared fields. @returns The open 1-minute bar. */
  bar(s: Stamp): BarEvent {
    return this.#bar.event(this.symbol, s);
  }

  /**
   * @param s Shared fields.
   * @returns The instrument summary now (with the projected open during a call auction).
   */
  info(s: Stamp): InfoEvent {
    const auction = this.#phase !== "normal";
    return {
      type: "info",
      source: SOURCE,
      symbol: this.symbol,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      last: this.#last / 100,
      high: this.#high / 100,
      low: this.#low / 100,
      change: (this.#last - this.#prevClose) / 100,
      totalVolume: this.#volume,
      totalValue: this.#value / 100,
      projectedOpenPrice: auction ? this.#projected / 100 : undefined,
      projectedOpenVolume: auction ? Math.min(this.#buyVol, this.#sellVol) : undefined,
      marketStatus: PHASE_STATUS[this.#phase],
    };
  }
}
