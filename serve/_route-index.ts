/**
 * Who gets what: an index from symbol and channel to the clients subscribed
 * (plus the wildcard `"*"` per channel), and the interned `channel:symbol`
 * conflation keys, so that routing an event allocates nothing.
 *
 * @module
 */

import type { Channel, MarketEvent } from "../src/events.ts";
import type { Client } from "./_client.ts";

type Index = Map<Channel, Set<Client>>;

/** The subscription index of one server. */
export class RouteIndex {
  readonly #bySymbol = new Map<string, Index>();
  readonly #wildcard: Index = new Map();
  /** Interned `channel:symbol` keys. */
  readonly #keys = new Map<string, Map<string, string>>();

  /**
   * Subscribes a client to (channel, symbol) pairs.
   * @param client The client. @param symbols Upper case, or `"*"`. @param channels Channels.
   * @returns The pairs that were new.
   */
  add(
    client: Client,
    symbols: readonly string[],
    channels: readonly Channel[],
  ): { symbol: string; channel: Channel }[] {
    const added: { symbol: string; channel: Channel }[] = [];
    for (const symbol of symbols) {
      let held = client.subscriptions.get(symbol);
      if (held === undefined) client.subscriptions.set(symbol, held = new Set());
      let index = symbol === "*" ? this.#wildcard : this.#bySymbol.get(symbol);
      if (index === undefined) this.#bySymbol.set(symbol, index = new Map());
      for (const channel of channels) {
        if (held.has(channel)) continue;
        held.add(channel);
        client.pairs++;
        let set = index.get(channel);
        if (set === undefined) index.set(channel, set = new Set());
        set.add(client);
        added.push({ symbol, channel });
      }
    }
    return added;
  }

  /**
   * Unsubscribes a client from (channel, symbol) pairs.
   * @param client The client. @param symbols Upper case, or `"*"`. @param channels Channels.
   * @returns How many pairs were removed.
   */
  remove(client: Client, symbols: readonly string[], channels: readonly Channel[]): number {
    let removed = 0;
    for (const symbol of symbols) {
      const held = client.subscriptions.get(symbol);
      if (held === undefined) continue;
      const index = symbol === "*" ? this.#wildcard : this.#bySymbol.get(symbol);
      for (const channel of channels) {
        if (!held.delete(channel)) continue;
        removed++;
        client.pairs--;
        index?.get(channel)?.delete(client);
        if (symbol !== "*") client.forget(this.key(channel, symbol));
      }
      if (held.size === 0) client.subscriptions.delete(symbol);
    }
    return removed;
  }

  /**
   * Removes every subscription of a client (it is gone).
   * @param client The client.
   */
  unindex(client: Client): void {
    for (const [symbol, channels] of client.subscriptions) {
      const index = symbol === "*" ? this.#wildcard : this.#bySymbol.get(symbol);
      for (const channel of channels) index?.get(channel)?.delete(client);
    }
    client.subscriptions.clear();
    client.pairs = 0;
  }

  /**
   * The interned conflation key of a (channel, symbol) pair.
   * @param channel Channel. @param symbol Symbol.
   * @returns `channel:symbol`.
   */
  key(channel: string, symbol: string): string {
    let bySymbol = this.#keys.get(channel);
    if (bySymbol === undefined) this.#keys.set(channel, bySymbol = new Map());
    let key = bySymbol.get(symbol);
    if (key === undefined) {
      // Bounded by the symbols the feed carries; a wildcard-only client adds none.
      bySymbol.set(symbol, key = `${channel}:${symbol}`);
    }
    return key;
  }

  /**
   * Hands a market event to each client subscribed to it, once.
   * @param ev The event.
   * @param deliver Called per client with the event's interned key.
   */
  route(ev: MarketEvent, deliver: (client: Client, key: string, ev: MarketEvent) => void): void {
    const index = this.#bySymbol.get(ev.symbol);
    const direct = index?.get(ev.type);
    const wild = this.#wildcard.get(ev.type);
    if ((direct === undefined || direct.size === 0) && (wild === undefined || wild.size === 0)) {
      return;
    }
    const key = this.key(ev.type, ev.symbol);
    if (direct !== undefined) {
      for (const client of direct) {
        deliver(client, key, ev);
      }
    }
    if (wild !== undefined) {
      for (const client of wild) {
        if (direct !== undefined && direct.has(client)) continue;
        deliver(client, key, ev);
      }
    }
  }
}
