/**
 * The dispatcher's storage: a growable ring of events indexed with a mask. Knows
 * nothing of capacity or policies; {@link Dispatcher} decides what goes in.
 *
 * @module
 */

import type { FeedEvent } from "./events.ts";

/** A FIFO ring of events whose length is a power of two; freed slots are cleared. */
export class EventRing {
  #buf: (FeedEvent | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  /** @param minLength Slots to preallocate, rounded up to a power of two. */
  constructor(minLength: number) {
    let length = 1;
    while (length < minLength) length *= 2;
    this.#buf = new Array<FeedEvent | undefined>(length).fill(undefined);
    this.#mask = length - 1;
  }

  /** Events stored. */
  get size(): number {
    return this.#size;
  }

  /** Slots allocated (a power of two, at least `size`). */
  get length(): number {
    return this.#buf.length;
  }

  /**
   * Appends an event, doubling the ring first when every slot is taken.
   * @param ev The event.
   * @returns The new size.
   */
  push(ev: FeedEvent): number {
    if (this.#size === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#size) & this.#mask] = ev;
    return ++this.#size;
  }

  /** @returns The oldest event (its slot cleared), or `undefined` when empty. */
  shift(): FeedEvent | undefined {
    if (this.#size === 0) return undefined;
    const head = this.#head;
    const ev = this.#buf[head];
    this.#buf[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#size--;
    return ev;
  }

  /**
   * Takes the `n` oldest events.
   * @param n How many; at most `size`.
   * @returns The events, oldest first.
   */
  take(n: number): FeedEvent[] {
    const out = new Array<FeedEvent>(n);
    const buf = this.#buf;
    const mask = this.#mask;
    let head = this.#head;
    for (let i = 0; i < n; i++) {
      out[i] = buf[head]!;
      buf[head] = undefined;
      head = (head + 1) & mask;
    }
    this.#head = head;
    this.#size -= n;
    return out;
  }

  /**
   * Removes the oldest market event. The status events in front of it each move one
   * slot forward over it, so they keep their place and order. O(statuses at the head).
   * @returns `false` (and changes nothing) when the ring holds no market event.
   */
  evictOldestMarket(): boolean {
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    const size = this.#size;
    let i = 0;
    while (i < size && buf[(head + i) & mask]!.type === "status") i++;
    if (i === size) return false;
    for (let j = i; j > 0; j--) buf[(head + j) & mask] = buf[(head + j - 1) & mask];
    buf[head] = undefined;
    this.#head = (head + 1) & mask;
    this.#size = size - 1;
    return true;
  }

  /** Doubles the ring, moving the queue to the start of the new array. Rare. */
  #grow(): void {
    const old = this.#buf;
    const length = old.length * 2;
    const buf = new Array<FeedEvent | undefined>(length).fill(undefined);
    for (let i = 0; i < this.#size; i++) buf[i] = old[(this.#head + i) & this.#mask];
    this.#buf = buf;
    this.#mask = length - 1;
    this.#head = 0;
  }
}
