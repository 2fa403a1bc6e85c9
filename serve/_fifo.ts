/**
 * The queue of a client's answers, status events and (conflation off) events.
 *
 * @module
 */

/** A FIFO of items; `shift` is O(1), the array compacted now and then. */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;
  /** Items held. */
  get length(): number {
    return this.#items.length - this.#head;
  }
  /** Appends an item. @param item The item. */
  push(item: T): void {
    this.#items.push(item);
  }
  /** Removes the oldest item (call only when `length > 0`). @returns It. */
  shift(): T {
    const item = this.#items[this.#head];
    (this.#items as (T | undefined)[])[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  /** Removes every item. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
