/**
 * One simulated market (e.g. `SET`): an index level wandering by hundredths of a
 * point, with day range and traded totals.
 *
 * @module
 */

import type { MarketStatusEvent } from "../../src/events.ts";
import type { SessionPhase } from "./_options.ts";
import { Rng } from "./_prng.ts";
import { PHASE_STATUS, SOURCE, type Stamp } from "./_session.ts";

/** A simulated market index. */
export class MarketSim {
  readonly name: string;
  readonly #rng: Rng;
  readonly #prevClose: number;
  #phase: SessionPhase = "normal";
  #level: number;
  #high: number;
  #low: number;
  #volume = 0;
  #value = 0;

  /**
   * @param name Market name, upper case.
   * @param seed Feed seed; the market picks an independent stream.
   */
  constructor(name: string, seed: number) {
    this.name = name;
    this.#rng = new Rng(seed, `market:${name}`);
    this.#prevClose = 120_000 + this.#rng.int(40_001);
    this.#level = this.#high = this.#low = this.#prevClose;
  }

  /**
   * Advances the market by one update (the index moves only in the normal session).
   * @param phase Session phase now.
   */
  step(phase: SessionPhase): void {
    this.#phase = phase;
    if (phase !== "normal") return;
    this.#level += this.#rng.int(21) - 10;
    if (this.#level > this.#high) this.#high = this.#level;
    if (this.#level < this.#low) this.#low = this.#level;
    const shares = 100 * (1 + this.#rng.int(1_000));
    this.#volume += shares;
    this.#value += shares * (1 + this.#rng.int(50));
  }

  /** @param s Shared fields. @returns The market's status and index now. */
  event(s: Stamp): MarketStatusEvent {
    const change = this.#level - this.#prevClose;
    return {
      type: "market",
      source: SOURCE,
      symbol: this.name,
      seq: s.seq,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      exchTs: s.exchTs,
      market: this.name,
      status: PHASE_STATUS[this.#phase],
      current: this.#level / 100,
      high: this.#high / 100,
      low: this.#low / 100,
      change: change / 100,
      percentChange: Math.round((change * 10_000) / this.#prevClose) / 100,
      totalVolume: this.#volume,
      totalValue: this.#value,
    };
  }
}
