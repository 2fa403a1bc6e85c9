/**
 * The publisher's subjects and KV keys, escaped once per source, channel and
 * symbol rather than once per event.
 *
 * @module
 */

import type { Channel } from "../../src/events.ts";
import { latestKey } from "./_latest.ts";
import { eventSubject, statusSubject } from "./subjects.ts";

/** Entries kept before the cache starts over (a feed of every symbol of a market stays below). */
const MAX_ENTRIES = 50_000;

/** What one source, channel and symbol is published under. */
export interface Route {
  /** `<prefix>.<source>.<type>.<SYMBOL>`. */
  readonly subject: string;
  /** The KV key of its latest value (quote and book). */
  readonly key: string;
}

/** Subjects and keys of one prefix, memoized. */
export class SubjectCache {
  readonly #prefix: string;
  /** source → channel → symbol → route. */
  readonly #routes = new Map<string, Map<string, Map<string, Route>>>();
  readonly #status = new Map<string, string>();
  #size = 0;

  /** @param prefix First token of every subject. */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /**
   * The subject (and KV key) of a market event.
   * @param source Connector name. @param type Channel. @param symbol Symbol.
   * @returns The same strings as `eventSubject` and `latestKey`.
   */
  route(source: string, type: Channel, symbol: string): Route {
    let byType = this.#routes.get(source);
    if (byType === undefined) this.#routes.set(source, byType = new Map());
    let bySymbol = byType.get(type);
    if (bySymbol === undefined) byType.set(type, bySymbol = new Map());
    let r = bySymbol.get(symbol);
    if (r === undefined) {
      if (++this.#size > MAX_ENTRIES) {
        this.#routes.clear();
        this.#size = 0;
        return this.route(source, type, symbol);
      }
      r = {
        subject: eventSubject(source, type, symbol, this.#prefix),
        key: type === "quote" || type === "book" ? latestKey(source, type, symbol) : "",
      };
      bySymbol.set(symbol, r);
    }
    return r;
  }

  /**
   * The subject of a source's statuses.
   * @param source Connector name. @returns The same string as `statusSubject`.
   */
  status(source: string): string {
    let s = this.#status.get(source);
    if (s === undefined) {
      s = statusSubject(source, this.#prefix);
      if (this.#status.size < MAX_ENTRIES) this.#status.set(source, s);
    }
    return s;
  }
}
