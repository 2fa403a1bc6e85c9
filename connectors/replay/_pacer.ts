/**
 * Pacing and time stamping of a replay. Each pass is anchored at its first
 * record: recorded monotonic time `rec` is due at `anchorReal + (rec - anchorRec) / speed`
 * on the clock, and is stamped `rec + offset`, where the offset puts the first
 * record on the clock's "now" (and never before a time already stamped), so the
 * recorded gaps are kept exactly. A recorded time that goes backwards (a new part
 * from another process) re-anchors.
 *
 * @module
 */

import type { Clock, TimerHandle } from "../../src/clock.ts";

/** Shortest wait worth a timer, ms. */
const MIN_WAIT_MS = 1;

/** The pacing state of one replay connector. */
export class Pacer {
  /** Latest monotonic time stamped so far. */
  lastMono: number = -Infinity;
  readonly #clock: Clock;
  readonly #speed: number;
  #anchorReal = 0;
  #anchorRec = Number.NaN;
  #offset = 0;
  #lastRec = -Infinity;
  #timer: TimerHandle | undefined;
  #wake: (() => void) | undefined;

  /**
   * @param clock The context's clock.
   * @param speed Speed factor, or 0 for no pacing (`"max"`).
   */
  constructor(clock: Clock, speed: number) {
    this.#clock = clock;
    this.#speed = speed;
  }

  /** Forgets the anchor: the next record starts a new pass. */
  reset(): void {
    this.#anchorRec = Number.NaN;
    this.#lastRec = -Infinity;
  }

  /**
   * Takes the next record's recorded time.
   * @param rec Recorded `recvMono`.
   * @returns How long to wait before delivering it, ms (0 when due or unpaced).
   */
  next(rec: number): number {
    if (rec < this.#lastRec || Number.isNaN(this.#anchorRec)) {
      const now = this.#clock.mono();
      this.#anchorReal = now;
      this.#anchorRec = rec;
      this.#offset = Math.max(now, this.lastMono) - rec;
    }
    this.#lastRec = rec;
    if (this.#speed === 0) return 0;
    const wait = this.#anchorReal + (rec - this.#anchorRec) / this.#speed - this.#clock.mono();
    return wait >= MIN_WAIT_MS ? wait : 0;
  }

  /**
   * @param rec Recorded `recvMono` of the record just taken.
   * @returns The monotonic time to stamp on it.
   */
  stamp(rec: number): number {
    const mono = rec + this.#offset;
    if (mono > this.lastMono) this.lastMono = mono;
    return mono;
  }

  /** @returns The clock's monotonic time, never before a time already stamped. */
  now(): number {
    return Math.max(this.#clock.mono(), this.lastMono);
  }

  /**
   * Waits on the clock; {@link Pacer.cancel} ends the wait early.
   * @param ms Milliseconds.
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      }, ms);
    });
  }

  /** Cancels a pending wait (it resolves at once). */
  cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
