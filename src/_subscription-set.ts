/**
 * The feed's subscriptions, with a count of subscriptions per symbol so that a
 * symbol stops being watched for staleness when its last subscription goes.
 *
 * @module
 */

import { type Subscription, subscriptionKey } from "./connector.ts";

/** A set of subscriptions keyed by {@link subscriptionKey}. */
export class SubscriptionSet {
  readonly #subs = new Map<string, Subscription>();
  readonly #perSymbol = new Map<string, number>();

  /**
   * @param sub A normalized subscription.
   * @returns `"new-symbol"` for the first subscription of its symbol, `"added"`
   *   for another one, `"present"` when already held.
   */
  add(sub: Subscription): "new-symbol" | "added" | "present" {
    const key = subscriptionKey(sub);
    if (this.#subs.has(key)) return "present";
    this.#subs.set(key, sub);
    const n = this.#perSymbol.get(sub.symbol) ?? 0;
    this.#perSymbol.set(sub.symbol, n + 1);
    return n === 0 ? "new-symbol" : "added";
  }

  /**
   * @param sub A normalized subscription.
   * @returns `"last-of-symbol"` when it was its symbol's last subscription,
   *   `"removed"` otherwise, `"absent"` when not held.
   */
  remove(sub: Subscription): "last-of-symbol" | "removed" | "absent" {
    if (!this.#subs.delete(subscriptionKey(sub))) return "absent";
    const left = (this.#perSymbol.get(sub.symbol) ?? 1) - 1;
    if (left > 0) {
      this.#perSymbol.set(sub.symbol, left);
      return "removed";
    }
    this.#perSymbol.delete(sub.symbol);
    return "last-of-symbol";
  }

  /** @returns Every subscription held, in the order added. */
  list(): Subscription[] {
    return [...this.#subs.values()];
  }
}
