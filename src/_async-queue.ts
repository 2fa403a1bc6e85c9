/**
 * A small unbounded async queue for rare events (status streams): one producer,
 * one consumer, ends on close after draining.
 *
 * @module
 */

/** Unbounded FIFO exposed as an async iterator. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  #head = 0;
  #waiter: ((r: IteratorResult<T>) => void) | undefined;
  #closed = false;
  readonly #onReturn: () => void;

  /** @param onReturn Called once when the consumer stops or the queue closes. */
  constructor(onReturn: () => void = () => {}) {
    this.#onReturn = onReturn;
  }

  /** @param item Appended, or handed straight to a waiting consumer. */
  push(item: T): void {
    if (this.#closed) return;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w({ value: item, done: false });
    } else this.#items.push(item);
  }

  /** Ends the stream once the consumer has read what is queued. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w({ value: undefined, done: true });
    }
    this.#onReturn();
  }

  /** @returns The next item, waiting if none is queued. */
  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++]!;
      if (this.#head === this.#items.length) {
        this.#items.length = 0;
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** @returns Done; stops the stream. */
  return(): Promise<IteratorResult<T>> {
    this.#items.length = 0;
    this.#head = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** @returns This iterator. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** Rare items to any number of consumers: each `subscribe()` gets what is pushed from then on. */
export class Broadcast<T> {
  readonly #queues = new Set<AsyncQueue<T>>();
  #closed = false;

  /** @returns The items pushed from now on; ends at {@link Broadcast.close} (at once if closed). */
  subscribe(): AsyncIterableIterator<T> {
    const q: AsyncQueue<T> = new AsyncQueue(() => this.#queues.delete(q));
    if (this.#closed) q.close();
    else this.#queues.add(q);
    return q;
  }

  /** @param item Handed to every consumer. */
  push(item: T): void {
    for (const q of this.#queues) q.push(item);
  }

  /** Ends every consumer's stream, once it has read what it holds. */
  close(): void {
    this.#closed = true;
    for (const q of this.#queues) q.close();
  }
}
