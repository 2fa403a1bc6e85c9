/**
 * The open 1-minute bar of one instrument, aggregated from its trades by
 * synthetic exchange minute. Integer satang inside.
 *
 * @module
 */

import type { BarEvent } from "../../src/events.ts";
import { SOURCE, type Stamp } from "./_session.ts";

const MINUTE = 60_000;

/** OHLCV of the current minute; a trade in a new minute starts a new bar. */
export class MinuteBar {
  #openTs = -1;
  #open = 0;
  #high = 0;
  #low = 0;
  #close = 0;
  #volume = 0;
  #value = 0;
  #sequence = 0;

  /**
   * Adds one trade.
   * @param px Price, satang.
   * @param shares Size, shares.
   * @param ts Exchange time, epoch ms.
   */
  add(px: number, shares: number, ts: number): void {
    const minute = ts - (ts % MINUTE);
    if (minute !== this.#openTs) {
      this.#openTs = minute;
      this.#open = this.#high = this.#low = px;
      this.#volume = 0;
      this.#value = 0;
    }
    if (px > this.#high) this.#high = px;
    if (px < this.#low) this.#low = px;
    this.#close = px;
    this.#volume += shares;
    this.#value += px * shares;
    this.#sequence++;
  }

  /**
   * @param symbol Instrument.
   * @param s Shared fields.
   * @returns The bar now; `sequence` counts updates.
   */
  event(symbol: string, s: Stamp): BarEvent {
    return {
      type: "bar",
      source: SOURCE,
      symbol,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      interval: "1m",
      openTs: this.#openTs,
      open: this.#open / 100,
      high: this.#high / 100,
      low: this.#low / 100,
      close: this.#close / 100,
      volume: this.#volume,
      value: this.#value / 100,
      sequence: this.#sequence,
    };
  }
}
