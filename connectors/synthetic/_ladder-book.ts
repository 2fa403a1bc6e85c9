/**
 * A 10-level book on the SET tick ladder: best bid and ask in satang, sizes in
 * board lots, every level one tick from the next. Seeded changes only.
 *
 * @module
 */

import type { BookEvent, BookFlag, BookLevel, QuoteEvent } from "../../src/events.ts";
import type { Rng } from "./_prng.ts";
import { SOURCE, type Stamp } from "./_session.ts";
import { tickDown, tickUp } from "./_ticks.ts";

/** Levels per side. */
export const LEVELS = 10;
/** Shares per board lot. */
export const LOT = 100;

/** One instrument's visible book. */
export class LadderBook {
  readonly #rng: Rng;
  readonly #lotScale: number;
  readonly #bidLots = new Int32Array(LEVELS);
  readonly #askLots = new Int32Array(LEVELS);
  #bid = 0;
  #ask = 0;

  /**
   * @param rng The instrument's random stream.
   * @param lotScale Typical level size, lots.
   */
  constructor(rng: Rng, lotScale: number) {
    this.#rng = rng;
    this.#lotScale = lotScale;
  }

  /** Best bid, satang. */
  get bid(): number {
    return this.#bid;
  }

  /** Best ask, satang. */
  get ask(): number {
    return this.#ask;
  }

  /** @returns A plausible level size, lots (1 to twice the typical size). */
  newLots(): number {
    return 1 + this.#rng.int(2 * this.#lotScale);
  }

  /** @param bid New best bid; the ask goes one tick up and every level gets a fresh size. */
  setTouch(bid: number): void {
    this.#bid = bid;
    this.#ask = tickUp(bid);
    for (let i = 0; i < LEVELS; i++) this.#bidLots[i] = this.newLots();
    for (let i = 0; i < LEVELS; i++) this.#askLots[i] = this.newLots();
  }

  /** @param buy `true` for the ask side (what a buyer takes). @returns Lots at that touch. */
  touchLots(buy: boolean): number {
    return (buy ? this.#askLots : this.#bidLots)[0]!;
  }

  /**
   * Takes lots from the touch; an emptied level is replaced from one tick further out.
   * @param buy `true` to take from the ask.
   * @param lots At most {@link LadderBook.touchLots}.
   */
  take(buy: boolean, lots: number): void {
    const side = buy ? this.#askLots : this.#bidLots;
    side[0] = side[0]! - lots;
    if (side[0] !== 0) return;
    if (buy) this.#ask = tickUp(this.#ask);
    else this.#bid = tickDown(this.#bid);
    side.copyWithin(0, 1);
    side[LEVELS - 1] = this.newLots();
  }

  /** Changes the size of one random level. @returns Whether it was a best level. */
  resize(): boolean {
    const side = this.#rng.int(2) === 0 ? this.#bidLots : this.#askLots;
    const i = this.#rng.int(LEVELS);
    const delta = 1 + this.#rng.int(this.#lotScale);
    side[i] = this.#rng.int(2) === 0
      ? Math.min(side[i]! + delta, 20 * this.#lotScale)
      : Math.max(1, side[i]! - delta);
    return i === 0;
  }

  /** Adds a best level inside the spread. @returns `false` (and does nothing) when the spread is one tick. */
  improve(): boolean {
    if (tickUp(this.#bid) >= this.#ask) return false;
    const side = this.#rng.int(2) === 0 ? this.#bidLots : this.#askLots;
    if (side === this.#bidLots) this.#bid = tickUp(this.#bid);
    else this.#ask = tickDown(this.#ask);
    side.copyWithin(1, 0, LEVELS - 1);
    side[0] = this.newLots();
    return true;
  }

  /**
   * Withdraws the best level of a random side.
   * @param floor Lowest allowed best bid, satang.
   * @param ceiling Highest allowed best ask, satang.
   * @returns `false` (and does nothing) when that would pass the floor or ceiling.
   */
  cancel(floor: number, ceiling: number): boolean {
    const bidSide = this.#rng.int(2) === 0;
    if (bidSide ? tickDown(this.#bid) < floor : tickUp(this.#ask) > ceiling) return false;
    const side = bidSide ? this.#bidLots : this.#askLots;
    if (bidSide) this.#bid = tickDown(this.#bid);
    else this.#ask = tickUp(this.#ask);
    side.copyWithin(0, 1);
    side[LEVELS - 1] = this.newLots();
    return true;
  }

  /**
   * @param symbol Instrument.
   * @param s Shared fields.
   * @param flag Session flag; anything but `"normal"` shows prices 0 and the auction volumes.
   * @param buyVol Auction buy volume, shares.
   * @param sellVol Auction sell volume, shares.
   * @returns The top of book.
   */
  quote(symbol: string, s: Stamp, flag: BookFlag, buyVol: number, sellVol: number): QuoteEvent {
    const normal = flag === "normal";
    return {
      type: "quote",
      source: SOURCE,
      symbol,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      bid: normal ? this.#bid / 100 : 0,
      ask: normal ? this.#ask / 100 : 0,
      bidSize: normal ? this.#bidLots[0]! * LOT : buyVol,
      askSize: normal ? this.#askLots[0]! * LOT : sellVol,
      bidFlag: flag,
      askFlag: flag,
    };
  }

  /**
   * @param symbol Instrument.
   * @param s Shared fields.
   * @param flag Session flag; anything but `"normal"` shows prices 0 and the auction volumes.
   * @param buyVol Auction buy volume, shares.
   * @param sellVol Auction sell volume, shares.
   * @returns The 10-level book.
   */
  book(symbol: string, s: Stamp, flag: BookFlag, buyVol: number, sellVol: number): BookEvent {
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    if (flag === "normal") {
      for (let i = 0, p = this.#bid; i < LEVELS; i++, p = tickDown(p)) {
        bids.push({ price: p / 100, size: this.#bidLots[i]! * LOT });
      }
      for (let i = 0, p = this.#ask; i < LEVELS; i++, p = tickUp(p)) {
        asks.push({ price: p / 100, size: this.#askLots[i]! * LOT });
      }
    } else {
      bids.push({ price: 0, size: buyVol });
      asks.push({ price: 0, size: sellVol });
      for (let i = 1; i < LEVELS; i++) {
        bids.push({ price: 0, size: 0 });
        asks.push({ price: 0, size: 0 });
      }
    }
    return {
      type: "book",
      source: SOURCE,
      symbol,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      bids,
      asks,
      bidFlag: flag,
      askFlag: flag,
    };
  }
}
