/**
 * Conflation: put it in front of a sink slower than its source. Each key (for
 * example `quote:PTT`) holds only its latest value until it is taken, a key is
 * taken at most `maxPerSecond` times a second, and a value older than
 * `maxAgeMs` when its turn comes is dropped and counted as expired. Memory is
 * bounded by the number of keys, never by the source's rate.
 *
 * @module
 */

import { type Clock, systemClock } from "./clock.ts";

/** Options of {@link Conflator}. */
export interface ConflateOptions {
  /**
   * Most values taken per key per second (a token bucket of one: the first value
   * of a quiet key goes at once). `Infinity` takes every key as soon as asked.
   * @default Infinity
   */
  readonly maxPerSecond?: number;
  /**
   * A value waiting longer than this (monotonic ms since it was offered, or since
   * the time given to {@link Conflator.offer}) is dropped when its turn comes, and
   * counted in `expired`.
   * @default Infinity
   */
  readonly maxAgeMs?: number;
  /**
   * Most keys held at once; a value for a new key beyond it is refused and
   * counted in `dropped`. Remove keys with {@link Conflator.delete}.
   * @default Infinity
   */
  readonly maxKeys?: number;
  /** Monotonic time source (tests pass a `ManualClock`). @default systemClock */
  readonly clock?: Clock;
}

/** Counters of a {@link Conflator}, all since it was created. */
export interface ConflateCounters {
  /** Values offered. */
  readonly offered: number;
  /** Values replaced by a newer one of the same key before they were taken. */
  readonly conflated: number;
  /** Values taken. */
  readonly taken: number;
  /** Values dropped because they were older than `maxAgeMs` when their turn came. */
  readonly expired: number;
  /** Values refused because `maxKeys` keys were held already. */
  readonly dropped: number;
  /** Keys with a value waiting now. */
  readonly pending: number;
}

