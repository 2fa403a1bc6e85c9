/**
 * The bounded dispatcher: a preallocated ring between connectors (which push)
 * and consumers (which pull with `shift()`, `poll()` or `for await`).
 *
 * ## Counters
 *
 * Every counter is exact, and at every quiet point
 * `pushed - dropped - polled === size`:
 *
 * - `pushed`: every event offered to {@link Dispatcher.push} while open, stored or not.
 *   A push after {@link Dispatcher.close} is refused and not counted.
 * - `dropped`: events lost to the overflow policy (an evicted oldest event or a
 *   refused newest one).
 * - `polled`: events handed out by `shift()`, `poll()` or an iterator.
 * - `highWater`: the largest `size` ever observed.
 * - `dropRateEma`: exponential moving average of `dropped / pushed` per call of
 *   {@link Dispatcher.sampleDropRate}.
 *
 * ## Overflow policies
 *
 * The queue is full when `size >= capacity`. A market event arriving then is handled by
 * the policy:
 *
 * - `"drop-oldest"` (default): the oldest market event is evicted to make room
 *   and `push` returns `true`. Status events at the head stay in front. If the
 *   queue holds only status events, the incoming event is dropped instead.
 * - `"drop-newest"`: the incoming event is counted as pushed and dropped, is not
 *   stored, and `push` returns `false`.
 * - `"block"`: nothing is ever dropped. `push` stores the event and returns
 *   `false` once the queue is full; a producer that honours backpressure (replay,
 *   synthetic at maximum rate) then awaits `drain()` before producing more, so the
 *   queue never exceeds its capacity. A producer that ignores it grows the queue
 *   without bound.
 *
 * Status events (`type: "status"`) are neither dropped nor evicted, under any
 * policy: when the queue is full one is stored anyway, growing the ring if needed,
 * so `size` may exceed `capacity` for a while.
 *
 * @module
 */

import { DropRateMonitor } from "./_drop-rate.ts";
import { EventRing } from "./_event-ring.ts";
import type { FeedEvent } from "./events.ts";
import { type Logger, silentLogger } from "./log.ts";

/** What the dispatcher does with a market event that arrives when the queue is full. */
export type OverflowPolicy = "drop-oldest" | "drop-newest" | "block";

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  /** Logical capacity in events: an integer from 1 to 2^30. @default 100_000 */
  capacity?: number;
  /** What to do when the queue is full. @default "drop-oldest" */
  overflow?: OverflowPolicy;
  /** Drop rate (0..1) of the EMA above which one warning is logged. @default 0.01 */
  dropWarnThreshold?: number;
  /** Smoothing factor (0 < alpha <= 1) of the drop-rate EMA, per sample. @default 0.3 */
  emaAlpha?: number;
  /** Where the drop-rate warning goes. @default silentLogger */
  logger?: Logger;
}

/** A snapshot of a dispatcher's counters. */
export interface DispatcherCounters {
  /** Events offered while open (stored or dropped). */
  readonly pushed: number;
  /** Events lost to the overflow policy. */
  readonly dropped: number;
  /** Events handed to consumers. */
  readonly polled: number;
  /** Events queued now. */
  readonly size: number;
  /** Logical capacity. */
  readonly capacity: number;
  /** Largest size ever observed. */
  readonly highWater: number;
  /** Last value of the drop-rate EMA. */
  readonly dropRateEma: number;
}

const POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "drop-newest", "block"];
const MAX_CAPACITY = 2 ** 30;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function checkFraction(name: string, value: unknown, min: number, minIncluded: boolean): number {
  if (typeof value !== "number") {
    throw new TypeError(`[dispatcher] ${name} must be a number, got ${show(value)}`);
  }
  if (!(minIncluded ? value >= min : value > min) || !(value <= 1)) {
    const range = minIncluded ? `from ${min} to 1` : `above ${min} and at most 1`;
    throw new RangeError(`[dispatcher] ${name} must be ${range}, got ${show(value)}`);
  }
  return value;
}

/**
 * A bounded FIFO of {@link FeedEvent}s with an overflow policy, exact counters and
 * async iteration. See the module documentation for the counters and policies.
 *
 * Pushing and shifting allocate nothing: the ring is preallocated (its length is the
 * next power of two at or above `capacity`; it only grows, by doubling, when status
 * events or `"block"` take it past that) and freed slots are cleared so events can be
 * collected. Several iterators may run at once; each event goes to exactly one.
 *
 * @example Pushing and polling
 * ```ts
 * import { Dispatcher } from "@tickwire/tickwire";
 * const d = new Dispatcher({ capacity: 2 });
 * const ev = { type: "status", kind: "connected", source: "x", epoch: 0, recvTs: 0, recvMono: 0 } as const;
 * d.push(ev);
 * console.log(d.poll().length, d.counters().polled); // 1 1
 * ```
 */
