/**
 * What the emulator serves on a topic: a known instrument's book, info or
 * candlesticks, a known market's exchange info, the subscription-error topic,
 * or a refusal that is answered on the subscription-error topic.
 *
 * @module
 */

import { marketTopic, parseTopic, SUBSCRIBE_ERROR_TOPIC } from "../decode/topics.ts";

/** Candlestick intervals served, with their length in minutes (inferred list; `1d` is a Bangkok day). */
export const INTERVAL_MINUTES: Readonly<Record<string, number>> = Object.freeze({
  "1m": 1,
  "3m": 3,
  "5m": 5,
  "10m": 10,
  "15m": 15,
  "30m": 30,
  "60m": 60,
  "1d": 1_440,
});

/** A topic, classified against the emulator's universe. */
export type TopicRoute =
  | { readonly kind: "book"; readonly symbol: string }
  | { readonly kind: "info"; readonly symbol: string }
  | { readonly kind: "bar"; readonly symbol: string; readonly interval: string }
  | { readonly kind: "market"; readonly market: string; readonly deriv: boolean }
  | { readonly kind: "errors" }
  | { readonly kind: "refused"; readonly code: string; readonly message: string };

/** The known universe. */
export interface Universe {
  readonly symbols: ReadonlySet<string>;
  /** Market names as spelled on the wire. */
  readonly markets: ReadonlySet<string>;
}

const refused = (code: string, message: string): TopicRoute => ({ kind: "refused", code, message });

function instrument(universe: Universe, symbol: string, route: TopicRoute): TopicRoute {
  return universe.symbols.has(symbol)
    ? route
    : refused("E404", `unknown symbol ${JSON.stringify(symbol)}`);
}

/**
 * Classifies a topic a client subscribed to.
 * @param topic The topic filter as subscribed.
 * @param universe Known symbols and markets.
 * @returns What is served on it, or the refusal to report.
 */
export function routeTopic(topic: string, universe: Universe): TopicRoute {
  if (topic === SUBSCRIBE_ERROR_TOPIC) return { kind: "errors" };
  if (/[+#]/.test(topic)) return refused("E400", "wildcard subscriptions are not served");
  const t = parseTopic(topic);
  switch (t?.kind) {
    case "bidoffer":
      return instrument(universe, t.symbol, { kind: "book", symbol: t.symbol });
    case "info":
      return instrument(universe, t.symbol, { kind: "info", symbol: t.symbol });
    case "candlestick":
      if (!Object.hasOwn(INTERVAL_MINUTES, t.interval)) {
        return refused("E400", `unknown interval ${JSON.stringify(t.interval)}`);
      }
      return instrument(universe, t.symbol, {
        kind: "bar",
        symbol: t.symbol,
        interval: t.interval,
      });
    case "exchange-equity":
    case "exchange-deriv": {
      let expected: string | undefined;
      try {
        expected = marketTopic(t.market);
      } catch {
        expected = undefined;
      }
      // Markets are spelled as on the wire (`SET`, `mai`, `TFEX`): `MAI` is unknown.
      if (expected !== topic || !universe.markets.has(t.market)) {
        return refused("E404", `unknown market ${JSON.stringify(t.market)}`);
      }
      return { kind: "market", market: t.market, deriv: t.kind === "exchange-deriv" };
    }
    default:
      return refused("E400", "topic is not served");
  }
}
