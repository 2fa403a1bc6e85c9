/**
 * Pacing: runs the generator in batches, either on the injected clock at a
 * numeric rate or as fast as the consumer takes events (`"max"`), pausing on
 * backpressure and yielding to the event loop between batches.
 *
 * @module
 */

import type { Clock, TimerHandle } from "../../src/clock.ts";
import type { EventSink } from "../../src/connector.ts";
import type { Generator } from "./_generator.ts";

/** Interval between batches at a numeric rate, ms. */
const BATCH_MS = 25;
/** A late batch makes up for at most this much time (after a pause, no burst of more). */
const MAX_CATCH_UP_MS = 10 * BATCH_MS;
/** Most credit (steps) one batch may carry at a numeric rate; caps very high rates. */
const MAX_CREDIT = 10_000;
/** Steps per batch at rate `"max"` before yielding to the event loop. */
const MAX_BATCH_STEPS = 256;

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** What the pump calls back into. */
export interface PumpHooks {
  /** After every step: apply limits and faults (it may call {@link Pump.stop}). */
  afterStep(): void;
  /** A step threw (the sink failed); the pump has already stopped. */
  fail(error: unknown): void;
}

/** Drives a {@link Generator} at a rate. */
export class Pump {
  readonly #rate: number | "max";
  readonly #clock: Clock;
  readonly #sink: EventSink;
  readonly #gen: Generator;
  readonly #hooks: PumpHooks;
  #token = 0;
  #running = false;
  #credit = 0;
  /** Monotonic time the last batch was credited up to. */
  #creditedAt = 0;
  #timer: TimerHandle | undefined;

  /**
   * @param rate Market events per second per participant, or `"max"`.
   * @param clock Timers for numeric rates.
   * @param sink For `drain()` under backpressure.
   * @param gen The generator.
   * @param hooks Callbacks.
   */
  constructor(
    rate: number | "max",
    clock: Clock,
    sink: EventSink,
    gen: Generator,
    hooks: PumpHooks,
  ) {
    this.#rate = rate;
    this.#clock = clock;
    this.#sink = sink;
    this.#gen = gen;
    this.#hooks = hooks;
  }

  /** Starts producing, unless running already or nothing is subscribed. */
  start(): void {
    if (this.#running || this.#gen.active === 0) return;
    this.#running = true;
    const token = ++this.#token;
    if (this.#rate === "max") void this.#runMax(token);
    else {
      this.#creditedAt = this.#clock.mono();
      this.#timer = this.#clock.setTimeout(() => this.#tick(token), BATCH_MS);
    }
  }

  /** Stops producing; takes effect before the next step. */
  stop(): void {
    this.#token++;
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One batch at a numeric rate: credit for `rate` × participants × the time since
   * the last batch, so a timer that fires late (a busy machine) does not lower the rate.
   */
  #tick(token: number): void {
    this.#timer = undefined;
    if (token !== this.#token) return;
    const gen = this.#gen;
    const now = this.#clock.mono();
    const elapsed = Math.min(now - this.#creditedAt, MAX_CATCH_UP_MS);
    this.#creditedAt = now;
    const add = ((this.#rate as number) * gen.active * elapsed) / 1000;
    this.#credit = Math.min(this.#credit + add, MAX_CREDIT);
    try {
      while (this.#credit > 0 && gen.active > 0) {
        this.#credit -= Math.max(1, gen.step());
        this.#hooks.afterStep();
        if (token !== this.#token) return;
      }
    } catch (e) {
      this.stop();
      return this.#hooks.fail(e);
    }
    if (gen.active === 0) this.#running = false;
    else this.#timer = this.#clock.setTimeout(() => this.#tick(token), BATCH_MS);
  }

  /** Rate `"max"`: batches of steps, pausing on backpressure and yielding between batches. */
  async #runMax(token: number): Promise<void> {
    const gen = this.#gen;
    try {
      while (token === this.#token) {
        for (let i = 0; i < MAX_BATCH_STEPS && !gen.pressure; i++) {
          if (gen.active === 0) {
            this.#running = false;
            return;
          }
          gen.step();
          this.#hooks.afterStep();
          if (token !== this.#token) return;
        }
        if (gen.pressure) {
          gen.pressure = false;
          await this.#sink.drain();
        }
        await macrotask();
      }
    } catch (e) {
      this.stop();
      this.#hooks.fail(e);
    }
  }
}