export class Dispatcher {
  /** Logical capacity in events. */
  readonly capacity: number;
  /** The overflow policy. */
  readonly overflow: OverflowPolicy;
  readonly #ring: EventRing;
  readonly #dropRate: DropRateMonitor;
  #pushed = 0;
  #dropped = 0;
  #polled = 0;
  #highWater = 0;
  #closed = false;
  #error: Error | undefined = undefined;
  #readable: Promise<void> | undefined = undefined;
  #wakeReadable: (() => void) | undefined = undefined;
  #drained: Promise<void> | undefined = undefined;
  #wakeDrained: (() => void) | undefined = undefined;

  /**
   * Creates an empty, open queue.
   * @param options Capacity, overflow policy and drop-rate warning settings.
   * @throws RangeError when `capacity`, `dropWarnThreshold` or `emaAlpha` is out of range.
   * @throws TypeError when `overflow` is not a known policy or an option has the wrong type.
   */
  constructor(options: DispatcherOptions = {}) {
    const capacity = options.capacity ?? 100_000;
    if (typeof capacity !== "number") {
      throw new TypeError(`[dispatcher] capacity must be a number, got ${show(capacity)}`);
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      throw new RangeError(
        `[dispatcher] capacity must be an integer from 1 to ${MAX_CAPACITY}, got ${show(capacity)}`,
      );
    }
    const overflow = options.overflow ?? "drop-oldest";
    if (!POLICIES.includes(overflow)) {
      throw new TypeError(
        `[dispatcher] unknown overflow policy ${show(overflow)}; expected ${
          POLICIES.map((p) => `"${p}"`).join(", ")
        }`,
      );
    }
    this.capacity = capacity;
    this.overflow = overflow;
    this.#dropRate = new DropRateMonitor({
      logger: options.logger ?? silentLogger,
      threshold: checkFraction("dropWarnThreshold", options.dropWarnThreshold ?? 0.01, 0, true),
      alpha: checkFraction("emaAlpha", options.emaAlpha ?? 0.3, 0, false),
      policy: overflow,
      capacity,
    });
    this.#ring = new EventRing(capacity);
  }

  /** Events queued now (may exceed `capacity` with status events or under `block`). */
  get size(): number {
    return this.#ring.size;
  }

  /** Events offered while open, stored or dropped. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Events lost to the overflow policy. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events handed to consumers. */
  get polled(): number {
    return this.#polled;
  }

  /** Whether {@link Dispatcher.close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Offers one event. Status events are always stored; a market event that finds the
   * queue full is handled by the overflow policy.
   *
   * @param ev The event (stored as is, not copied).
   * @returns `true` when the event was stored (under `"drop-oldest"`, possibly by
   *   evicting an older one). `false` when it was dropped (`"drop-newest"`), refused
   *   because the dispatcher is closed, or, under `"block"`, stored but the queue is
   *   now full: await {@link Dispatcher.drain} before pushing more, and the queue
   *   never exceeds its capacity.
   * @example Backpressure under "block"
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher({ capacity: 1, overflow: "block" });
   * const ev = { type: "status", kind: "connected", source: "x", epoch: 0, recvTs: 0, recvMono: 0 } as const;
   * console.log(d.push(ev), d.push(ev), d.size); // false false 2
   * ```
   */
  push(ev: FeedEvent): boolean {
    if (this.#closed) return false;
    this.#pushed++;
    const ring = this.#ring;
    const block = this.overflow === "block";
    if (!block && ring.size >= this.capacity && ev.type !== "status") {
      this.#dropped++;
      if (this.overflow === "drop-newest" || !ring.evictOldestMarket()) return false;
    }
    const size = ring.push(ev);
    if (size > this.#highWater) this.#highWater = size;
    if (this.#wakeReadable !== undefined) this.#wakeReaders();
    return !block || size < this.capacity;
  }

  /**
   * Takes the oldest event. Allocates nothing.
   *
   * @returns The oldest event, or `undefined` when the queue is empty.
   * @example
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher();
   * console.log(d.shift()); // undefined
   * ```
   */
  shift(): FeedEvent | undefined {
    const ev = this.#ring.shift();
    if (ev === undefined) return undefined;
    this.#polled++;
    if (this.#wakeDrained !== undefined && this.#ring.size < this.capacity) this.#wakeDrainers();
    return ev;
  }

  /**
   * Takes up to `max` events, oldest first.
   *
   * @param max Most events to take: a non-negative integer or `Infinity`. @default Infinity
   * @returns The events taken (empty when the queue is).
   * @throws RangeError when `max` is negative, NaN or not an integer.
   * @example Taking a batch
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher();
   * console.log(d.poll(100)); // []
   * ```
   */
  poll(max: number = Infinity): FeedEvent[] {
    if (!(max >= 0) || (max !== Infinity && !Number.isInteger(max))) {
      throw new RangeError(
        `[dispatcher] poll max must be a non-negative integer, got ${show(max)}`,
      );
    }
    const size = this.#ring.size;
    const out = this.#ring.take(max < size ? max : size);
    this.#polled += out.length;
    if (this.#wakeDrained !== undefined && this.#ring.size < this.capacity) this.#wakeDrainers();
    return out;
  }

  /**
   * Waits until the queue has room.
   *
   * @returns A promise resolved when `size < capacity` (at once if it already is) or
   *   when the dispatcher is closed. Never rejects.
   * @example A producer honouring backpressure while a consumer polls
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher({ capacity: 2, overflow: "block" });
   * const ev = { type: "status", kind: "connected", source: "x", epoch: 0, recvTs: 0, recvMono: 0 } as const;
   * // The consumer takes what is queued every 10 ms.
   * let taken = 0;
   * const consumer = setInterval(() => (taken += d.poll(100).length), 10);
   * for (let i = 0; i < 6; i++) {
   *   if (!d.push(ev)) await d.drain(); // the queue is full: wait for the consumer
   * }
   * clearInterval(consumer);
   * console.log(taken + d.size, d.size <= d.capacity); // 6 true
   * ```
   */
  drain(): Promise<void> {
    if (this.#closed || this.#ring.size < this.capacity) return Promise.resolve();
    if (this.#drained === undefined) {
      this.#drained = new Promise<void>((resolve) => {
        this.#wakeDrained = resolve;
      });
    }
    return this.#drained;
  }

  /**
   * Stops accepting events. Idempotent. Queued events can still be taken; iterators
   * end once the queue is empty, and pending {@link Dispatcher.drain} calls resolve.
   *
   * @param error The fatal error that ended the source, if one did: each iterator
   *   throws it once the queue is empty, instead of ending quietly.
   * @example
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher();
   * d.close();
   * console.log(d.closed); // true
   * ```
   */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    if (this.#wakeReadable !== undefined) this.#wakeReaders();
    if (this.#wakeDrained !== undefined) this.#wakeDrainers();
  }

  /**
   * A snapshot of the counters.
   *
   * @returns Counters; `pushed - dropped - polled === size` always holds.
   * @example
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * console.log(new Dispatcher({ capacity: 8 }).counters().capacity); // 8
   * ```
   */
  counters(): DispatcherCounters {
    return {
      pushed: this.#pushed,
      dropped: this.#dropped,
      polled: this.#polled,
      size: this.#ring.size,
      capacity: this.capacity,
      highWater: this.#highWater,
      dropRateEma: this.#dropRate.ema,
    };
  }

  /**
   * Updates the drop-rate EMA with `dropped / pushed` since the previous sample (0
   * when nothing was pushed; the EMA starts at 0). Logs one warning when the EMA
   * rises above `dropWarnThreshold`, and re-arms once it falls below half of it.
   * Call it on a timer (the feed does, once a second).
   *
   * @returns The new EMA, from 0 to 1.
   * @example
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher();
   * console.log(d.sampleDropRate()); // 0
   * ```
   */
  sampleDropRate(): number {
    return this.#dropRate.sample(this.#pushed, this.#dropped);
  }

  /**
   * Iterates over events as they arrive: waits when the queue is empty, wakes on
   * push, and ends once the dispatcher is closed and empty (throwing the error it
   * was closed with, if any, once per iterator). Iterators share the queue
   * (each event goes to one of them); `return()` (or `break`) stops one iterator
   * without closing the dispatcher.
   *
   * @returns An async iterator of events.
   * @example Consuming until close
   * ```ts
   * import { Dispatcher } from "@tickwire/tickwire";
   * const d = new Dispatcher();
   * d.push({ type: "status", kind: "end", source: "x", epoch: 0, recvTs: 0, recvMono: 0 });
   * d.close();
   * for await (const ev of d) console.log(ev.type); // "status"
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<FeedEvent> {
    let stopped = false;
    let waiting = false;
    const next = async (): Promise<IteratorResult<FeedEvent>> => {
      for (;;) {
        if (stopped) return DONE;
        const ev = this.shift();
        if (ev !== undefined) return { value: ev, done: false };
        if (this.#closed) {
          stopped = true;
          if (this.#error !== undefined) throw this.#error;
          return DONE;
        }
        waiting = true;
        await this.#waitReadable();
        waiting = false;
      }
    };
    const stop = (): Promise<IteratorResult<FeedEvent>> => {
      stopped = true;
      if (waiting && this.#wakeReadable !== undefined) this.#wakeReaders();
      return Promise.resolve(DONE);
    };
    return { next, return: stop };
  }

  #waitReadable(): Promise<void> {
    if (this.#readable === undefined) {
      this.#readable = new Promise<void>((resolve) => {
        this.#wakeReadable = resolve;
      });
    }
    return this.#readable;
  }

  #wakeReaders(): void {
    const wake = this.#wakeReadable!;
    this.#wakeReadable = undefined;
    this.#readable = undefined;
    wake();
  }

  #wakeDrainers(): void {
    const wake = this.#wakeDrained!;
    this.#wakeDrained = undefined;
    this.#drained = undefined;
    wake();
  }
}
