/**
 * The queue of a client's answers, status events and (conflation off) events.
 *
 * @module
 */

/** Most slots an empty queue keeps for reuse; a larger backing array is let go. */
const KEEP_SLOTS = 4_096;

/**
 * A FIFO of items; `push` and `shift` are O(1). An emptied queue keeps its backing
 * array (up to {@link KEEP_SLOTS}), so a client that keeps up, whose queue empties
 * on every flush, allocates nothing per message.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #tail = 0;
  /** Items held. */
  get length(): number {
    return this.#tail - this.#head;
  }
  /** Appends an item. @param item The item. */
  push(item: T): void {
    this.#items[this.#tail++] = item;
  }
  /** Removes the oldest item (call only when `length > 0`). @returns It. */
  shift(): T {
    const items = this.#items;
    const item = items[this.#head] as T;
    items[this.#head++] = undefined;
    if (this.#head === this.#tail) {
      this.#head = this.#tail = 0;
      if (items.length > KEEP_SLOTS) this.#items = [];
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#tail) {
      this.#items = items.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return item;
  }
  /** Removes every item. */
  clear(): void {
    this.#items = [];
    this.#head = this.#tail = 0;
  }
}