interface Slot<T> {
  readonly key: string;
  value: T | undefined;
  pending: boolean;
  /** Monotonic time the waiting value counts its age from. */
  at: number;
  /** Monotonic time from which the key may be taken again. */
  nextAt: number;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) {
    throw new RangeError(`[conflate] ${name} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Latest-wins per key, with a per-key rate limit and a maximum age.
 *
 * Keys are taken in the order they started waiting (a key replaced while
 * waiting keeps its place), so a busy key cannot starve a quiet one.
 *
 * @example Conflating quotes for a slow consumer
 * ```ts
 * import { Conflator, ManualClock } from "@tickwire/tickwire";
 * const clock = new ManualClock();
 * const c = new Conflator<number>({ maxPerSecond: 10, clock });
 * c.offer("PTT", 1);
 * c.offer("PTT", 2); // replaces 1
 * c.offer("AOT", 7);
 * console.log(c.take()); // [2, 7]
 * c.offer("PTT", 3);
 * console.log(c.take(), c.nextReadyInMs()); // [] 100 (PTT waits for its rate)
 * clock.advance(100);
 * console.log(c.take(), c.counters().conflated); // [3] 1
 * ```
 */
export class Conflator<T> {
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #maxAge: number;
  readonly #maxKeys: number;
  readonly #slots = new Map<string, Slot<T>>();
  /** Waiting slots, oldest first. */
  #queue: Slot<T>[] = [];
  /** The array `take` rebuilds the queue into (swapped, never reallocated). */
  #spare: Slot<T>[] = [];
  #offered = 0;
  #conflated = 0;
  #taken = 0;
  #expired = 0;
  #dropped = 0;

  /**
   * Creates an empty conflator.
   * @param options Rate, age and key limits. @default {}
   * @throws RangeError for a negative or non-numeric limit.
   */
  constructor(options: ConflateOptions = {}) {
    const rate = nonNegative("maxPerSecond", options.maxPerSecond ?? Infinity);
    if (rate === 0) throw new RangeError("[conflate] maxPerSecond must be > 0, got 0");
    this.#interval = 1000 / rate;
    this.#maxAge = nonNegative("maxAgeMs", options.maxAgeMs ?? Infinity);
    this.#maxKeys = nonNegative("maxKeys", options.maxKeys ?? Infinity);
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Offers the latest value of a key: it replaces the value waiting for that key, if any.
   * @param key The key (e.g. `"quote:PTT"`).
   * @param value The value.
   * @param at Monotonic time its age counts from. @default now
   * @returns `false` when refused (a new key beyond `maxKeys`), else `true`.
   */
  offer(key: string, value: T, at: number = this.#clock.mono()): boolean {
    this.#offered++;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      if (this.#slots.size >= this.#maxKeys) {
        this.#dropped++;
        return false;
      }
      slot = { key, value: undefined, pending: false, at, nextAt: -Infinity };
      this.#slots.set(key, slot);
    }
    if (slot.pending) this.#conflated++;
    else {
      slot.pending = true;
      this.#queue.push(slot);
    }
    slot.value = value;
    slot.at = at;
    return true;
  }

  /**
   * Takes the values whose keys may go now, oldest waiting first; keys held back by
   * their rate stay waiting, and values past `maxAgeMs` are dropped and counted.
   * @param max Most values taken. @default Infinity
   * @param out Array the values are appended to. @default a new array
   * @returns `out`, with the values taken appended.
   */
  take(max: number = Infinity, out: T[] = []): T[] {
    const queue = this.#queue;
    if (queue.length === 0) return out;
    const now = this.#clock.mono();
    const kept = this.#spare;
    let n = 0;
    for (let i = 0; i < queue.length; i++) {
      const slot = queue[i];
      if (!slot.pending) continue; // deleted while waiting
      if (now - slot.at > this.#maxAge) {
        this.#expired++;
        slot.pending = false;
        slot.value = undefined;
      } else if (n >= max || slot.nextAt > now) {
        kept.push(slot);
      } else {
        out.push(slot.value as T);
        n++;
        slot.pending = false;
        slot.value = undefined;
        // A token bucket of one: a late take does not shift the schedule, an idle key restarts it.
        slot.nextAt = (slot.nextAt > now - this.#interval ? slot.nextAt : now) + this.#interval;
      }
    }
    this.#taken += n;
    queue.length = 0;
    this.#spare = queue;
    this.#queue = kept;
    return out;
  }

  /**
   * When the next value may be taken.
   * @returns 0 when one may be taken now, the milliseconds until the first
   *   rate-held key frees, or `Infinity` when nothing waits.
   */
  nextReadyInMs(): number {
    const now = this.#clock.mono();
    let next = Infinity;
    for (const slot of this.#queue) {
      if (!slot.pending) continue;
      if (slot.nextAt <= now || now - slot.at > this.#maxAge) return 0;
      if (slot.nextAt - now < next) next = slot.nextAt - now;
    }
    return next;
  }

  /**
   * Forgets a key and the value waiting for it (for example on unsubscribe).
   * @param key The key.
   * @returns Whether the key was held.
   */
  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    slot.pending = false;
    slot.value = undefined;
    this.#slots.delete(key);
    if (this.#queue.length > 64 && this.#queue.length > 2 * this.#slots.size) this.#compact();
    return true;
  }

  /** Forgets every key and waiting value; the counters stay. */
  clear(): void {
    for (const slot of this.#slots.values()) {
      slot.pending = false;
      slot.value = undefined;
    }
    this.#slots.clear();
    this.#queue.length = 0;
  }

  #compact(): void {
    this.#queue = this.#queue.filter((s) => s.pending);
  }

  /** Keys with a value waiting now. */
  get pending(): number {
    let n = 0;
    for (const slot of this.#queue) if (slot.pending) n++;
    return n;
  }

  /** Keys held (waiting or not). */
  get keys(): number {
    return this.#slots.size;
  }

  /**
   * Reads the counters.
   * @returns Offered, conflated, taken, expired, dropped and pending.
   */
  counters(): ConflateCounters {
    return {
      offered: this.#offered,
      conflated: this.#conflated,
      taken: this.#taken,
      expired: this.#expired,
      dropped: this.#dropped,
      pending: this.pending,
    };
  }
}
